"""Which part of a bundle of interventions does the work? Split a scenario into its parts.

A policy analyst reads a bundle such as the letter's recommendation as a set of programmes:
transparency, clinician-led improvement, patient partnership, a learning management style,
sensible rules. In a scenario file those are the parameter groups its changes touch, whether
one intervention changes them all at once or several interventions do. So by default a part is
one parameter group (`transparency`, `clinicians`, `patients`, `management`, ...), with every
change the scenario makes to that group: starting values and each intervention's `set`, kept
with the intervention's timing (start, ramp, end, trigger condition). With `by="intervention"`
a part is one intervention as written (and the changed starting values, if any, one more).
A one-off shock (an inquiry) has no parameters; it is a part of its own either way.

The run length and the hospital's size (`run.*` and the structural parameters) are the frame,
not a part: every variant, the baseline included, is the same hospital for the same time.

With the same seeds for every variant (common random numbers) it runs the baseline, the full
bundle, each part alone and the bundle without each part, and measures per replicate pair:

- alone: part alone - baseline (what the part does by itself);
- removed: full bundle - bundle without the part (what the bundle loses without it);
- interaction: (full - baseline) - sum over parts of (part alone - baseline); zero when the
  parts add up, positive when together they do more than their sum.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from sim.config import STRUCTURAL_PARAMETERS, ModelConfig, split_key
from sim.errors import UsageError
from sim.evidence.effects import interval
from sim.scenario import Intervention, Scenario

BASELINE, FULL = "baseline", "full bundle"
SPLITS = ("group", "intervention")
STARTING_VALUES = "starting values"
QUANTITIES = ("full", "alone", "removed", "interaction")


@dataclass(frozen=True)
class Part:
    """A part of the bundle: its starting-value changes and its interventions."""

    name: str
    starting: tuple[tuple[str, float], ...]
    interventions: tuple[Intervention, ...]

    def describe(self) -> str:
        keys = [key for key, _ in self.starting]
        keys += [key for item in self.interventions for key in item.changes]
        shocks = [item.name for item in self.interventions if item.shock is not None]
        return ", ".join([*dict.fromkeys(keys), *(f"shock: {name}" for name in shocks)])


def is_frame(key: str) -> bool:
    """Settings every variant shares: how long, and how big the hospital is."""
    return key.startswith("run.") or key in STRUCTURAL_PARAMETERS


def policy_starting_values(scenario: Scenario) -> dict[str, float]:
    return {key: value for key, value in scenario.changed_parameters().items()
            if not is_frame(key)}


def restricted(item: Intervention, keys: set[str]) -> Intervention | None:
    """The intervention with only the changes to `keys` (None if nothing is left)."""
    changes = {key: value for key, value in item.changes.items() if key in keys}
    return dataclasses.replace(item, changes=changes) if changes else None


def split_parts(scenario: Scenario, by: str = "group") -> list[Part]:
    """The parts of a bundle, in the order the scenario first names them."""
    if by not in SPLITS:
        raise ValueError(f"split by one of {SPLITS}, not {by!r}")
    starting = policy_starting_values(scenario)
    shocks = [Part(item.name, (), (item,)) for item in scenario.interventions
              if item.shock is not None]
    if by == "intervention":
        parts = [Part(item.name, (), (item,)) for item in scenario.interventions
                 if item.shock is None]
        if starting:
            parts.insert(0, Part(STARTING_VALUES, tuple(starting.items()), ()))
        return [*parts, *shocks]
    keys = [*starting, *(key for item in scenario.interventions for key in item.changes)]
    groups = dict.fromkeys(split_key(key)[0] for key in keys)
    parts = []
    for group in groups:
        mine = {key for key in keys if split_key(key)[0] == group}
        kept = (restricted(item, mine) for item in scenario.interventions
                if item.shock is None)
        parts.append(Part(group, tuple((k, v) for k, v in starting.items() if k in mine),
                          tuple(item for item in kept if item is not None)))
    return [*parts, *shocks]


def frame_config(scenario: Scenario) -> ModelConfig:
    """The default hospital with the scenario's run length and size."""
    config = ModelConfig()
    for key, value in scenario.changed_parameters().items():
        if is_frame(key):
            config.set(key, value)
    return config


def combined(scenario: Scenario, name: str, parts: Sequence[Part]) -> Scenario:
    """The scenario with only the given parts: the frame plus their changes."""
    config = frame_config(scenario)
    for part in parts:
        for key, value in part.starting:
            config.set(key, value)
    chosen = [item for part in parts for item in part.interventions]
    # Keep the scenario's order of interventions; a group split gives each part its own
    # restricted copy, merged back here into one intervention per original name.
    interventions = []
    for original in scenario.interventions:
        pieces = [item for item in chosen if item.name == original.name]
        if not pieces:
            continue
        changes = {key: value for piece in pieces for key, value in piece.changes.items()}
        interventions.append(dataclasses.replace(original, changes=changes)
                             if original.shock is None else original)
    return Scenario(name=name, description=f"{scenario.name}: {name}", config=config,
                    interventions=interventions)


@dataclass(frozen=True)
class Variant:
    label: str
    scenario: Scenario


def decomposition_variants(scenario: Scenario, parts: Sequence[Part]) -> list[Variant]:
    """Baseline, full bundle, each part alone, the bundle without each part (in that order)."""
    if len(parts) < 2:
        what = f"one part ({parts[0].name})" if parts else "no part"
        raise UsageError(f"{scenario.source or scenario.name}: interventions: the scenario "
                         f"changes {what}; expected a bundle of at least two parts (parameter "
                         "groups or interventions) to decompose")
    variants = [Variant(BASELINE, combined(scenario, BASELINE, [])),
                Variant(FULL, combined(scenario, FULL, parts))]
    variants += [Variant(f"{part.name} alone", combined(scenario, f"{part.name} alone", [part]))
                 for part in parts]
    variants += [Variant(f"without {part.name}",
                         combined(scenario, f"without {part.name}",
                                  [other for other in parts if other is not part]))
                 for part in parts]
    return variants


@dataclass(frozen=True)
class Contribution:
    """One row of the decomposition: a quantity for one part and one outcome."""

    outcome: str
    part: str  # a part's name, or "" for the full bundle and the interaction
    quantity: str  # one of QUANTITIES
    baseline_mean: float
    mean: float
    low: float
    high: float
    replicates: int

    def relative(self, value: float) -> float:
        """A difference as a share of the baseline mean."""
        return value / abs(self.baseline_mean) if self.baseline_mean else float("nan")


def contributions(outcomes: Sequence[str], parts: Sequence[Part],
                  runs: dict[str, Sequence[dict[str, float]]]) -> list[Contribution]:
    """Paired differences with 95% intervals; `runs` maps a variant's label to one summary per
    replicate (the same seeds in the same order for every label)."""
    rows = []
    for outcome in outcomes:
        def values(label: str, name: str = outcome) -> list[float]:
            return [run[name] for run in runs[label]]

        base = values(BASELINE)
        reference = interval(base)[0]
        full = [f - b for f, b in zip(values(FULL), base, strict=True)]

        def row(part: str, quantity: str, differences: list[float],
                name: str = outcome, centre: float = reference) -> Contribution:
            return Contribution(name, part, quantity, centre, *interval(differences),
                                len(differences))

        rows.append(row("", "full", full))
        alone_sum = [0.0] * len(base)
        for part in parts:
            alone = [a - b for a, b in zip(values(f"{part.name} alone"), base, strict=True)]
            alone_sum = [s + a for s, a in zip(alone_sum, alone, strict=True)]
            removed = [f - w for f, w in zip(values(FULL), values(f"without {part.name}"),
                                             strict=True)]
            rows += [row(part.name, "alone", alone), row(part.name, "removed", removed)]
        rows.append(row("", "interaction", [f - s for f, s in zip(full, alone_sum,
                                                                    strict=True)]))
    return rows
