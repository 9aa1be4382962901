"""How sure, given the model's own assumptions: the comparison in many plausible worlds.

`compare --assumptions N` draws N worlds by Latin hypercube (SALib) over the behavioural
coefficients of sim.config (the numbers inside the agents' rules, `BEHAVIOUR_GROUPS`), each
within its plausible range:

- the parameter's own `plausible` range where its declaration gives one (metadata
  `plausible_low`, `plausible_high`);
- otherwise the default +/- 10% for a coefficient calibrated to published targets (its source
  starts with "calibrated"), which the targets pin down, and +/- 25% for the rest, whose
  sources give a direction and a rough size; always within the declared valid range.

In each world every option and the reference run with the same replicate seeds (common random
numbers within the world), so each world gives a paired effect per option. Across worlds the
effects spread with the assumptions as well as with chance: their 2.5th and 97.5th
percentiles are the second interval of the report, and the share of worlds in which an option
does better than the reference is reported beside it. The coefficients the ranking depends on
most are those whose values correlate most (Spearman, over worlds) with an option's harm
averted relative to the other options'. With far fewer worlds than coefficients these
correlations are a screen, not a measurement: a sweep (`run.py sweep`) measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from sim.config import BEHAVIOUR_GROUPS, parameter_fields
from sim.core.metrics import METRIC_BY_NAME, plain_number
from sim.experiment.board_page import short_label
from sim.experiment.board_table import YEAR_DAYS
from sim.experiment.jobs import Job, replicate_seeds
from sim.experiment.runner import run_jobs
from sim.sweep.runner import summarise_job

DEFAULT_REPLICATES = 3  # paired replicates per world
CALIBRATED_SHARE = 0.10
OTHER_SHARE = 0.25
WORLD_SEED_PURPOSE = 4_2019  # separates the worlds' seeds from the main replicates' seeds
OUTCOMES = ("preventable_adverse_events", "reporting_rate", "harm_capture", "workaround_rate",
            "psychological_safety", "trust_in_management", "burnout_prevalence", "leavers")


@dataclass(frozen=True)
class Coefficient:
    key: str
    default: float
    low: float
    high: float
    rule: str


def plausible_ranges() -> list[Coefficient]:
    """Every behavioural coefficient with its plausible range (see the module's rules)."""

    coefficients = []
    for key, item in parameter_fields().items():
        if key.split(".", 1)[0] not in BEHAVIOUR_GROUPS or isinstance(item.default, int):
            continue  # counts (a survey's items per composite) are design, not assumption
        default, meta = float(item.default), item.metadata
        if "plausible_low" in meta and "plausible_high" in meta:
            low, high, rule = meta["plausible_low"], meta["plausible_high"], "declared"
        else:
            calibrated = str(meta.get("source", "")).startswith("calibrated")
            share = CALIBRATED_SHARE if calibrated else OTHER_SHARE
            low, high = default - share * abs(default), default + share * abs(default)
            rule = f"default ±{share:.0%}"
        if meta.get("low") is not None:
            low = max(low, meta["low"])
        if meta.get("high") is not None:
            high = min(high, meta["high"])
        if high > low:
            coefficients.append(Coefficient(key, default, float(low), float(high), rule))
    return coefficients


def world_points(coefficients: list[Coefficient], worlds: int, seed: int) -> np.ndarray:
    """A Latin hypercube of `worlds` points (worlds x coefficients), seeded."""
    from SALib.sample import latin

    problem = {"num_vars": len(coefficients), "names": [c.key for c in coefficients],
               "bounds": [[c.low, c.high] for c in coefficients]}
    return np.asarray(latin.sample(problem, worlds, seed=seed), dtype=float)


def world_seed(root_seed: int) -> int:
    state = np.random.SeedSequence([root_seed, WORLD_SEED_PURPOSE]).generate_state(1)[0]
    return int(state) % (2**31 - 1) + 1


def world_document(document: dict[str, Any], coefficients: list[Coefficient],
                   point: np.ndarray) -> dict[str, Any]:
    """A resolved scenario document with the world's coefficients."""
    world = {key: (dict(value) if isinstance(value, dict) else value)
             for key, value in document.items()}
    for coefficient, value in zip(coefficients, point, strict=True):
        group, name = coefficient.key.split(".", 1)
        world[group][name] = float(value)
    return world


@dataclass
class AssumptionRuns:
    """What the worlds' runs gave: one row per world, scenario and replicate."""

    coefficients: list[Coefficient]
    points: np.ndarray
    table: pd.DataFrame  # world, scenario, replicate, one column per outcome
    replicates: int


def run_worlds(scenarios: list[Any], labels: list[str], *, worlds: int, root_seed: int,
               window: int, evaluator: Any, quiet: bool = False,
               replicates: int = DEFAULT_REPLICATES) -> AssumptionRuns:
    """Every scenario in every world with the same paired seeds; failed runs are left out."""

    coefficients = plausible_ranges()
    seed = world_seed(root_seed)
    points = world_points(coefficients, worlds, seed)
    seeds = replicate_seeds(seed, replicates)
    documents = [scenario.to_dict() for scenario in scenarios]
    jobs, calls = [], []
    for world in range(worlds):
        for index, document in enumerate(documents):
            resolved = world_document(document, coefficients, points[world])
            for replicate, replicate_seed in enumerate(seeds):
                jobs.append(Job(len(jobs), world * len(documents) + index, replicate,
                                replicate_seed))
                calls.append((resolved, replicate_seed, window, OUTCOMES, False))
    records = run_jobs(summarise_job, jobs, lambda job: calls[job.index], evaluator=evaluator,
                       quiet=quiet)
    rows = []
    for record in records:
        if record.output is None:
            continue
        world, index = divmod(record.job.scenario, len(documents))
        rows.append({"world": world, "scenario": labels[index],
                     "replicate": record.job.replicate,
                     **dict(zip(OUTCOMES, record.output.outcomes, strict=True))})
    return AssumptionRuns(coefficients, points,
                          pd.DataFrame(rows, columns=["world", "scenario", "replicate",
                                                      *OUTCOMES]), replicates)


@dataclass
class AssumptionSummary:
    """Effects over plausible worlds, and what the ranking depends on."""

    worlds: int
    replicates: int
    effects: pd.DataFrame  # scenario, metric, assumption_low/high, share_worlds_better
    world_table: pd.DataFrame  # world, scenario, metric, change (in units, per year)
    samples: pd.DataFrame  # assumptions.csv: world, coefficients, harm averted per option
    drivers: pd.DataFrame  # assumption_drivers.csv: key, range, rho per option, strength
    first_place: dict[str, float]  # share of worlds each option averts the most harm

    def world_effects(self, label: str) -> pd.DataFrame:
        """Per world: preventable harm averted and leavers avoided per year (means)."""
        rows = self.world_table[self.world_table["scenario"] == label]
        wide = rows.pivot(index="world", columns="metric", values="change")
        if wide.empty:
            return pd.DataFrame(columns=["world", "averted", "avoided"])
        return pd.DataFrame({"world": wide.index,
                             "averted": -wide["preventable_adverse_events"].to_numpy(),
                             "avoided": -wide["leavers"].to_numpy()})


def world_changes(runs: AssumptionRuns, labels: list[str], window_days: int) -> pd.DataFrame:
    """Mean paired change of each option per world and outcome, in units (counts per year)."""

    table = runs.table
    reference = table[table["scenario"] == labels[0]].set_index(["world", "replicate"])
    rows = []
    for label in labels[1:]:
        own = table[table["scenario"] == label].set_index(["world", "replicate"])
        joined = own.join(reference, suffixes=("", "_reference"), how="inner")
        for name in OUTCOMES:
            metric = METRIC_BY_NAME[name]
            factor = metric.scale * (YEAR_DAYS / window_days if metric.kind == "count" else 1)
            change = (joined[name] - joined[f"{name}_reference"]) * factor
            means = change.groupby(level="world").mean()
            rows.extend({"world": int(world), "scenario": label, "metric": name,
                         "change": float(value)} for world, value in means.items())
    return pd.DataFrame(rows, columns=["world", "scenario", "metric", "change"])


def summarise_assumptions(runs: AssumptionRuns, labels: list[str],
                          window_days: int) -> AssumptionSummary:
    changes = world_changes(runs, labels, window_days)
    effects = []
    for (label, name), rows in changes.groupby(["scenario", "metric"], sort=False):
        values = rows["change"].to_numpy(float)
        values = values[np.isfinite(values)]
        better = METRIC_BY_NAME[name].better
        share = math.nan
        if better and len(values):
            share = float(np.mean(values > 0 if better == "higher" else values < 0))
        low, high = (np.percentile(values, [2.5, 97.5]) if len(values) >= 2
                     else (math.nan, math.nan))
        effects.append({"scenario": label, "metric": name, "assumption_low": float(low),
                        "assumption_high": float(high), "share_worlds_better": share})
    harm = changes[changes["metric"] == "preventable_adverse_events"].pivot(
        index="world", columns="scenario", values="change").reindex(columns=labels[1:])
    averted = -harm
    samples = pd.DataFrame(runs.points, columns=[c.key for c in runs.coefficients])
    samples.insert(0, "world", range(len(samples)))
    for label in labels[1:]:
        samples[f"harm_averted_per_year: {label}"] = averted[label].reindex(
            samples["world"]).to_numpy()
    first = averted.idxmax(axis=1).value_counts(normalize=True) if len(averted) else {}
    return AssumptionSummary(
        len(runs.points), runs.replicates, pd.DataFrame(effects), changes, samples,
        ranking_drivers(runs, averted), {label: float(first.get(label, 0.0))
                                         for label in labels[1:]})


def ranking_drivers(runs: AssumptionRuns, averted: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlation of each coefficient with each option's harm averted relative to
    the mean of the options (what moves the ranking), strongest first."""
    columns = ["key", "low", "high", "rule", "strength"]
    if averted.empty or len(averted) < 3:
        return pd.DataFrame(columns=columns)
    relative = averted.sub(averted.mean(axis=1), axis=0) if averted.shape[1] > 1 else averted
    ranks = relative.rank().to_numpy(float)
    rows = []
    points = pd.DataFrame(runs.points).loc[relative.index].rank().to_numpy(float)
    for column, coefficient in enumerate(runs.coefficients):
        rho = [spearman(points[:, column], ranks[:, option])
               for option in range(ranks.shape[1])]
        row = {"key": coefficient.key, "low": coefficient.low, "high": coefficient.high,
               "rule": coefficient.rule,
               "strength": float(np.nanmax(np.abs(rho))) if np.isfinite(rho).any() else 0.0}
        row.update({f"rho: {label}": value for label, value in
                    zip(relative.columns, rho, strict=True)})
        rows.append(row)
    return pd.DataFrame(rows).sort_values("strength", ascending=False).reset_index(drop=True)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation of two rank vectors; NaN where either is constant."""
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    if len(x) < 3 or x.std() == 0 or y.std() == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def assumptions_html(summary: AssumptionSummary) -> str:
    """The report's section: the second interval per option, first places, the drivers."""

    effects = summary.effects[summary.effects["metric"] != "leavers"]
    names = list(dict.fromkeys(effects["metric"]))
    header = "".join(f"<th>{escape(short_label(name))}</th>" for name in names)
    body = []
    for label, rows in effects.groupby("scenario", sort=False):
        by_metric = rows.set_index("metric")
        cells = "".join(
            f"<td>{plain_number(by_metric.loc[n, 'assumption_low'], 1)} to "
            f"{plain_number(by_metric.loc[n, 'assumption_high'], 1)}<br><small>better in "
            f"{share_text(by_metric.loc[n, 'share_worlds_better'])} of worlds</small></td>"
            for n in names)
        body.append(f"<tr><td>{escape(str(label))}<br><small>averts the most harm in "
                    f"{summary.first_place.get(label, 0):.0%} of worlds</small></td>{cells}"
                    "</tr>")
    top = summary.drivers.head(3)
    drivers = "".join(f"<li><code>{escape(row.key)}</code> (plausible {row.low:.3g} to "
                      f"{row.high:.3g}, {escape(row.rule)}): rank correlation up to "
                      f"{row.strength:.2f}</li>" for row in top.itertuples())
    return (f"<p>The same comparison in {summary.worlds} plausible worlds: a Latin hypercube "
            "over the model's behavioural coefficients, each within its plausible range "
            "(calibrated coefficients ±10% of their value, the rest ±25%, within their valid "
            f"ranges), {summary.replicates} paired simulated hospitals per world with common "
            "random numbers. Below, the range (2.5th to 97.5th percentile over worlds) of "
            "each option's change, in the first page's units (counts per year), and the "
            "share of worlds in which it beats the reference; compare it with the first "
            "page's interval, which covers simulation chance alone.</p>"
            f"<table><tr><th>option</th>{header}</tr>{''.join(body)}</table>"
            "<p>The three coefficients the ranking depends on most (rank correlation over "
            "worlds with an option's harm averted relative to the other options; a screen, "
            f"not a measurement, with {summary.worlds} worlds):</p><ul>{drivers}</ul>"
            "<p class=note>Every world's coefficients and harm averted: assumptions.csv; "
            "every coefficient's correlations: assumption_drivers.csv.</p>")


def share_text(share: float) -> str:
    return f"{share:.0%}" if math.isfinite(share) else "–"
