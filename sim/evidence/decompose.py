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

import copy
import dataclasses
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from sim.config import STRUCTURAL_PARAMETERS, ModelConfig, split_key
from sim.core.mechanisms import colleague_catch_probability
from sim.errors import UsageError
from sim.evidence.effects import interval, paired_effect
from sim.experiment.statistics import t_critical
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


# --- the share of a programme's harm effect that runs through colleague interception --------
#
# Colleagues intercept an error (a near miss instead of possible harm) with a probability that
# rises with the ward's psychological safety (`errors.speaking_up_log_odds_per_sd`, M1). To see
# how much of a programme's harm effect runs through that channel, the baseline and the
# programme run again with the same seeds and interception frozen at the baseline's level: the
# slope switched off, and `errors.colleague_catch` set to the probability at the baseline's
# mean psychological safety. Every other channel of the programme still works. Per replicate
# pair the harm effect is a relative change (programme / baseline - 1) in each world, and
#     share = 1 - mean(effect with interception frozen) / mean(effect as modelled),
# with a 95% interval from the paired replicates (the ratio of means linearised: each
# replicate's residual frozen_i - ratio x modelled_i; Cochran 1977, section 6.4).

HARM_OUTCOME = "preventable_adverse_events"
SAFETY_OUTCOME = "psychological_safety"
INTERCEPTION_SLOPE = "errors.speaking_up_log_odds_per_sd"
INTERCEPTION_LEVEL = "errors.colleague_catch"
FROZEN = "interception frozen"
def catch_probability(config: ModelConfig, ward_safety: float) -> float:
    """A colleague's chance of intercepting an error on a ward of this psychological safety
    (`colleague_catch_probability`, docs/ODD.md 7.6)."""
    return colleague_catch_probability(config.errors, ward_safety)


def programmes(parts: Sequence[Part]) -> list[str]:
    """The labels whose harm effect is split: the full bundle and each part alone."""
    return [FULL, *(f"{part.name} alone" for part in parts)]


def frozen_label(label: str) -> str:
    return f"{label}, {FROZEN}"


def frozen_variants(variants: Sequence[Variant], parts: Sequence[Part],
                    baseline_safety: float) -> list[Variant]:
    """The baseline and every programme again, with interception frozen at the baseline's
    level (the catch probability at `baseline_safety`, the baseline's mean psychological
    safety)."""
    by_label = {variant.label: variant.scenario for variant in variants}
    catch = catch_probability(by_label[BASELINE].config, baseline_safety)
    frozen = []
    for label in [BASELINE, *programmes(parts)]:
        config = copy.deepcopy(by_label[label].config)
        config.set(INTERCEPTION_SLOPE, 0.0)
        config.set(INTERCEPTION_LEVEL, catch)
        frozen.append(Variant(frozen_label(label),
                              dataclasses.replace(by_label[label], config=config,
                                                  name=frozen_label(label))))
    return frozen


@dataclass(frozen=True)
class InterceptionShare:
    """How much of one programme's harm effect runs through colleague interception."""

    programme: str
    modelled: tuple[float, float, float]  # relative harm effect: mean, 95% low and high
    frozen: tuple[float, float, float]  # the same with interception frozen
    share: float
    low: float
    high: float
    replicates: int
    catch: float  # the frozen catch probability

    @property
    def estimable(self) -> bool:
        """The modelled effect is clearly not zero (its interval excludes it): only then is a
        share of it meaningful."""
        _, low, high = self.modelled
        return low > 0 or high < 0


def ratio_of_means(numerators: Sequence[float],
                   denominators: Sequence[float]) -> tuple[float, float]:
    """mean(numerators) / mean(denominators) over paired replicates and its standard error
    (linearised; NaN when the denominators average zero or there are fewer than two)."""
    count = len(numerators)
    bottom = statistics.fmean(denominators)
    if count < 2 or not bottom:
        return math.nan, math.nan
    ratio = statistics.fmean(numerators) / bottom
    residuals = [top - ratio * down for top, down in zip(numerators, denominators, strict=True)]
    return ratio, statistics.stdev(residuals) / (math.sqrt(count) * abs(bottom))


def relative_effects(runs: dict[str, Sequence[dict[str, float]]], label: str,
                     baseline: str) -> list[float]:
    """Per replicate pair: the programme's harm over the baseline's, minus 1."""
    return [paired_effect("relative", run[HARM_OUTCOME], base[HARM_OUTCOME])
            for run, base in zip(runs[label], runs[baseline], strict=True)]


def interception_shares(parts: Sequence[Part], runs: dict[str, Sequence[dict[str, float]]],
                        catch: float) -> list[InterceptionShare]:
    """The share of each programme's harm effect through interception, from the runs of the
    decomposition and of `frozen_variants` (labelled as there, the same seeds in order)."""
    shares = []
    for label in programmes(parts):
        modelled = relative_effects(runs, label, BASELINE)
        frozen = relative_effects(runs, frozen_label(label), frozen_label(BASELINE))
        ratio, error = ratio_of_means(frozen, modelled)
        reach = t_critical(len(modelled) - 1) * error
        name = label.removesuffix(" alone")
        shares.append(InterceptionShare(name, interval(modelled), interval(frozen),
                                        1.0 - ratio, 1.0 - ratio - reach, 1.0 - ratio + reach,
                                        len(modelled), catch))
    return shares
