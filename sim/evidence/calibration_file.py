"""Calibration files: which parameters to fit, within which bounds, to which targets.

    name: hand-tuned defaults
    description: ...
    parameters:                 # at least one; each within its declared range (sim.config)
      - name: reporting.intercept
        low: -5.0
        high: -3.5
    targets:
      levels: all               # `all`, or a list of quantities of sim.evidence.targets;
                                # an item may be {quantity: harm_capture, low: 0.1, high: 0.2}
      bands: [just_culture]     # `all`, or scenarios of sim.evidence.bands (every band of it),
                                # or `scenario:metric` for one band; default none
    settings:                   # optional: changes made to every run (a smaller, quicker fit)
      run.days: 200

Every problem raises UsageError naming the file, the key and what was expected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config import STRUCTURAL_PARAMETERS, parameter_fields
from sim.evidence.bands import BANDS, Band
from sim.evidence.targets import LEVEL_BY_QUANTITY, LEVEL_TARGETS, LevelTarget
from sim.scenario import load_scenario
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
from sim.scenario.yaml_io import read_yaml_file

TOP_KEYS = ("name", "description", "parameters", "targets", "settings")
PARAMETER_KEYS = ("name", "low", "high")
TARGET_KEYS = ("levels", "bands")
LEVEL_KEYS = ("quantity", "low", "high")
MAX_PARAMETERS = 50


@dataclass(frozen=True)
class FittedParameter:
    """A parameter to fit and the bounds of its search."""

    key: str
    low: float
    high: float
    whole: bool = False


@dataclass(frozen=True)
class Calibration:
    name: str
    description: str
    parameters: tuple[FittedParameter, ...]
    levels: tuple[LevelTarget, ...]
    bands: tuple[Band, ...]
    settings: tuple[tuple[str, float], ...]
    source: str


def read_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration file (UsageError on any problem)."""
    where = str(path)
    if not Path(path).is_file():
        raise fail(where, "", "file not found (expected a calibration YAML file)")
    data = read_yaml_file(Path(path), where)
    if not isinstance(data, Mapping):
        raise fail(where, "", f"expected a mapping with {', '.join(TOP_KEYS)}, got {show(data)}")
    for key in data:
        if key not in TOP_KEYS:
            raise unknown_key(where, "", key, TOP_KEYS)
    if "parameters" not in data:
        raise fail(where, "parameters", "missing: expected a list of parameters to fit, each "
                   "with name, low and high")
    parameters = check_parameters(data["parameters"], where)
    levels, bands = check_targets(data.get("targets"), where)
    check_no_clash(parameters, bands, where)
    return Calibration(
        name=check_text(data.get("name", Path(path).stem), where, "name", limit=120,
                        one_line=True),
        description=check_text(data.get("description") or "", where, "description"),
        parameters=parameters, levels=levels, bands=bands,
        settings=check_settings(data.get("settings"), where), source=where)


def named(value: Any) -> str:
    """A name as written: 'harm_capture' in quotes, anything else described."""
    return repr(value) if isinstance(value, str) else show(value)


def check_parameters(value: Any, where: str) -> tuple[FittedParameter, ...]:
    if not isinstance(value, list) or not value:
        raise fail(where, "parameters", f"expected a non-empty list of parameters to fit, got "
                   f"{show(value)}")
    if len(value) > MAX_PARAMETERS:
        raise fail(where, "parameters", f"{len(value)} parameters; at most {MAX_PARAMETERS}")
    fields = parameter_fields()
    fitted: list[FittedParameter] = []
    for index, item in enumerate(value):
        path = f"parameters[{index}]"
        check_mapping(item, where, path, "a mapping with name, low and high")
        for key in item:
            if key not in PARAMETER_KEYS:
                raise unknown_key(where, path, key, PARAMETER_KEYS)
        for key in PARAMETER_KEYS:
            if key not in item:
                raise fail(where, path, f"missing '{key}' (a parameter to fit needs name, low "
                           "and high)")
        name = item["name"]
        if not isinstance(name, str) or name not in fields:
            raise fail(where, f"{path}.name", f"unknown parameter {named(name)}"
                       f"{suggestion(name, fields)} (parameters are named group.name, as in "
                       "docs/ODD.md)")
        if name in STRUCTURAL_PARAMETERS or name.startswith("run."):
            raise fail(where, f"{path}.name", f"{name} sets the size or length of the run; "
                       "expected a parameter of the hospital's behaviour")
        if name in (p.key for p in fitted):
            raise fail(where, f"{path}.name", f"{name} is listed twice")
        whole = isinstance(fields[name].default, int) and not isinstance(
            fields[name].default, bool)
        low = check_parameter(name, item["low"], where, f"{path}.low")
        high = check_parameter(name, item["high"], where, f"{path}.high")
        check_order(low, high, where, path)
        fitted.append(FittedParameter(name, low, high, whole))
    return tuple(fitted)


def check_targets(value: Any, where: str) -> tuple[tuple[LevelTarget, ...], tuple[Band, ...]]:
    if value is None:
        raise fail(where, "targets", "missing: expected levels and/or bands to fit to")
    mapping = check_mapping(value, where, "targets", "a mapping with levels and/or bands")
    for key in mapping:
        if key not in TARGET_KEYS:
            raise unknown_key(where, "targets", key, TARGET_KEYS)
    levels = check_levels(mapping.get("levels"), where)
    bands = check_bands(mapping.get("bands"), where)
    if not levels and not bands:
        raise fail(where, "targets", "no targets: expected at least one level or band")
    return levels, bands


def all_or_list(value: Any, where: str, path: str, everything: tuple, what: str
                ) -> tuple | list:
    """Nothing for a missing key, every target for `all`, else the list as written."""
    if value is None:
        return ()
    if value == "all":
        return everything
    if not isinstance(value, list):
        raise fail(where, path, f"expected 'all' or a list of {what}, got {show(value)}")
    return value


def check_order(low: float, high: float, where: str, path: str) -> None:
    if not low < high:
        raise fail(where, f"{path}.high", f"expected a value above low ({low!r}), got "
                   f"{high!r}")


def check_levels(value: Any, where: str) -> tuple[LevelTarget, ...]:
    value = all_or_list(value, where, "targets.levels", LEVEL_TARGETS, "quantities")
    if isinstance(value, tuple):
        return value
    levels = []
    for index, item in enumerate(value):
        path = f"targets.levels[{index}]"
        if isinstance(item, Mapping):
            for key in item:
                if key not in LEVEL_KEYS:
                    raise unknown_key(where, path, key, LEVEL_KEYS)
            quantity = item.get("quantity")
        else:
            quantity, item = item, {}
        if quantity not in LEVEL_BY_QUANTITY:
            raise fail(where, path, f"unknown level target {named(quantity)}"
                       f"{suggestion(quantity, LEVEL_BY_QUANTITY)}; expected one of "
                       f"{', '.join(LEVEL_BY_QUANTITY)}")
        target = LEVEL_BY_QUANTITY[quantity]
        low = check_number(item.get("low", target.low), where, f"{path}.low")
        high = check_number(item.get("high", target.high), where, f"{path}.high")
        check_order(low, high, where, path)
        levels.append(dataclasses.replace(target, low=float(low), high=float(high)))
    return tuple(levels)


def check_bands(value: Any, where: str) -> tuple[Band, ...]:
    value = all_or_list(value, where, "targets.bands", BANDS,
                        "scenarios (or scenario:metric)")
    if isinstance(value, tuple):
        return value
    scenarios = tuple(dict.fromkeys(band.scenario for band in BANDS))
    chosen: list[Band] = []
    for index, item in enumerate(value):
        path = f"targets.bands[{index}]"
        if not isinstance(item, str):
            raise fail(where, path, f"expected a scenario name, got {show(item)}")
        scenario, _, metric = item.partition(":")
        if scenario not in scenarios:
            raise fail(where, path, f"no effect band for scenario {scenario!r}"
                       f"{suggestion(scenario, scenarios)}; expected one of "
                       f"{', '.join(scenarios)}")
        found = [band for band in BANDS if band.scenario == scenario
                 and (not metric or band.metric == metric)]
        if not found:
            metrics = [band.metric for band in BANDS if band.scenario == scenario]
            raise fail(where, path, f"{scenario} has no band on {metric!r}; expected one of "
                       f"{', '.join(metrics)}")
        chosen += [band for band in found if band not in chosen]
    return tuple(chosen)


def check_no_clash(parameters: tuple[FittedParameter, ...], bands: tuple[Band, ...],
                   where: str) -> None:
    """A fitted value is a starting value of every run; a band's scenario that sets the same
    parameter from the start would silently lose its own value, so it is refused."""
    fitted = {parameter.key for parameter in parameters}
    for scenario in dict.fromkeys(band.scenario for band in bands):
        clash = sorted(fitted & set(load_scenario(scenario).changed_parameters()))
        if clash:
            raise fail(where, "targets.bands", f"scenario {scenario} sets {', '.join(clash)} "
                       "from its start; a fitted value would replace it (fit it without that "
                       "band, or change the scenario through an intervention)")


def check_settings(value: Any, where: str) -> tuple[tuple[str, float], ...]:
    if value is None:
        return ()
    mapping = check_mapping(value, where, "settings",
                            "a mapping of parameter changes like 'run.days: 200'")
    settings = []
    for key, new in mapping.items():
        check_parameter_key(key, where, "settings", mid_run=False)
        settings.append((key, check_parameter(key, new, where, f"settings.{key}")))
    return tuple(settings)
