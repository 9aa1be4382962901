"""Audit and walkround timetables: one recurring event per ward on Mesa's scheduler.

Audits (M12) and walkrounds (M11) recur at rates set by `regulation.audits_per_year` and
`management.walkrounds_per_month`, staggered across wards so that wards are not all visited on
the same day. Each event announces the visit for the next day, when the ward's clinicians and
manager act on it (see `HospitalModel.prepare_wards` and `hold_walkrounds`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mesa.time import Schedule

if TYPE_CHECKING:
    from sim.core.model import HospitalModel
    from sim.core.world import Ward


def update_timetables(model: HospitalModel,
                      processes: list[PeriodicProcess]) -> list[PeriodicProcess]:
    """Keep one audit and one walkround timetable per ward in step with their rates.

    A ward keeps its next due date when a rate changes, unless the new interval would bring
    the visit sooner; so a rate ramped up day by day does not keep postponing visits.
    """
    regulation, management = model.config.regulation, model.config.management
    rates = {"audit": regulation.audits_per_year / 365.0,
             "walkround": management.walkrounds_per_month / 30.0}
    existing = {(p.ward.index, p.kind): p for p in processes}
    kept: list[PeriodicProcess] = []
    for ward in model.wards:
        for kind, rate in rates.items():
            process = existing.get((ward.index, kind))
            if rate <= 0:
                if process is not None:
                    process.stop()
                continue
            interval = 1.0 / rate
            if process is None or process.next_due() - model.time > interval:
                if process is not None:
                    process.stop()
                process = PeriodicProcess(model, ward, kind, interval)
            kept.append(process)

    return kept


class PeriodicProcess:
    """An audit or walkround timetable for one ward on Mesa's scheduler.

    Each event announces the visit for the following day: periodic events run after the day's
    step at the same time, so the visit takes place on the next whole day.
    """

    def __init__(self, model: HospitalModel, ward: Ward, kind: str, interval: float) -> None:
        self.model = model
        self.ward = ward
        self.kind = kind
        # Stagger wards so that they are not all visited on the same day.
        start = model.time + interval * (ward.index + 0.5) / len(model.wards)
        self.generator = model.schedule_recurring(
            self.announce, Schedule(interval=self.current_interval, start=start))

    def current_interval(self, model: HospitalModel) -> float:
        if self.kind == "audit":
            return 365.0 / model.config.regulation.audits_per_year
        return 30.0 / model.config.management.walkrounds_per_month

    def next_due(self) -> float:
        due = self.generator.next_scheduled_time
        return math.inf if due is None else due

    def stop(self) -> None:
        self.generator.stop()

    def announce(self) -> None:
        day = math.floor(self.model.time) + 1
        if self.kind == "audit":
            self.ward.audit_day = day
        else:
            self.ward.walkround_day = day
