"""Interventions: what changes during a run, when, and for how long.

Three kinds, told apart by their keys (or an explicit `kind:`):

- change: `set:` parameter changes from day `start`, optionally phased in linearly over `ramp`
  days and undone on day `end` (the values that apply without it come back; how changes to
  the same parameter stack is described in sim.scenario.runtime);
- event: a one-off `shock:` (a public inquiry or media storm) on day `start`;
- trigger: `set:` changes that fire once, the first day a condition on the daily data holds
  (`when:`), optionally lasting `duration` days.

Days are scenario days: day 1 is the first day after burn-in. Timings (`start`, `end`, `ramp`,
`duration`) are whole numbers of days, or a duration written as text, `3 months`, `6 weeks` or
`10 days`, converted to the nearest whole day with a month of DAYS_PER_MONTH days (the mean
Gregorian month, 365.25 / 12) and a week of 7; `start: 3 months` is scenario day 91.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.core.metrics import METRIC_BY_NAME, period_value
from sim.scenario.schema import (
    check_mapping,
    check_number,
    check_parameter,
    check_parameter_key,
    check_text,
    fail,
    show,
    suggestion,
    unknown_key,
)

KINDS = ("change", "event", "trigger")
ALLOWED_KEYS = {
    "change": ("name", "kind", "description", "start", "end", "ramp", "set"),
    "event": ("name", "kind", "description", "start", "shock"),
    "trigger": ("name", "kind", "description", "start", "end", "ramp", "duration", "when", "set"),
}
ALL_KEYS = tuple(dict.fromkeys(key for keys in ALLOWED_KEYS.values() for key in keys))
SHOCK_KEYS = ("magnitude", "description")
CONDITION_KEYS = ("metric", "per", "window", "above", "below")
MAX_INTERVENTIONS = 200
MAX_DAY = 3650
DAY_UNIT = "scenario day; day 1 is the first day after burn-in"
DAYS_PER_MONTH = 365.25 / 12  # 30.4375: the mean month of the Gregorian calendar
DAYS_PER_UNIT = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH}
DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(day|week|month)s?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Shock:
    """A public inquiry or media storm (sim.core.model.HospitalModel.external_shock)."""

    magnitude: float
    description: str = "A public inquiry"


@dataclass(frozen=True)
class Condition:
    """A test on the last `window` days of data: `metric` (or metric per `per`) above/below."""

    metric: str
    window: int = 30
    above: float | None = None
    below: float | None = None
    per: str | None = None

    def value(self, columns: Mapping[str, Sequence[float]]) -> float:
        """The metric over the window (ratio of sums when `per` is given)."""
        if self.per is not None:
            denominator = sum(columns[self.per])
            return sum(columns[self.metric]) / denominator if denominator else math.nan
        return period_value(METRIC_BY_NAME[self.metric], columns)

    def columns_needed(self) -> tuple[str, ...]:
        names = [self.metric, *METRIC_BY_NAME[self.metric].needed_columns, self.per]
        return tuple(dict.fromkeys(name for name in names if name))

    def holds(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if self.above is not None:
            return value > self.above
        return self.below is not None and value < self.below

    def describe(self) -> str:
        what = self.metric + (f" per {self.per.rstrip('s')}" if self.per else "")
        side = f"above {self.above:g}" if self.above is not None else f"below {self.below:g}"
        return f"{what} over {self.window} days {side}"


@dataclass(frozen=True)
class Intervention:
    """One scheduled change, one-off event or conditional trigger (see the module docstring)."""

    name: str
    kind: str = "change"
    start: int = 1
    end: int | None = None
    ramp: int = 0
    changes: dict[str, int | float] = field(default_factory=dict)
    shock: Shock | None = None
    when: Condition | None = None
    duration: int | None = None
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The intervention as written in a resolved scenario file."""
        data: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.description:
            data["description"] = self.description
        data["start"] = self.start
        if self.end is not None:
            data["end"] = self.end
        if self.kind != "event":
            data["ramp"] = self.ramp
        if self.duration is not None:
            data["duration"] = self.duration
        if self.when is not None:
            data["when"] = {key: getattr(self.when, key) for key in CONDITION_KEYS
                            if getattr(self.when, key) is not None}
        if self.shock is not None:
            data["shock"] = {"magnitude": self.shock.magnitude,
                             "description": self.shock.description}
        if self.changes:
            data["set"] = dict(self.changes)
        return data

    def markers(self, run_days: int) -> list[tuple[int, str]]:
        """(scenario day, label) for the start and end known before the run."""
        if self.kind == "trigger":
            return []  # a trigger's day is known only once it fires (see build_model)
        marks = [(self.start, self.name)]
        if self.end is not None and self.end <= run_days:
            marks.append((self.end, f"{self.name} ends"))
        return marks


def check_intervention_list(value: Any, where: str) -> list[Mapping[Any, Any]]:
    """A list of mappings, each with a unique text name (the key used by `extends` merges)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(where, "interventions", f"expected a list of interventions, got {show(value)}")
    if len(value) > MAX_INTERVENTIONS:
        raise fail(where, "interventions", f"{len(value)} interventions; at most "
                   f"{MAX_INTERVENTIONS} allowed")
    names: set[str] = set()
    for index, item in enumerate(value):
        path = f"interventions[{index}]"
        check_mapping(item, where, path, "a mapping with name, start and set/shock/when")
        if "name" not in item:
            raise fail(where, path, "missing 'name' (every intervention needs a name)")
        name = check_name(item["name"], where, f"{path}.name")
        if name in names:
            raise fail(where, f"{path}.name", f"duplicate intervention name {name!r}; names "
                       "must be unique")
        names.add(name)
        check_fields(item, where, path)
    return value


def check_name(value: Any, where: str, path: str) -> str:
    name = check_text(value, where, path, limit=120, one_line=True).strip()
    if not name:
        raise fail(where, path, "expected a non-empty name")
    return name


def check_fields(item: Mapping[Any, Any], where: str, path: str) -> dict[str, Any]:
    """Check each key present (type, range, known names); completeness is checked later."""
    checked: dict[str, Any] = {}
    for key, value in item.items():
        here = f"{path}.{key}"
        if key not in ALL_KEYS:
            raise unknown_key(where, path, key, ALL_KEYS)
        if key == "name":
            checked[key] = check_name(value, where, here)
        elif key == "kind":
            if value not in KINDS:
                raise fail(where, here, f"expected one of {', '.join(KINDS)}, got {show(value)}"
                           f"{suggestion(value, KINDS)}")
            checked[key] = value
        elif key == "description":
            checked[key] = check_text(value, where, here)
        elif key == "start":
            checked[key] = check_days(value, where, here, low=1, high=MAX_DAY, unit=DAY_UNIT)
        elif key == "end":
            checked[key] = check_days(value, where, here, low=2, high=MAX_DAY + 1,
                                      unit=DAY_UNIT)
        elif key == "ramp":
            checked[key] = check_days(value, where, here, low=0, high=MAX_DAY, unit="days")
        elif key == "duration":
            checked[key] = check_days(value, where, here, low=1, high=MAX_DAY, unit="days")
        elif key == "set":
            checked[key] = check_changes(value, where, here)
        elif key == "shock":
            checked[key] = check_shock(value, where, here)
        else:
            checked[key] = check_condition(value, where, here)
    return checked


def check_days(value: Any, where: str, path: str, *, low: int, high: int, unit: str) -> int:
    """A timing in whole days: a whole number, or text such as `3 months`, `6 weeks` or
    `10 days` (rounded to the nearest day; a month is DAYS_PER_MONTH days)."""
    if isinstance(value, str):
        match = DURATION.match(value)
        if match is None:
            raise fail(where, path, f"expected a whole number of days or a duration such as "
                       f"'3 months', '6 weeks' or '10 days', got {show(value)}")
        days = round(float(match.group(1)) * DAYS_PER_UNIT[match.group(2).lower()])
        if not low <= days <= high:
            raise fail(where, path, f"out of range: {value.strip()} is {days:,} days; expected "
                       f"{low} to {high:,} ({unit})")
        return days
    return int(check_number(value, where, path, whole=True, low=low, high=high, unit=unit))


def check_changes(value: Any, where: str, path: str) -> dict[str, int | float]:
    mapping = check_mapping(value, where, path,
                            "a mapping of parameter changes like 'management.punitiveness: 0.2'")
    if not mapping:
        raise fail(where, path, "expected at least one parameter change")
    changes: dict[str, int | float] = {}
    for key, new in mapping.items():
        check_parameter_key(key, where, path, mid_run=True)
        changes[key] = check_parameter(key, new, where, f"{path}.{key}")
    return changes


def check_shock(value: Any, where: str, path: str) -> Shock:
    mapping = check_mapping(value, where, path, "a mapping with magnitude and description")
    for key in mapping:
        if key not in SHOCK_KEYS:
            raise unknown_key(where, path, key, SHOCK_KEYS)
    if "magnitude" not in mapping:
        raise fail(where, path, "missing 'magnitude' (0 to 1: how hard the shock hits)")
    magnitude = float(check_number(mapping["magnitude"], where, f"{path}.magnitude", low=0.0,
                                   high=1.0, unit="0-1"))
    description = check_text(mapping.get("description", "A public inquiry"), where,
                             f"{path}.description", limit=500)
    return Shock(magnitude, description)


def check_condition(value: Any, where: str, path: str) -> Condition:
    mapping = check_mapping(value, where, path,
                            "a mapping with metric, window and above or below")
    for key in mapping:
        if key not in CONDITION_KEYS:
            raise unknown_key(where, path, key, CONDITION_KEYS)
    if "metric" not in mapping:
        raise fail(where, path, "missing 'metric' (a daily metric such as adverse_events)")
    metric = check_metric(mapping["metric"], where, f"{path}.metric")
    per = None
    if mapping.get("per") is not None:
        per = check_metric(mapping["per"], where, f"{path}.per")
        for name, key in ((metric, "metric"), (per, "per")):
            if METRIC_BY_NAME[name].kind != "count":
                raise fail(where, f"{path}.{key}", f"{name} is a {METRIC_BY_NAME[name].kind}; "
                           "'per' divides one count by another (e.g. adverse_events per "
                           "admissions)")
    window = check_number(mapping.get("window", 30), where, f"{path}.window", whole=True,
                          low=1, high=365, unit="days")
    bounds = [key for key in ("above", "below") if key in mapping]
    if len(bounds) != 1:
        raise fail(where, path, "expected exactly one of 'above' or 'below'")
    threshold = float(check_number(mapping[bounds[0]], where, f"{path}.{bounds[0]}"))
    return Condition(metric, window, per=per, **{bounds[0]: threshold})


def check_metric(value: Any, where: str, path: str) -> str:
    if not isinstance(value, str) or value not in METRIC_BY_NAME:
        raise fail(where, path, f"unknown metric {show(value)}"
                   f"{suggestion(value, METRIC_BY_NAME)}")
    return value


def infer_kind(item: Mapping[str, Any]) -> str:
    if "kind" in item:
        return item["kind"]
    if "when" in item:
        return "trigger"
    return "event" if "shock" in item else "change"


def complete_intervention(item: Mapping[Any, Any], where: str, path: str,
                          run_days: int) -> Intervention:
    """A full intervention from a merged mapping: required keys, kind and timing checked."""
    fields = check_fields(item, where, path)
    kind = infer_kind(fields)
    for key in fields:
        if key not in ALLOWED_KEYS[kind]:
            article = "an" if kind == "event" else "a"
            raise fail(where, f"{path}.{key}", f"does not apply to {article} {kind} intervention "
                       f"(allowed: {', '.join(ALLOWED_KEYS[kind])})")
    required = {"change": ("start", "set"), "event": ("start", "shock"),
                "trigger": ("when", "set")}[kind]
    for key in required:
        if key not in fields:
            article = "an" if kind == "event" else "a"
            raise fail(where, path, f"missing '{key}' ({article} {kind} intervention needs "
                       f"{' and '.join(required)})")
    intervention = Intervention(
        name=fields["name"], kind=kind, start=fields.get("start", 1), end=fields.get("end"),
        ramp=fields.get("ramp", 0), changes=fields.get("set", {}), shock=fields.get("shock"),
        when=fields.get("when"), duration=fields.get("duration"),
        description=fields.get("description", ""))
    check_timing(intervention, where, path, run_days)
    return intervention


def check_timing(item: Intervention, where: str, path: str, run_days: int) -> None:
    if item.start > run_days:
        raise fail(where, f"{path}.start", f"starts after the run ends: day {item.start}, but "
                   f"the run has {run_days} days (run.days)")
    if item.end is not None and item.end <= item.start:
        raise fail(where, f"{path}.end", f"ends before it starts: end (day {item.end}) must be "
                   f"after start (day {item.start})")
    if item.end is not None and item.kind == "change" and item.ramp > item.end - item.start:
        raise fail(where, f"{path}.ramp", f"a ramp of {item.ramp} days is longer than the "
                   f"intervention (day {item.start} to day {item.end})")
    if item.duration is not None and item.ramp > item.duration:
        raise fail(where, f"{path}.ramp", f"a ramp of {item.ramp} days is longer than the "
                   f"duration ({item.duration} days)")
