"""Putting a scenario's interventions on the model's event scheduler.

Timing (scenario day d = model time burn_in + d; day d's work runs at model time d):
- a change starting on day d is applied at model time d - 0.5, before that day's work;
- a ramp moves each value linearly from the value that would apply without it to the target,
  one step a day, reaching the target on the ramp's last day (d + ramp - 1);
- a trigger checks its condition after each day's work from day `start`, and the first time it
  holds, its change takes effect from the next day.

How interventions on the same parameter compose (docs/scenarios.md): the value in force is
recomputed from the parameter's base value (its value before any intervention on it began)
and every intervention in force on it, taken in the order they started (two that start on the
same day in the order they are listed), each one laying its target (or its ramp's progress
towards it) over the value below. So the later-starting intervention wins
while it is in force, and when any intervention ends, the value becomes what applies without
it. A change made from outside (a lever in the classroom page) while interventions are in
force becomes the new base value.

Every change goes through `model.set_parameter`, which keeps the model consistent (audit and
walkround timetables, staffing, managers' styles).

Mesa holds scheduled callables by weak reference, so every runner is kept on the model in
`model.interventions`.
"""

from __future__ import annotations

from mesa.time import Schedule

from sim.core.model import HospitalModel
from sim.scenario.interventions import Intervention
from sim.scenario.scenario import Scenario, validate_scenario


def build_model(scenario: Scenario, seed: int = 0, storytelling: bool = True) -> HospitalModel:
    """A HospitalModel for `scenario` with its interventions scheduled; call `model.run()`."""
    validate_scenario(scenario)
    model = HospitalModel(scenario.config, seed=seed, storytelling=storytelling)
    model.scenario_spec = scenario
    model.intervention_markers = []  # (scenario day, label) of triggers as they fire and end
    model.fired_triggers = []  # (scenario day, name): first day under each fired trigger
    layers = ParameterLayers(model)
    model.interventions = [runner_for(model, item, position, layers)
                           for position, item in enumerate(scenario.interventions)]
    return model


def runner_for(model: HospitalModel, item: Intervention, position: int,
               layers: ParameterLayers) -> ScheduledChange | ShockEvent | Trigger:
    if item.kind == "event":
        return ShockEvent(model, item)
    if item.kind == "trigger":
        return Trigger(model, item, position, layers)
    return ScheduledChange(model, item, position, layers)


def day_before(model: HospitalModel, scenario_day: int) -> float:
    """The model time just before `scenario_day`'s work."""
    return model.model_time(scenario_day) - 0.5


class ParameterLayers:
    """The interventions in force on each parameter, and the value they give it together."""

    def __init__(self, model: HospitalModel) -> None:
        self.model = model
        self.in_force: list[ParameterChange] = []  # sorted by (first day, position)
        self.base: dict[str, int | float] = {}  # each parameter's value without interventions
        self.applied: dict[str, int | float] = {}  # what the layers last set

    def add(self, change: ParameterChange) -> None:
        for key in change.item.changes:
            self.note_outside_change(key)
        self.in_force.append(change)
        self.in_force.sort(key=lambda layer: (layer.first_day, layer.position))
        self.refresh(change.item.changes)

    def remove(self, change: ParameterChange) -> None:
        self.in_force.remove(change)
        self.refresh(change.item.changes)
        for key in change.item.changes:
            if not any(key in layer.item.changes for layer in self.in_force):
                del self.base[key], self.applied[key]  # untouched until the next one begins

    def note_outside_change(self, key: str) -> None:
        """Take the current value as the base if no layer has set it yet, or if something
        else (a lever in the classroom page) changed it since."""
        current = self.model.config.get(key)
        if key not in self.applied or current != self.applied[key]:
            self.base[key] = current

    def value(self, key: str) -> int | float:
        value = self.base[key]
        for layer in self.in_force:
            if key in layer.item.changes:
                value = layer.laid_over(key, value)
        return value

    def refresh(self, keys: dict[str, int | float]) -> None:
        for key in keys:
            self.note_outside_change(key)
            value = self.value(key)
            # Only real changes reach the model: re-setting staffing or timetables has side
            # effects.
            if self.model.config.get(key) != value:
                self.model.set_parameter(key, value)
            self.applied[key] = value


class ParameterChange:
    """A set of parameter changes, phased in linearly over `ramp` days, that can end."""

    def __init__(self, model: HospitalModel, item: Intervention, position: int,
                 layers: ParameterLayers) -> None:
        self.model = model
        self.item = item
        self.position = position
        self.layers = layers
        self.first_day = item.start
        self.before: dict[str, int | float] = {}
        self.ramp_day = 0
        self.ramping = None

    def begin(self) -> None:
        self.before = {key: self.model.config.get(key) for key in self.item.changes}
        self.ramp_day = 1
        self.layers.add(self)
        if self.item.ramp > 1:
            self.ramping = self.model.schedule_recurring(
                self.advance, Schedule(interval=1, start=self.model.time + 1,
                                       count=self.item.ramp - 1))
        self.model.tell(f"{self.item.name} begins: {self.describe()}.", kind="intervention")

    def advance(self) -> None:
        """One day further along the ramp."""
        self.ramp_day += 1
        self.layers.refresh(self.item.changes)

    def laid_over(self, key: str, below: int | float) -> int | float:
        """This change's value for `key`, given the value that applies without it."""
        target, ramp = self.item.changes[key], self.item.ramp
        if ramp <= 1 or self.ramp_day >= ramp:
            return target  # exactly the value written in the scenario
        value = below + (target - below) * (self.ramp_day / ramp)
        return round(value) if isinstance(target, int) else value

    def finish(self) -> None:
        if self.ramping is not None:
            self.ramping.stop()
        self.layers.remove(self)
        self.model.tell(f"{self.item.name} ends; the settings without it apply again.",
                        kind="intervention")

    def describe(self) -> str:
        changes = ", ".join(f"{key} {self.before[key]:g} to {target:g}"
                            for key, target in self.item.changes.items())
        return changes + (f", phased in over {self.item.ramp} days" if self.item.ramp > 1 else "")


class ScheduledChange(ParameterChange):
    """A change from day `start`, undone on day `end` if given."""

    def __init__(self, model: HospitalModel, item: Intervention, position: int,
                 layers: ParameterLayers) -> None:
        super().__init__(model, item, position, layers)
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

    def __init__(self, model: HospitalModel, item: Intervention, position: int,
                 layers: ParameterLayers) -> None:
        super().__init__(model, item, position, layers)
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
        self.first_day = self.fired_on
        self.model.fired_triggers.append((self.fired_on, self.item.name))
        self.model.intervention_markers.append((self.fired_on, self.item.name))
        self.model.tell(f"{self.item.when.describe()} (now {value:.3g}): "
                        f"{self.item.name} is triggered.", kind="intervention")
        self.begin()
        if self.item.duration is not None:
            ends = self.fired_on + self.item.duration
            self.model.schedule_event(self.finish, at=day_before(self.model, ends))
            self.model.intervention_markers.append((ends, f"{self.item.name} ends"))
