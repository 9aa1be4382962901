"""Putting a scenario's interventions on the model's event scheduler.

Timing (scenario day d = model time burn_in + d; day d's work runs at model time d):
- a change starting on day d is applied at model time d - 0.5, before that day's work;
- a ramp moves each value linearly from its value at the start to the target, one step a day,
  reaching the target on the ramp's last day (d + ramp - 1);
- `end` restores the values in force just before the start;
- a trigger checks its condition after each day's work from day `start`, and the first time it
  holds, its change takes effect from the next day.

Every change goes through `model.set_parameter`, which keeps the model consistent (audit and
walkround timetables, staffing, managers' styles). Two interventions changing the same parameter
at overlapping times are applied in turn; each `end` restores what it found.

Mesa holds scheduled callables by weak reference, so every runner is kept on the model in
`model.interventions`.
"""

from __future__ import annotations

from mesa.time import Schedule

from sim.model import HospitalModel
from sim.scenario.interventions import Intervention
from sim.scenario.scenario import Scenario, validate_scenario


def build_model(scenario: Scenario, seed: int = 0, storytelling: bool = True) -> HospitalModel:
    """A HospitalModel for `scenario` with its interventions scheduled; call `model.run()`."""
    validate_scenario(scenario)
    model = HospitalModel(scenario.config, seed=seed, storytelling=storytelling)
    model.scenario_spec = scenario
    model.intervention_markers = []  # (scenario day, label) of triggers as they fire and end
    model.fired_triggers = []  # (scenario day, name): first day under each fired trigger
    model.interventions = [runner_for(model, item) for item in scenario.interventions]
    return model


def runner_for(model: HospitalModel, item: Intervention) -> ScheduledChange | ShockEvent | Trigger:
    if item.kind == "event":
        return ShockEvent(model, item)
    if item.kind == "trigger":
        return Trigger(model, item)
    return ScheduledChange(model, item)


def day_before(model: HospitalModel, scenario_day: int) -> float:
    """The model time just before `scenario_day`'s work."""
    return model.model_time(scenario_day) - 0.5


class ParameterChange:
    """Phases a set of parameter changes in (linearly over `ramp` days) and can undo them."""

    def __init__(self, model: HospitalModel, item: Intervention) -> None:
        self.model = model
        self.item = item
        self.before: dict[str, int | float] = {}
        self.ramp_day = 0
        self.ramping = None

    def begin(self) -> None:
        self.before = {key: self.model.config.get(key) for key in self.item.changes}
        self.ramp_day = 0
        self.advance()
        if self.item.ramp > 1:
            self.ramping = self.model.schedule_recurring(
                self.advance, Schedule(interval=1, start=self.model.time + 1,
                                       count=self.item.ramp - 1))
        self.model.tell(f"{self.item.name} begins: {self.describe()}.", kind="intervention")

    def advance(self) -> None:
        """One day further along the ramp (or straight to the target without one)."""
        self.ramp_day += 1
        for key, target in self.item.changes.items():
            self.apply(key, self.value_on(key, target, self.ramp_day))

    def value_on(self, key: str, target: int | float, ramp_day: int) -> int | float:
        ramp, start = self.item.ramp, self.before[key]
        fraction = 1.0 if ramp <= 1 else min(1.0, ramp_day / ramp)
        value = start + (target - start) * fraction
        return round(value) if isinstance(target, int) else value

    def apply(self, key: str, value: int | float) -> None:
        # Only real changes reach the model: re-setting staffing or timetables has side effects.
        if self.model.config.get(key) != value:
            self.model.set_parameter(key, value)

    def finish(self) -> None:
        if self.ramping is not None:
            self.ramping.stop()
        for key, value in self.before.items():
            self.apply(key, value)
        self.model.tell(f"{self.item.name} ends; earlier settings restored.",
                        kind="intervention")

    def describe(self) -> str:
        changes = ", ".join(f"{key} {self.before[key]:g} to {target:g}"
                            for key, target in self.item.changes.items())
        return changes + (f", phased in over {self.item.ramp} days" if self.item.ramp > 1 else "")


class ScheduledChange(ParameterChange):
    """A change from day `start`, undone on day `end` if given."""

    def __init__(self, model: HospitalModel, item: Intervention) -> None:
        super().__init__(model, item)
        model.schedule_event(self.begin, at=day_before(model, item.start))
        if item.end is not None:
            model.schedule_event(self.finish, at=day_before(model, item.end))


class ShockEvent:
    """A public inquiry or media storm on day `start`."""

    def __init__(self, model: HospitalModel, item: Intervention) -> None:
        self.model = model
        self.item = item
        model.schedule_event(self.strike, at=day_before(model, item.start))

    def strike(self) -> None:
        self.model.external_shock(self.item.shock.magnitude, self.item.shock.description)


class Trigger(ParameterChange):
    """A change that fires once, the first evening its condition holds on the daily data."""

    def __init__(self, model: HospitalModel, item: Intervention) -> None:
        super().__init__(model, item)
        self.fired_on: int | None = None
        # Watch up to the evening before day `end` (so `end` is the first day not watched).
        last = None if item.end is None else model.model_time(item.end) - 1
        self.watching = model.schedule_recurring(
            self.check, Schedule(interval=1, start=model.model_time(item.start), end=last))

    def check(self) -> None:
        if self.fired_on is not None:
            return
        condition = self.item.when
        recorded = self.model.datacollector.model_vars
        if len(recorded[condition.metric]) < condition.window:
            return
        columns = {name: recorded[name][-condition.window:]
                   for name in condition.columns_needed()}
        value = condition.value(columns)
        if condition.holds(value):
            self.fire(value)

    def fire(self, value: float) -> None:
        self.watching.stop()
        self.fired_on = self.model.scenario_day + 1  # the first day under the change
        self.model.fired_triggers.append((self.fired_on, self.item.name))
        self.model.intervention_markers.append((self.fired_on, self.item.name))
        self.model.tell(f"{self.item.when.describe()} (now {value:.3g}): "
                        f"{self.item.name} is triggered.", kind="intervention")
        self.begin()
        if self.item.duration is not None:
            ends = self.fired_on + self.item.duration
            self.model.schedule_event(self.finish, at=day_before(self.model, ends))
            self.model.intervention_markers.append((ends, f"{self.item.name} ends"))
