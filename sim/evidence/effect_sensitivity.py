"""What the headline answers hang on: a Morris screen of the behavioural coefficients, whose
outcome is a scenario's paired effect against the baseline rather than a level.

A headline answer is an effect: "just culture cuts preventable harm by 3% and raises reporting
1.28x". Each design point is one set of values of the behavioural coefficients
(`sim/config/behaviour.py`); at that point the baseline and every scenario run with the same
replicate seeds (common random numbers), each scenario's effect is measured per replicate pair
(harm as a relative change, reporting as a ratio, as the effect bands measure them:
`sim.evidence.bands`) and averaged over the pairs. The point's averaged effect is the outcome
of the Morris analysis (SALib, through `sim.sweep`'s design and analysis), so mu* ranks the
coefficients by how far each moves the *effect*, not the hospital's level.

The coefficients screened are a documented subset (`COEFFICIENTS`): the ones on the paths
from a programme to harm and to reporting (interception, the error odds of workarounds,
barriers, burnout and handover; the weights of the reporting decision; learning from
responses; peer control; patients' catches; walkround listening). Each ranges over its default
give or take `span` (50%) of its size, within its documented range, as `parameters: all` of a
sweep file does (`sim.sweep.spec.around_base`): the documented ranges are what the code accepts
(reporting's intercept from -10 to 5, everything from silence to reporting every incident),
not what is plausible, and a screen over them would rank coefficients by how far they break
the calibrated hospital.

`python run.py effect-sensitivity --write docs/VALIDATION.md` reruns the screen and rewrites
the section "What the headline answers hang on" of the validation report.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import BEHAVIOUR_GROUPS
from sim.errors import UsageError
from sim.evidence.bands import NO_REGULATION, format_measure
from sim.evidence.effects import WINDOW_DAYS, evaluate_all, paired_effect
from sim.evidence.tables import replace_block
from sim.experiment.jobs import replicate_seeds, simulate_job
from sim.experiment.tables import window_summary
from sim.scenario import Scenario, load_scenario
from sim.scenario.schema import check_parameter_key
from sim.sweep.analysis import indices_table
from sim.sweep.design import Design, make_design, point_count
from sim.sweep.runner import document_with
from sim.sweep.spec import DEFAULT_SPAN, Sweep, around_base

# The behavioural coefficients screened by default, each on a path from a programme to harm
# or to reporting (docs/ODD.md, section 7). 14 coefficients x 10 trajectories = 150 points.
COEFFICIENTS: tuple[str, ...] = (
    "errors.speaking_up_log_odds_per_sd",  # culture -> colleagues intercept errors (M1)
    "errors.colleague_catch",  # how many errors colleagues intercept at all
    "errors.workaround_error_odds",  # harm of bypassing a barrier (M4)
    "errors.barrier_tasks",  # how much care sensible rules guard (M7)
    "errors.burnout_error_odds",  # burnout -> errors (M9)
    "errors.handover_error_odds",  # documentation carries care (regulation removed)
    "reporting.safety_weight",  # safety -> reporting (M1)
    "reporting.blame_weight",  # expected blame -> silence (M2)
    "reporting.usefulness_weight",  # feedback -> reporting (M3)
    "learning.blame_own",  # what blame after one's report teaches (M2)
    "learning.feedback_own",  # what feedback after one's report teaches (M3)
    "workarounds.peer_control_weight",  # safety -> colleagues check practice (M7)
    "patient_voice.catch_weight",  # patients question errors (M10)
    "walkrounds.listening_gain",  # walkrounds -> safety (M11)
)
# The channel each coefficient belongs to, for the reading in words: how much of an effect's
# sensitivity runs through one mechanism. A coefficient not listed is its own channel.
CHANNELS: dict[str, str] = {
    "errors.speaking_up_log_odds_per_sd": "colleague interception",
    "errors.colleague_catch": "colleague interception",
    "errors.workaround_error_odds": "errors in care", "errors.barrier_tasks": "errors in care",
    "errors.burnout_error_odds": "errors in care", "errors.handover_error_odds": "errors in care",
    "reporting.safety_weight": "the reporting decision",
    "reporting.blame_weight": "the reporting decision",
    "reporting.usefulness_weight": "the reporting decision",
    "learning.blame_own": "learning from responses",
    "learning.feedback_own": "learning from responses",
    "workarounds.peer_control_weight": "peer control of workarounds",
    "patient_voice.catch_weight": "patients' catches",
    "walkrounds.listening_gain": "walkround listening",
}
# How each outcome's effect is measured per replicate pair, as the effect bands measure it.
OUTCOME_MEASURES: dict[str, str] = {"preventable_adverse_events": "relative",
                                    "reporting_rate": "ratio"}
DEFAULT_TRAJECTORIES = 10  # Morris trajectories: 10 x (14 + 1) = 150 design points
DEFAULT_LEVELS = 4  # Morris grid levels (SALib's default; even, so steps span half of them)
# Paired seeds per design point, averaged before the analysis. With 2, the noise floor of most
# effects was as large as the leading coefficients' mu*, and only 3 of 14 answers hung clearly on
# anything; 6 seeds cut the floor by sqrt(3) (the default design: 7,200 one-year runs, about
# 53 CPU-minutes).
DEFAULT_REPLICATES = 6
TOP_SHOWN = 3  # coefficients shown per scenario and outcome in the report
# A coefficient's mu* counts as above run noise when it exceeds this many times the mu* that
# run noise alone would give (`noise_floor`): pure noise gives mu* of about the floor, give or
# take a fifth of its elementary effects' SD over 10 trajectories (sqrt(1 - 2/pi) / sqrt(10)),
# so twice the floor is about four such SDs above it.
NOISE_MULTIPLE = 2.0
BASELINE = "baseline"
# The section of docs/VALIDATION.md this writes, between `<!-- effect-sensitivity:start -->`
# and `<!-- effect-sensitivity:end -->` (kept when check-model rewrites the report).
BLOCK = "effect-sensitivity"
HEADING = "## What the headline answers hang on"


@dataclass(frozen=True)
class EffectScenario:
    """A scenario whose effect is screened: a bundled name or file, with overrides."""

    label: str
    scenario: str
    overrides: tuple[tuple[str, Any], ...] = ()


# The library's headline programmes; "all regulation removed" is the effect band's variant
# of the baseline (`sim.evidence.bands.NO_REGULATION`), not a scenario file.
LIBRARY: tuple[EffectScenario, ...] = (
    EffectScenario("letter_recommendation", "letter_recommendation"),
    EffectScenario("just_culture", "just_culture"),
    EffectScenario("closing_the_loop", "closing_the_loop"),
    EffectScenario("walkrounds", "walkrounds"),
    EffectScenario("regulation_relief", "regulation_relief"),
    EffectScenario("all_regulation_removed", BASELINE, tuple(NO_REGULATION)),
    EffectScenario("patient_partnership", "patient_partnership"),
)
LIBRARY_BY_LABEL = {item.label: item for item in LIBRARY}


@dataclass(frozen=True)
class Setup:
    """What decides the screen's results."""

    scenarios: tuple[EffectScenario, ...] = LIBRARY
    coefficients: tuple[str, ...] = COEFFICIENTS
    outcomes: tuple[str, ...] = tuple(OUTCOME_MEASURES)
    trajectories: int = DEFAULT_TRAJECTORIES
    levels: int = DEFAULT_LEVELS
    replicates: int = DEFAULT_REPLICATES
    seed: int = 1
    span: float = DEFAULT_SPAN
    window: int = WINDOW_DAYS
    frame: tuple[tuple[str, Any], ...] = ()  # changes to every run: a smaller hospital, days

    @property
    def points(self) -> int:
        return self.trajectories * (len(self.coefficients) + 1)

    @property
    def runs(self) -> int:
        return self.points * self.replicates * (len(self.scenarios) + 1)


def library_scenario(name: str) -> EffectScenario:
    """A library label (`all_regulation_removed`), a bundled scenario or a scenario file;
    UsageError if it cannot be read."""
    if name in LIBRARY_BY_LABEL:
        return LIBRARY_BY_LABEL[name]
    scenario = load_scenario(name)
    return EffectScenario(Path(name).stem if scenario.source else name, name)


def check_setup(setup: Setup) -> None:
    """UsageError naming the problem: unknown or non-behavioural coefficients, a coefficient
    also fixed by the frame, an outcome without a measure, no scenario."""
    if not setup.scenarios:
        raise UsageError("effect-sensitivity: expected at least one scenario")
    labels = [item.label for item in setup.scenarios]
    if len(set(labels)) != len(labels) or BASELINE in labels:
        raise UsageError("effect-sensitivity: a scenario is named twice, or is the baseline")
    if len(setup.coefficients) < 2:
        raise UsageError("--coefficients: expected at least two coefficients to screen")
    if len(set(setup.coefficients)) != len(setup.coefficients):
        raise UsageError("--coefficients: a coefficient is listed twice")
    fixed = {key for key, _ in setup.frame}
    for key in setup.coefficients:
        if key.split(".", 1)[0] not in BEHAVIOUR_GROUPS:
            raise UsageError(f"--coefficients: {key}: not a behavioural coefficient (groups "
                             f"{', '.join(BEHAVIOUR_GROUPS)}; see sim/config/behaviour.py)")
        if key in fixed:
            raise UsageError(f"--set {key}: also screened; vary it or fix it, not both")
    for outcome in setup.outcomes:
        if outcome not in OUTCOME_MEASURES:
            raise UsageError(f"effect-sensitivity: outcome {outcome!r} has no effect measure; "
                             f"expected one of {', '.join(OUTCOME_MEASURES)}")


def effect_column(label: str, outcome: str) -> str:
    return f"{label}|{outcome}"


def make_sweep(setup: Setup) -> Sweep:
    """The screen as a Morris sweep of the baseline over the coefficients, one outcome per
    scenario and metric (its averaged paired effect)."""

    for key in setup.coefficients:
        check_parameter_key(key, "--coefficients", "", mid_run=False)
    base = load_scenario(BASELINE, list(setup.frame))
    outcomes = tuple(effect_column(item.label, outcome) for item in setup.scenarios
                     for outcome in setup.outcomes)
    sweep = Sweep("effect sensitivity", "paired effects of library scenarios",
                  Path("effect-sensitivity"), base, "morris", (), outcomes,
                  replicates=setup.replicates, seed=setup.seed, window=setup.window,
                  trajectories=setup.trajectories, levels=setup.levels, span=setup.span)
    factors = tuple(around_base(key, sweep) for key in setup.coefficients)
    for factor in factors:
        if not factor.high > factor.low:
            raise UsageError(f"--coefficients: {factor.key}: no range to screen around its "
                             f"value {factor.low:g}")
    sweep.factors = factors
    return sweep


def variant_scenarios(setup: Setup) -> dict[str, Scenario]:
    """The baseline and every scenario, with the frame's changes (its own changes win)."""
    variants = {BASELINE: load_scenario(BASELINE, list(setup.frame))}
    for item in setup.scenarios:
        variants[item.label] = load_scenario(item.scenario,
                                             [*setup.frame, *item.overrides])
    return variants


def point_document(template: dict[str, Any], values: Sequence[tuple[str, Any]],
                   after: Sequence[tuple[str, Any]] = ()) -> dict[str, Any]:
    """A resolved scenario document with the point's values, then the variant's own
    overrides (`after`) again, so that a scenario changing a screened coefficient keeps it."""
    return document_with(template, (*values, *after))


def summarise_outcomes(document: dict[str, Any], seed: int, window: int,
                       outcomes: tuple[str, ...]) -> tuple[float, ...]:
    """One run: the outcomes over its last `window` days (top level, for any evaluator)."""
    summary = window_summary(simulate_job(document, seed), document["run"]["days"], window)
    return tuple(float(summary[name]) for name in outcomes)


@dataclass
class EffectSensitivity:
    """The screen's design, its runs, the averaged effects per point and the indices."""

    setup: Setup
    sweep: Sweep
    design: Design
    runs: pd.DataFrame  # point, replicate, seed, variant, one column per outcome
    effects: pd.DataFrame  # point, scenario, outcome, measure, effect, every coefficient
    indices: pd.DataFrame  # scenario, outcome, measure, parameter, mu, mu_star, ..., rank
    command: str = ""  # the command that made it (as read back from a results folder)


def run_screen(setup: Setup, workers: int | None = None) -> EffectSensitivity:
    """Run every point with every seed for the baseline and every scenario; the effects and
    their Morris indices."""
    check_setup(setup)
    sweep = make_sweep(setup)
    design = make_design(sweep)
    seeds = replicate_seeds(setup.seed, setup.replicates)
    variants = variant_scenarios(setup)
    afters = {BASELINE: (), **{item.label: item.overrides for item in setup.scenarios}}
    templates = {label: scenario.to_dict() for label, scenario in variants.items()}
    jobs, arguments = [], []
    for point in range(len(design.points)):
        values = design.overrides(point)
        for replicate, seed in enumerate(seeds):
            for label, template in templates.items():
                jobs.append((point, replicate, seed, label))
                arguments.append((point_document(template, values, afters[label]), seed,
                                  setup.window, setup.outcomes))
    outputs = evaluate_all(summarise_outcomes, arguments, workers)
    runs = pd.DataFrame([(*job, *output) for job, output in zip(jobs, outputs, strict=True)],
                        columns=["point", "replicate", "seed", "variant", *setup.outcomes])
    effects = point_effects(setup, design, runs)
    means = effects.pivot_table(index="point", columns="column", values="effect",
                                dropna=False).reindex(range(len(design.points)))
    found = indices_table(sweep, design, means)
    return EffectSensitivity(setup, sweep, design, runs, effects.drop(columns="column"),
                             ranked(setup, found))


def point_effects(setup: Setup, design: Design, runs: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's effect on each outcome at each point: the mean over replicate pairs."""
    base = runs[runs["variant"] == BASELINE].set_index(["point", "replicate"])
    rows = []
    for item in setup.scenarios:
        mine = runs[runs["variant"] == item.label].set_index(["point", "replicate"])
        for outcome in setup.outcomes:
            measure = OUTCOME_MEASURES[outcome]
            pairs = [paired_effect(measure, value, reference) for value, reference in
                     zip(mine[outcome], base.loc[mine.index, outcome], strict=True)]
            per_point = pd.Series(pairs, index=mine.index).groupby(level="point").mean()
            for point, value in per_point.items():
                rows.append({"point": int(point), "scenario": item.label, "outcome": outcome,
                             "measure": measure, "effect": float(value),
                             "column": effect_column(item.label, outcome),
                             **dict(zip(design.keys, design.points[int(point)],
                                        strict=True))})
    return pd.DataFrame(rows)


def ranked(setup: Setup, found: pd.DataFrame | None) -> pd.DataFrame:
    """The indices with scenario, outcome and measure split out, ranked by mu* (1 = most)."""
    assert found is not None  # a Morris design always gives indices
    table = found.copy()
    parts = table["outcome"].str.split("|", n=1, expand=True)
    table.insert(0, "scenario", parts[0])
    table["outcome"] = parts[1]
    table.insert(2, "measure", table["outcome"].map(OUTCOME_MEASURES))
    table["rank"] = (table.groupby(["scenario", "outcome"])["mu_star"]
                     .rank(ascending=False, method="first").astype(int))
    order = {item.label: index for index, item in enumerate(setup.scenarios)}
    table["order"] = table["scenario"].map(order)
    table = table.sort_values(["order", "outcome", "rank"], kind="stable")
    return table.drop(columns="order").reset_index(drop=True)


# --- the written report ---------------------------------------------------------------------

def shown_mu(measure: str, value: float) -> str:
    """mu* in the effect's unit: percentage points of relative change, or of a ratio."""
    if math.isnan(value):
        return "n/a"
    return f"{100 * value:.1f}" if measure in ("relative", "ratio") else f"{value:.3g}"


def top_rows(result: EffectSensitivity, scenario: str, outcome: str) -> pd.DataFrame:
    table = result.indices
    return table[(table["scenario"] == scenario) & (table["outcome"] == outcome)]


def noise_floor(result: EffectSensitivity, scenario: str, outcome: str) -> float:
    """The mu* that run noise alone would give: the elementary effects of a coefficient that
    does nothing are differences of two points' replicate means divided by the Morris step, so
    their SD is sqrt(2 x pooled within-point variance / replicates) / step, and their mean
    absolute value sqrt(2 / pi) times that. NaN with one replicate (no within-point spread)."""
    setup = result.setup
    if setup.replicates < 2:
        return math.nan
    runs = result.runs
    base = runs[runs["variant"] == BASELINE].set_index(["point", "replicate"])[outcome]
    mine = runs[runs["variant"] == scenario].set_index(["point", "replicate"])[outcome]
    measure = OUTCOME_MEASURES[outcome]
    pairs = pd.Series([paired_effect(measure, value, reference) for value, reference
                       in zip(mine, base.loc[mine.index], strict=True)], index=mine.index)
    pooled = float(pairs.groupby(level="point").var(ddof=1).mean())
    step = setup.levels / (2.0 * (setup.levels - 1))  # SALib's Morris step in unit range
    return math.sqrt(2.0 / math.pi) * math.sqrt(2.0 * pooled / setup.replicates) / step


def above_noise(row: Any, floor: float) -> bool:
    """mu* clearly above what run noise alone gives (`NOISE_MULTIPLE` x the floor); without a
    floor (one replicate), above its bootstrap half-width."""
    if math.isnan(floor):
        return bool(row.mu_star > row.mu_star_conf)
    return bool(row.mu_star > NOISE_MULTIPLE * floor)


def channel(key: str) -> str:
    return CHANNELS.get(key, f"`{key}`")


def channel_shares(result: EffectSensitivity, scenario: str, outcome: str) -> pd.Series:
    """Each channel's share of one effect's mu* above run noise (each coefficient's mu* less
    the noise floor, at least 0; plain mu* without a floor), largest first; empty when
    nothing rises above the noise. Subtracting the floor keeps a channel of many coefficients
    from leading on their summed noise."""
    rows = top_rows(result, scenario, outcome)
    floor = noise_floor(result, scenario, outcome)
    excess = rows["mu_star"] - (0.0 if math.isnan(floor) else floor)
    excess = excess.clip(lower=0.0)
    total = float(excess.sum())
    if not total or math.isnan(total):
        return pd.Series(dtype=float)
    grouped = excess.groupby(rows["parameter"].map(channel)).sum() / total
    return grouped[grouped > 0].sort_values(ascending=False, kind="stable")


def reading(result: EffectSensitivity, scenario: str, outcome: str) -> str:
    """One sentence on what an effect hangs on."""
    rows = top_rows(result, scenario, outcome)
    floor = noise_floor(result, scenario, outcome)
    strong = [row.parameter for row in rows.itertuples() if above_noise(row, floor)]
    shares = channel_shares(result, scenario, outcome)
    if shares.empty:
        return "no coefficient rises above run noise"
    named = "; ".join(f"{name} {100 * share:.0f}%" for name, share in shares.head(2).items())
    above = (", ".join(f"`{key}`" for key in strong) if strong
             else "none clearly (at most 2x the floor)")
    return f"by channel, of the mu* above noise: {named}; above run noise: {above}"


def effect_range(result: EffectSensitivity, scenario: str, outcome: str) -> str:
    """The effect across the design's points: median (lowest to highest)."""
    effects = result.effects
    values = effects[(effects["scenario"] == scenario)
                     & (effects["outcome"] == outcome)]["effect"].dropna()
    if values.empty:
        return "n/a"
    measure = OUTCOME_MEASURES[outcome]
    return (f"{format_measure(measure, float(values.median()))} "
            f"({format_measure(measure, float(values.min()))} to "
            f"{format_measure(measure, float(values.max()))})")


def summary_sentence(result: EffectSensitivity) -> list[str]:
    """Across scenarios: which channel leads each outcome's effect, and how often."""
    lines = []
    for outcome in result.setup.outcomes:
        leaders = []
        for item in result.setup.scenarios:
            shares = channel_shares(result, item.label, outcome)
            if not shares.empty:
                leaders.append((item.label, str(shares.index[0]), float(shares.iloc[0])))
        counts = pd.Series([name for _, name, _ in leaders]).value_counts()
        described = "; ".join(f"{name} in {count} ({which(leaders, name)})"
                              for name, count in counts.items())
        if not leaders:
            lines.append(f"- No coefficient moves the {outcome} effect of any scenario above "
                         "run noise.")
            continue
        lines.append(f"- The {outcome} effect ({OUTCOME_MEASURES[outcome]} change) hangs most "
                     f"on {described} of {len(result.setup.scenarios)} scenarios (the "
                     "channel's share of the mu* above noise).")
    return lines


def which(leaders: Sequence[tuple[str, str, float]], name: str) -> str:
    """The scenarios a channel leads, each with the channel's share."""
    return ", ".join(f"{label} {100 * share:.0f}%" for label, lead, share in leaders
                     if lead == name)


def section(result: EffectSensitivity, command: str) -> str:
    """The markdown section of docs/VALIDATION.md (heading included)."""
    setup = result.setup
    frame = ", ".join(f"{key}={value}" for key, value in setup.frame) or "none"
    config = result.sweep.base.config
    factors = "; ".join(f"`{f.key}` {f.low:g} to {f.high:g}" for f in result.sweep.factors)
    chosen = ("the subset on the paths from a programme to harm and reporting, "
              "`sim.evidence.effect_sensitivity.COEFFICIENTS`"
              if setup.coefficients == COEFFICIENTS else "chosen with --coefficients")
    command = command or result.command
    lines = [HEADING, "",
             f"Generated by `{command}`; rerun it to regenerate this section "
             "(`check-model --write` keeps it).", "",
             "Each scenario's effect against the baseline (preventable harm as a relative "
             "change, reporting as a ratio, over the last "
             f"{setup.window} days, as the effect bands measure them) was measured at every "
             "point of a Morris design over behavioural coefficients: at each point the "
             f"baseline and the scenario ran with the same {setup.replicates} replicate seeds "
             "(root seed "
             f"{setup.seed}), the paired effects were averaged, and SALib's Morris analysis "
             "ranked the coefficients by mu*, the mean absolute change of the *effect* as a "
             "coefficient steps across its range (with its 95% bootstrap half-width). mu* is "
             "in percentage points of the relative change or of the ratio.", "",
             f"- design: {setup.trajectories} trajectories on {setup.levels} levels over "
             f"{len(setup.coefficients)} coefficients = {setup.points} points; "
             f"{setup.replicates} paired seeds per point; {len(setup.scenarios)} scenarios "
             f"and the baseline: {setup.runs:,} runs",
             f"- hospital: {config.hospital.wards} wards, a {config.run.burn_in}-day burn-in "
             f"then {config.run.days} days (the default hospital and the scenarios' run "
             f"length, with these changes to every run: {frame})",
             f"- coefficients (their default give or take {100 * setup.span:.0f}% of its "
             f"size, within the documented range; {chosen}): {factors}", "",
             "The noise floor is the mu* that run noise alone would give (from the spread "
             "of the paired effects between the seeds of each point); a coefficient counts as "
             f"above run noise when its mu* exceeds {NOISE_MULTIPLE:g} times it. The reading "
             "adds up by channel (`CHANNELS`: colleague interception is "
             "`errors.speaking_up_log_odds_per_sd` and `errors.colleague_catch`) each "
             "coefficient's mu* less the noise floor, so that a channel of several "
             "coefficients does not lead on their summed noise.", "",
             "| scenario | outcome | effect across the design: median (range) | top "
             "coefficients by mu* (95% half-width) | noise floor | reading |",
             "|---|---|---|---|---|---|"]
    for item in setup.scenarios:
        for outcome in setup.outcomes:
            rows = top_rows(result, item.label, outcome).head(TOP_SHOWN)
            top = "; ".join(f"`{row.parameter}` {shown_mu(row.measure, row.mu_star)} "
                            f"(+-{shown_mu(row.measure, row.mu_star_conf)})"
                            for row in rows.itertuples())
            floor = noise_floor(result, item.label, outcome)
            lines.append(f"| {item.label} | {outcome} | "
                         f"{effect_range(result, item.label, outcome)} | {top} | "
                         f"{shown_mu(OUTCOME_MEASURES[outcome], floor)} | "
                         f"{reading(result, item.label, outcome)} |")
    lines += ["", "Across scenarios:", "", *summary_sentence(result)]
    return "\n".join(lines)


def block(content: str) -> str:
    return f"<!-- {BLOCK}:start -->\n{content}\n<!-- {BLOCK}:end -->"


def with_section(text: str, content: str) -> str:
    """The document with the section replaced, or appended if it has none yet."""
    if f"<!-- {BLOCK}:start -->" in text:
        return replace_block(text, BLOCK, content)
    return text.rstrip("\n") + "\n\n" + block(content) + "\n"


def kept_section(old: str) -> str | None:
    """The section (with its markers) of an existing report, for check-model to keep."""
    start, end = f"<!-- {BLOCK}:start -->", f"<!-- {BLOCK}:end -->"
    if start not in old or end not in old:
        return None
    return old[old.index(start):old.index(end) + len(end)]


def write_results(result: EffectSensitivity, folder: Path, command: str) -> None:
    """indices.csv, effects.csv, runs.csv and report.md into a results folder."""
    result.indices.to_csv(folder / "indices.csv", index=False, float_format="%.6g")
    result.effects.to_csv(folder / "effects.csv", index=False, float_format="%.6g")
    result.runs.to_csv(folder / "runs.csv", index=False, float_format="%.6g")
    setup = result.setup
    description = {"command": command, "scenarios": [
        {"label": item.label, "scenario": item.scenario, "overrides": dict(item.overrides)}
        for item in setup.scenarios],
        "coefficients": {f.key: {"low": f.low, "high": f.high} for f in result.sweep.factors},
        "trajectories": setup.trajectories, "levels": setup.levels,
        "replicates": setup.replicates, "seed": setup.seed, "window": setup.window,
        "frame": dict(setup.frame), "points": point_count(result.sweep), "runs": setup.runs,
        "design": np.asarray(result.design.points).tolist()}
    (folder / "setup.json").write_text(json.dumps(description, indent=1) + "\n",
                                       encoding="utf-8")
    (folder / "report.md").write_text(section(result, command) + "\n", encoding="utf-8")


def read_results(folder: Path) -> EffectSensitivity:
    """A finished screen read back from its results folder (to rewrite the report without
    running it again); UsageError if the folder is not one."""
    try:
        described = json.loads((folder / "setup.json").read_text(encoding="utf-8"))
        indices = pd.read_csv(folder / "indices.csv")
        effects = pd.read_csv(folder / "effects.csv")
        runs = pd.read_csv(folder / "runs.csv")
        scenarios = tuple(EffectScenario(item["label"], item["scenario"],
                                         tuple(item["overrides"].items()))
                          for item in described["scenarios"])
        setup = Setup(scenarios=scenarios, coefficients=tuple(described["coefficients"]),
                      outcomes=tuple(dict.fromkeys(indices["outcome"])),
                      trajectories=described["trajectories"], levels=described["levels"],
                      replicates=described["replicates"], seed=described["seed"],
                      window=described["window"], frame=tuple(described["frame"].items()))
        bounds = described["coefficients"]
        sweep = make_sweep(setup)
        sweep.factors = tuple(replace_range(factor, bounds[factor.key])
                              for factor in sweep.factors)
        design = Design(sweep.keys, {}, np.asarray(described["design"], dtype=np.float64),
                        tuple(factor.whole for factor in sweep.factors))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(f"--from-results {folder}: not a finished effect-sensitivity results "
                         f"folder ({error})") from None
    return EffectSensitivity(setup, sweep, design, runs, effects, indices,
                             command=described.get("command", ""))


def replace_range(factor: Any, bounds: dict[str, float]) -> Any:
    """The factor with the range the screen used (as written in setup.json)."""
    return replace(factor, low=float(bounds["low"]), high=float(bounds["high"]))
