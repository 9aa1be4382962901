"""Reading and checking a sweep file, before anything is simulated.

Every problem raises UsageError with one message of the scenario files' shape:
`<file>: <key path>: <what is wrong and what was expected>`. Parameter names, types and
documented ranges come from `sim.config`, outcome names from `sim.core.metrics`; nothing is listed
twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.config import STRUCTURAL_PARAMETERS
from sim.errors import UsageError
from sim.experiment.jobs import METRIC_NAMES
from sim.scenario import Scenario, load_scenario
from sim.scenario.sandbox import named_file
from sim.scenario.schema import (
    PARAMETERS,
    check_boolean,
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
from sim.scenario.yaml_io import display_path, read_yaml_file
from sim.sweep.design import point_count

DESIGNS = ("grid", "latin", "sobol", "morris")
KEYS = ("name", "description", "base", "design", "parameters", "exclude", "span", "outcomes",
        "replicates", "seed", "days", "burn_in", "window", "set")
DESIGN_KEYS = {"grid": ("method", "levels"), "latin": ("method", "samples"),
               "sobol": ("method", "samples", "second_order"),
               "morris": ("method", "trajectories", "levels", "groups")}
# Morris factors: each parameter alone, or the parameters of each configuration section moved
# together (grouped screening, Campolongo et al. 2007: k + 1 runs per trajectory become g + 1).
MORRIS_GROUPS = ("parameters", "sections")
# `parameters: all` leaves out what fixes the size of the hospital or the run: a screen over
# them would mostly measure a bigger or longer simulation (and run for hours), not a policy.
NOT_IN_ALL = STRUCTURAL_PARAMETERS | {"hospital.nurses_per_ward", "hospital.doctors_per_ward"}
# The run length is the sweep's own (days, burn_in): every point is read over the same window.
NEVER_VARIED = frozenset({"run.days", "run.burn_in"})
DEFAULT_SPAN = 0.5
# A span is a share of each parameter's size: too small to move anything below 1%, and at
# most the whole size.
SPAN_RANGE = (0.01, 1.0)
DEFAULT_WINDOW = 180
MAX_RUNS = 100_000
MAX_REPLICATES = 10_000


@dataclass(frozen=True)
class Factor:
    """One varied parameter: its range, and for a grid the values it takes."""

    key: str
    low: float
    high: float
    values: tuple[float, ...] = ()  # grid levels; empty for sampled designs
    whole: bool = False  # a count: sampled values are rounded

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"low": self.low, "high": self.high}
        if self.values:
            data["values"] = list(self.values)
        return data


@dataclass(frozen=True)
class SweepOptions:
    """Command-line values that replace the file's (None: keep the file's)."""

    replicates: int | None = None
    seed: int | None = None
    days: int | None = None
    window: int | None = None
    overrides: tuple[str, ...] = ()


@dataclass
class Sweep:
    """A checked sweep: the base scenario with fixed changes, the factors and the design."""

    name: str
    description: str
    source: Path
    base: Scenario
    design: str
    factors: tuple[Factor, ...]
    outcomes: tuple[str, ...]
    replicates: int = 1
    seed: int = 1
    window: int = DEFAULT_WINDOW
    samples: int = 0  # latin: points; sobol: base samples N
    trajectories: int = 0  # morris
    levels: int = 4  # morris levels, or the grid's default number of levels
    groups: str = "parameters"  # morris: "sections" moves each section's parameters together
    second_order: bool = False  # sobol
    all_parameters: bool = False
    span: float = DEFAULT_SPAN
    fixed: dict[str, Any] = field(default_factory=dict)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(factor.key for factor in self.factors)

    def design_dict(self) -> dict[str, Any]:
        options = {"grid": {}, "latin": {"samples": self.samples},
                   "sobol": {"samples": self.samples, "second_order": self.second_order},
                   "morris": {"trajectories": self.trajectories, "levels": self.levels,
                              "groups": self.groups}}
        return {"method": self.design, **options[self.design]}

    def to_dict(self) -> dict[str, Any]:
        """The resolved sweep: every default filled in and every range written out."""
        run = self.base.config.run
        return {"name": self.name, "description": self.description,
                "base": display_path(self.base.source) if self.base.source else self.base.name,
                "design": self.design_dict(),
                "parameters": {factor.key: factor.to_dict() for factor in self.factors},
                "outcomes": list(self.outcomes), "replicates": self.replicates,
                "seed": self.seed, "days": run.days, "burn_in": run.burn_in,
                "window": self.window, "set": dict(self.fixed)}


def load_sweep(path: str | Path, options: SweepOptions | None = None) -> Sweep:
    """Read and check a sweep file; UsageError naming the file and key on any problem."""
    options = options or SweepOptions()
    source = Path(path)
    where = str(path)
    data = read_yaml_file(source, where)
    data = check_mapping(data, where, "", "a mapping of sweep settings (see docs/sweeps.md)")
    for key in data:
        if key not in KEYS:
            raise unknown_key(where, "", key, KEYS)
    name = check_text(data.get("name", source.stem), where, "name", 120, one_line=True)
    description = check_text(data.get("description", ""), where, "description")
    design, design_options = check_design(data.get("design"), where)
    base = load_base(data, source, where, options)
    outcomes = check_outcomes(data.get("outcomes"), where)
    span = float(check_number(data.get("span", DEFAULT_SPAN), where, "span", low=SPAN_RANGE[0],
                              high=SPAN_RANGE[1]))
    sweep = Sweep(name, description, source, base, design, (), outcomes, span=span,
                  replicates=whole(options.replicates, data, "replicates", where, 1,
                                   1, MAX_REPLICATES),
                  seed=whole(options.seed, data, "seed", where, 1, 0, 2**63 - 1),
                  window=whole(options.window, data, "window", where, DEFAULT_WINDOW,
                               1, 100_000),
                  fixed=check_fixed(data.get("set"), where), **design_options)
    sweep.factors, sweep.all_parameters = check_parameters(data.get("parameters"), data, sweep,
                                                           where)
    check_size(sweep, where)
    return sweep


def whole(given: int | None, data: Mapping[str, Any], key: str, where: str, default: int,
          low: int, high: int) -> int:
    """A whole-number setting: the command line's, else the file's, else the default."""
    if given is not None:
        return given
    return int(check_number(data.get(key, default), where, key, whole=True, low=low,
                            high=high))


def check_design(value: Any, where: str) -> tuple[str, dict[str, Any]]:
    """The design's method and its options (`design: morris` or a mapping with `method`)."""
    if value is None:
        raise fail(where, "design", f"missing; expected one of {', '.join(DESIGNS)} "
                                    "(e.g. design: {method: morris, trajectories: 10})")
    mapping = {"method": value} if isinstance(value, str) else check_mapping(
        value, where, "design", "a design name or a mapping with 'method'")
    method = mapping.get("method")
    if method not in DESIGNS:
        raise fail(where, "design.method", f"unknown design {show(method)}; expected one of "
                                           f"{', '.join(DESIGNS)}{suggestion(method, DESIGNS)}")
    for key in mapping:
        if key not in DESIGN_KEYS[method]:
            raise unknown_key(where, "design", key, DESIGN_KEYS[method])
    options: dict[str, Any] = {}
    if method in ("latin", "sobol"):
        samples = check_number(mapping.get("samples"), where, "design.samples", whole=True,
                               low=2, high=MAX_RUNS)
        if method == "sobol" and samples & (samples - 1):
            raise fail(where, "design.samples", f"expected a power of 2 such as 64, 128 or 256 "
                                                f"(Sobol' sequences balance at powers of 2), "
                                                f"got {samples}")
        options["samples"] = int(samples)
        second = check_boolean(mapping.get("second_order", False), where,
                               "design.second_order")
        if method == "sobol":
            options["second_order"] = second
    if method == "morris":
        options["trajectories"] = int(check_number(mapping.get("trajectories", 10), where,
                                                   "design.trajectories", whole=True, low=2,
                                                   high=10_000))
    if method == "morris":
        groups = mapping.get("groups", "parameters")
        if groups not in MORRIS_GROUPS:
            raise fail(where, "design.groups", f"expected one of {', '.join(MORRIS_GROUPS)}, "
                                               f"got {show(groups)}")
        options["groups"] = groups
    if method in ("morris", "grid"):
        levels = int(check_number(mapping.get("levels", 4 if method == "morris" else 5), where,
                                  "design.levels", whole=True, low=2, high=1000))
        if method == "morris" and levels % 2:
            raise fail(where, "design.levels", f"expected an even number of levels (Morris "
                                               f"steps span half the levels), got {levels}")
        options["levels"] = levels
    return str(method), options


def load_base(data: Mapping[str, Any], source: Path, where: str,
              options: SweepOptions) -> Scenario:
    """The base scenario with the sweep's fixed changes, run length and `--set` applied."""
    written = data.get("base")
    if written is None:
        raise fail(where, "base", "missing; expected a scenario file (relative to this file) "
                                  "or a bundled scenario name such as baseline")
    check_text(written, where, "base", 1000, one_line=True)
    path = named_file(source, written, where, "base", what="a sweep")
    overrides: list[Any] = list(check_fixed(data.get("set"), where).items())
    for key in ("burn_in", "days"):
        if key in data:
            value = check_number(data[key], where, key, whole=True,
                                 low=PARAMETERS[f"run.{key}"].metadata["low"],
                                 high=PARAMETERS[f"run.{key}"].metadata["high"])
            overrides.append((f"run.{key}", value))
    if options.days is not None:
        overrides.append(("run.days", options.days))
    overrides.extend(options.overrides)
    try:
        return load_scenario(path, overrides)
    except UsageError as error:
        raise fail(where, "base", str(error)) from None


def check_fixed(value: Any, where: str) -> dict[str, Any]:
    """`set:` parameters given one value at every point (e.g. a small hospital for a test)."""
    mapping = check_mapping(value if value is not None else {}, where, "set",
                            "a mapping of parameter: value")
    fixed = {}
    for key, setting in mapping.items():
        check_parameter_key(key, where, "set", mid_run=False)
        fixed[key] = check_parameter(key, setting, where, f"set.{key}")
    return fixed


def check_outcomes(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise fail(where, "outcomes", f"expected a list of metric names (see docs/metrics.md), "
                                      f"got {show(value)}")
    for index, name in enumerate(value):
        if name not in METRIC_NAMES:
            raise fail(where, f"outcomes[{index}]", f"unknown outcome {show(name)}; expected a "
                       f"metric name from docs/metrics.md{suggestion(name, METRIC_NAMES)}")
    if len(set(value)) != len(value):
        raise fail(where, "outcomes", "an outcome is listed twice")
    return tuple(value)


def check_parameters(value: Any, data: Mapping[str, Any], sweep: Sweep,
                     where: str) -> tuple[tuple[Factor, ...], bool]:
    """The factors: every listed parameter with its range, or `all` around the base values."""
    if value == "all":
        if sweep.design == "grid":
            raise fail(where, "parameters", "'all' needs a sampled design (morris, latin or "
                                            "sobol); a full grid over every parameter is "
                                            "too large")
        excluded = check_exclude(data.get("exclude"), where)
        keys = [key for key in PARAMETERS
                if key not in NOT_IN_ALL and key not in excluded and key not in sweep.fixed]
        return tuple(around_base(key, sweep) for key in keys), True
    if "exclude" in data:
        raise fail(where, "exclude", "only used with 'parameters: all'")
    mapping = check_mapping(value, where, "parameters",
                            "'all' or a mapping of parameter: {low, high}")
    if not mapping:
        raise fail(where, "parameters", "expected at least one parameter to vary")
    factors = tuple(check_factor(key, item, sweep, where) for key, item in mapping.items())
    if sweep.design == "grid" and len(factors) > 4:
        raise fail(where, "parameters", f"a full grid over {len(factors)} parameters is too "
                                        "large; use at most 4, or a sampled design")
    return factors, False


def check_exclude(value: Any, where: str) -> set[str]:
    if value is None:
        return set()
    if not isinstance(value, list):
        raise fail(where, "exclude", f"expected a list of parameter names, got {show(value)}")
    for index, key in enumerate(value):
        check_parameter_key(key, where, f"exclude[{index}]", mid_run=False)
    return set(value)


def around_base(key: str, sweep: Sweep) -> Factor:
    """The base value give or take `span` of its size, within the documented range; a
    parameter at 0 (a policy not in use) spans `span` of its documented range from 0. A count
    (items of a survey composite) spans whole numbers, at least one either side of its base,
    and its sampled values are rounded."""
    meta = PARAMETERS[key].metadata
    low, high = meta["low"], meta["high"]
    value = float(sweep.base.config.get(key))
    reach = abs(value) * sweep.span if value else sweep.span * (high - low)
    lower, upper = max(low, value - reach), min(high, value + reach)
    if not is_count(key):
        return Factor(key, round(lower, 12), round(upper, 12))
    lower, upper = math.ceil(lower), math.floor(upper)
    if upper - lower < 2:
        lower, upper = max(low, min(lower, value - 1)), min(high, max(upper, value + 1))
    return Factor(key, float(lower), float(upper), whole=True)


def is_count(key: str) -> bool:
    """A parameter that takes whole numbers only (declared with an integer default)."""
    default = PARAMETERS[key].default
    return isinstance(default, int) and not isinstance(default, bool)


def check_factor(key: Any, item: Any, sweep: Sweep, where: str) -> Factor:
    check_parameter_key(key, where, "parameters", mid_run=False)
    path = f"parameters.{key}"
    if key in NEVER_VARIED:
        raise fail(where, path, "the run length is not varied; set 'days' and 'burn_in' of "
                                "the sweep instead")
    if key in sweep.fixed:
        raise fail(where, path, "also given one value under 'set'; vary it or fix it, not both")
    allowed = ("low", "high", "levels", "values") if sweep.design == "grid" else ("low", "high")
    mapping = check_mapping(item, where, path, "a mapping with low and high"
                            + (" (and levels), or values" if sweep.design == "grid" else ""))
    for name in mapping:
        if name not in allowed:
            raise unknown_key(where, path, name, allowed)
    whole_number = is_count(key)
    if "values" in mapping:
        values = check_values(mapping, key, path, where)
        return Factor(key, min(values), max(values), values, whole_number)
    missing = [name for name in ("low", "high") if name not in mapping]
    if missing:
        raise fail(where, f"{path}.{missing[0]}", "missing; expected the "
                   + ("lowest" if missing[0] == "low" else "highest") + " value to try")
    low = check_parameter(key, mapping["low"], where, f"{path}.low")
    high = check_parameter(key, mapping["high"], where, f"{path}.high")
    if not high > low:
        raise fail(where, f"{path}.high", f"expected more than low ({low:g}), got {high:g}")
    values: tuple[float, ...] = ()
    if sweep.design == "grid":
        levels = int(check_number(mapping.get("levels", sweep.levels), where, f"{path}.levels",
                                  whole=True, low=2, high=1000))
        values = grid_levels(low, high, levels, whole_number)
    return Factor(key, low, high, values, whole_number)


def check_values(mapping: Mapping[str, Any], key: str, path: str,
                 where: str) -> tuple[float, ...]:
    if "low" in mapping or "high" in mapping or "levels" in mapping:
        raise fail(where, path, "give either values or low/high/levels, not both")
    raw = mapping["values"]
    if not isinstance(raw, list) or len(raw) < 2:
        raise fail(where, f"{path}.values", f"expected a list of at least two values, got "
                                            f"{show(raw)}")
    values = tuple(check_parameter(key, item, where, f"{path}.values[{index}]")
                   for index, item in enumerate(raw))
    if len(set(values)) != len(values):
        raise fail(where, f"{path}.values", "a value is listed twice")
    return tuple(sorted(values))


def grid_levels(low: float, high: float, levels: int, whole_number: bool) -> tuple[float, ...]:
    """`levels` evenly spaced values from low to high (distinct whole numbers for a count)."""
    step = (high - low) / (levels - 1)
    values = [low + step * index for index in range(levels)]
    if whole_number:
        return tuple(sorted({round(value) for value in values}))
    return tuple(round(value, 12) for value in values)


def check_size(sweep: Sweep, where: str) -> None:
    runs = point_count(sweep) * sweep.replicates
    if runs > MAX_RUNS:
        raise fail(where, "design", f"{runs:,} runs ({point_count(sweep):,} points x "
                                    f"{sweep.replicates} replicates); the limit is "
                                    f"{MAX_RUNS:,}: use fewer samples, levels or replicates")
