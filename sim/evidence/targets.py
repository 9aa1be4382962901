"""The levels the default hospital should land in, from published studies, as data.

Each target is a quantity of the baseline over the last 180 days of a run, a metric of
`sim.core.metrics` or a quantity derived from several (adverse events per admission). It is met when
the mean over replicate hospitals lies in its range; the 95% interval is reported beside it.
The tests (tests/test_baseline.py), `run.py check-model` and `run.py calibrate` all read these.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sim.evidence.effects import Estimate, interval, run_variants, with_common

Summary = Mapping[str, float]


def divided(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def near_miss_reporting_ratio(run: Summary) -> float:
    """Near misses' reporting rate relative to harm events' (below 1: reported less)."""
    near_miss_rate = divided(run["staff_reports"] - run["reported_adverse_events"],
                             run["near_misses"])
    return divided(near_miss_rate, run["harm_capture"])


# Quantities that are not a single metric, computed from one run's window summary.
DERIVED: dict[str, Callable[[Summary], float]] = {
    "adverse_events_per_admission": lambda run: divided(run["adverse_events"],
                                                        run["admissions"]),
    "preventable_share": lambda run: divided(run["preventable_adverse_events"],
                                             run["adverse_events"]),
    "near_miss_reporting_ratio": near_miss_reporting_ratio,
}


@dataclass(frozen=True)
class LevelTarget:
    """A published range for one quantity of the default hospital."""

    quantity: str  # a metric name, or a key of DERIVED
    low: float
    high: float
    source: str

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def expected(self) -> str:
        return f"{self.low:g} to {self.high:g}"

    def value(self, run: Summary) -> float:
        if self.quantity in DERIVED:
            return DERIVED[self.quantity](run)
        return run[self.quantity]


LEVEL_TARGETS: tuple[LevelTarget, ...] = (
    LevelTarget("adverse_events_per_admission", 0.04, 0.13,
                "de Vries 2008 (9.2%); Brennan 1991 (3.7%); Sari 2007 (8.7%)"),
    LevelTarget("preventable_share", 0.3, 0.6, "de Vries 2008 (43.5%)"),
    LevelTarget("harm_capture", 0.05, 0.20, "OIG 2012 (14%); Sari 2007 (5%); Cullen 1995 (6%)"),
    LevelTarget("near_miss_reporting_ratio", 0.0, 1.0,
                "Evans 2006: near misses reported at a lower rate than harm events"),
    LevelTarget("silent_staff_share", 0.35, 0.70, "AHRQ 2008: 52% filed no report in a year"),
    LevelTarget("burnout_doctors", 0.40, 0.55, "Shanafelt 2015/2019"),
    LevelTarget("burnout_nurses", 0.10, 0.35, "Aiken 2012/2024"),
    LevelTarget("sops_response_to_error", 0.30, 0.60,
                "AHRQ 2012: nonpunitive response 44% positive, the lowest composite"),
    LevelTarget("second_order_share", 0.04, 0.12, "Tucker & Edmondson 2003: about 7%"),
)
LEVEL_BY_QUANTITY = {target.quantity: target for target in LEVEL_TARGETS}


@dataclass(frozen=True)
class LevelResult(Estimate):
    target: LevelTarget

    @property
    def passed(self) -> bool:
        return self.target.low <= self.mean <= self.target.high


def judge_levels(targets: Sequence[LevelTarget],
                 runs: Sequence[Summary]) -> list[LevelResult]:
    """Each target's mean and 95% interval over the baseline runs given."""
    return [LevelResult(len(runs), *interval([target.value(run) for run in runs]), target=target)
            for target in targets]


def measure_levels(targets: Sequence[LevelTarget], seeds: Sequence[int],
                   workers: int | None = None,
                   common: tuple[tuple[str, float], ...] = ()) -> list[LevelResult]:
    """Run the baseline (with `common` changes) over the seeds and measure each target."""
    variant = with_common(("baseline", ()), common)
    return judge_levels(targets, run_variants([variant], seeds, workers)[variant])
