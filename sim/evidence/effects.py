"""Measure the effect bands over paired replicates: run, summarise, judge.

`python -m sim.evidence.effects --replicates 20` runs the baseline and every scenario a band
names over the same replicate seeds, measures each band's effect per replicate pair, and prints
a table (band, expected, mean with 95% interval, pass). With `--markdown FILE` it also writes the
table for docs/ODD.md. Runs are spread over local processes; results do not depend on how many.

Judging a band: the whole 95% interval must lie inside it, at every edge, an edge at "no
change" included (equivalence; see `sim.evidence.bands`).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.metrics import METRIC_BY_NAME, period_value
from sim.evidence.bands import (
    BANDS,
    STATIONARY_METRICS,
    STATIONARY_TOLERANCE,
    TREND_TOLERANCE,
    Band,
    format_measure,
)
from sim.evidence.tables import replace_block
from sim.experiment.evaluators import make_evaluator
from sim.experiment.jobs import replicate_seeds, simulate_job
from sim.experiment.statistics import mean_interval, t_critical
from sim.experiment.tables import window_summary as run_window_summary
from sim.scenario import load_scenario

WINDOW_DAYS = 180
SD_OF = {"psychological_safety": "psychological_safety_sd", "trust_in_management": "trust_sd"}
NO_EFFECT = {"ratio": 1.0, "relative": 0.0, "points": 0.0, "sd": 0.0}

Variant = tuple[str, tuple[tuple[str, float], ...]]


@dataclass(frozen=True)
class Estimate:
    """A mean over paired replicates with its 95% interval."""

    replicates: int
    mean: float
    low: float
    high: float

    def shown(self, digits: int = 3) -> str:
        return f"{self.mean:.{digits}f} ({self.low:.{digits}f} to {self.high:.{digits}f})"


@dataclass(frozen=True)
class BandResult(Estimate):
    band: Band

    @property
    def passed(self) -> bool:
        return judge(self.band, self.mean, self.low, self.high)

    def failure(self) -> str:
        return (f"{self.band.name} {self.band.metric}: expected {self.band.expected}, "
                f"measured {self.shown()}")


def judge(band: Band, mean: float, low: float, high: float) -> bool:
    """Whether an effect (mean with 95% interval) lies in its band (see `sim.evidence.bands`)."""
    if any(math.isnan(v) for v in (mean, low, high)):
        return False
    # Equivalence: the whole interval inside the band, at a "no change" edge too, so that a
    # noisy estimate cannot pass a band it may well lie outside.
    ok = True
    if band.low is not None:
        ok &= low >= band.low
    if band.high is not None:
        ok &= high <= band.high
    return ok


def t_quantile(degrees: int) -> float:
    """Two-sided 95% Student t quantile (`sim.experiment.statistics.t_critical`)."""
    return t_critical(degrees)


def interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean of the finite values: the interval of
    `sim.experiment.statistics.mean_interval`, which `compare` writes to comparison.csv."""
    estimate = mean_interval(values)
    return estimate.mean, estimate.low, estimate.high


def scenario_document(scenario: str, overrides: tuple[tuple[str, float], ...],
                      days: int | None = None) -> dict[str, Any]:
    """The resolved document of a (bundled or file) scenario with `overrides`, as `compare`
    hands it to a worker."""
    spec = load_scenario(scenario, dict(overrides))
    if days is not None:
        spec.config.run.days = days
    return spec.to_dict()


def simulate_daily(scenario: str, overrides: tuple[tuple[str, float], ...], seed: int,
                   days: int | None = None) -> pd.DataFrame:
    """The daily metrics of one run of a (bundled or file) scenario, as a pandas DataFrame
    (a `day` column, then one column per metric)."""
    output = simulate_job(scenario_document(scenario, overrides, days), seed)
    frame = pd.DataFrame(output.window(int(output.days.min()), int(output.days.max())))
    frame.insert(0, "day", output.days)
    return frame


def period_values(rows: Any, metrics: Iterable[str]) -> dict[str, float]:
    """Each metric over the days in `rows` (counts summed, ratios as ratios of sums)."""
    columns: Mapping[str, Sequence[float]] = {name: rows[name].tolist() for name in rows.columns}
    return {name: period_value(METRIC_BY_NAME[name], columns) for name in metrics}


def summarise_run(document: dict[str, Any], seed: int, window: int = WINDOW_DAYS
                  ) -> dict[str, float]:
    """One run of a resolved scenario: every metric over its last `window` days, the numbers
    `compare` writes to summary.csv (`sim.experiment.tables.window_summary`)."""
    return run_window_summary(simulate_job(document, seed), document["run"]["days"], window)


def window_summary(scenario: str, overrides: tuple[tuple[str, float], ...], seed: int,
                   days: int | None = None) -> dict[str, float]:
    """One run: every metric over the last 180 days (ratios as ratios of sums)."""
    return summarise_run(scenario_document(scenario, overrides, days), seed)


def evaluate_all(function: Callable[..., Any], arguments: Sequence[tuple[Any, ...]],
                 workers: int | None = None) -> list[Any]:
    """Every call, on the experiments' local evaluator; results in the order of `arguments`."""
    outputs: list[Any] = [None] * len(arguments)
    with make_evaluator(workers or os.cpu_count() or 1, jobs=len(arguments)) as evaluator:
        for outcome in evaluator.evaluate(function, arguments):
            if outcome.error is not None:
                raise RuntimeError(f"a run failed: {outcome.error}\n{outcome.details}")
            outputs[outcome.index] = outcome.value
    return outputs


def run_variants(variants: Iterable[Variant], seeds: Sequence[int],
                 workers: int | None = None) -> dict[Variant, list[dict[str, float]]]:
    """Every variant with every seed, in parallel; results ordered by seed."""
    variants = list(dict.fromkeys(variants))
    documents = {variant: scenario_document(*variant) for variant in variants}
    jobs = [(variant, seed) for variant in variants for seed in seeds]
    outputs = evaluate_all(summarise_run, [(documents[v], seed) for v, seed in jobs], workers)
    results: dict[Variant, list[dict[str, float]]] = {variant: [] for variant in variants}
    for (variant, _), output in zip(jobs, outputs, strict=True):
        results[variant].append(output)
    return results


def paired_effect(measure: str, value: float, reference: float) -> float:
    """One replicate pair's effect: a ratio, a relative change or a difference in points."""
    if measure == "points":
        return value - reference
    if not reference:
        return math.nan
    return value / reference - (1.0 if measure == "relative" else 0.0)


def effect(band: Band, scenario: dict[str, float], baseline: dict[str, float]) -> float:
    """The band's effect in one replicate pair."""
    value, reference = scenario[band.metric], baseline[band.metric]
    if band.measure in ("ratio", "relative", "points"):
        return paired_effect(band.measure, value, reference)
    if band.measure == "sd":
        return (value - reference) / baseline[SD_OF[band.metric]]
    return value


def with_common(variant: Variant, common: tuple[tuple[str, float], ...]) -> Variant:
    """The variant with changes made to every run (a candidate's parameters, a smaller
    hospital); the variant's own changes come last, so they win where both set a key."""
    return (variant[0], (*common, *variant[1])) if common else variant


def band_variants(bands: Sequence[Band],
                  common: tuple[tuple[str, float], ...] = ()) -> list[Variant]:
    """The runs the bands need: the baseline and each band's scenario."""
    return [with_common(("baseline", ()), common),
            *(with_common((band.scenario, band.overrides), common) for band in bands)]


def judge_bands(bands: Sequence[Band], runs: dict[Variant, list[dict[str, float]]],
                common: tuple[tuple[str, float], ...] = ()) -> list[BandResult]:
    """Each band's effect per replicate pair, from runs made by `run_variants`."""
    baseline = runs[with_common(("baseline", ()), common)]
    results = []
    for band in bands:
        pairs = zip(runs[with_common((band.scenario, band.overrides), common)], baseline,
                    strict=True)
        results.append(BandResult(len(baseline), *interval([effect(band, s, b)
                                                            for s, b in pairs]), band=band))
    return results


def measure_bands(bands: Sequence[Band], seeds: Sequence[int], workers: int | None = None,
                  common: tuple[tuple[str, float], ...] = ()) -> list[BandResult]:
    """Run what the bands need over paired seeds and measure each band."""
    runs = run_variants(band_variants(bands, common), seeds, workers)
    return judge_bands(bands, runs, common)


def yearly_means(seed: int, years: int, metrics: Sequence[str],
                 common: tuple[tuple[str, float], ...] = ()) -> list[dict[str, float]]:
    """Baseline run for `years` years: each metric per year (ratios as ratios of sums)."""
    output = simulate_job(scenario_document("baseline", common, 365 * years), seed)
    years_columns = [output.window(365 * year + 1, 365 * (year + 1)) for year in range(years)]
    return [{name: period_value(METRIC_BY_NAME[name], columns) for name in metrics}
            for columns in years_columns]


@dataclass(frozen=True)
class StationarityResult:
    """A baseline metric over the years: each later year against year 1, and the trend,
    each as a mean with its 95% interval over replicates."""

    metric: str
    changes: tuple[tuple[float, float, float], ...]  # years 2, 3, ... against year 1
    trend: tuple[float, float, float]  # yearly trend, relative to the run's mean

    @property
    def passed(self) -> bool:
        def clearly_beyond(low: float, high: float, tolerance: float) -> bool:
            return low > tolerance or high < -tolerance

        return not (any(clearly_beyond(low, high, STATIONARY_TOLERANCE)
                        for _, low, high in self.changes)
                    or clearly_beyond(self.trend[1], self.trend[2], TREND_TOLERANCE))


def yearly_trend(values: Sequence[float]) -> float:
    """Least-squares slope per year, relative to the run's own mean."""
    years = range(len(values))
    centre_year, centre = statistics.fmean(years), statistics.fmean(values)
    slope = (sum((y - centre_year) * (v - centre) for y, v in zip(years, values, strict=True))
             / sum((y - centre_year) ** 2 for y in years))
    return slope / centre if centre else math.nan


def measure_stationarity(seeds: Sequence[int], years: int = 4, workers: int | None = None,
                         common: tuple[tuple[str, float], ...] = ()) -> list[StationarityResult]:
    """The baseline over `years` years, per metric: is it stationary on average (M6)?"""
    runs = evaluate_all(yearly_means, [(seed, years, STATIONARY_METRICS, common)
                                       for seed in seeds], workers)
    results = []
    for metric in STATIONARY_METRICS:
        changes = tuple(interval([run[year][metric] / run[0][metric] - 1.0 for run in runs])
                        for year in range(1, years))
        trend = interval([yearly_trend([run[y][metric] for y in range(years)]) for run in runs])
        results.append(StationarityResult(metric, changes, trend))
    return results


def stationarity_table(results: Sequence[StationarityResult]) -> list[str]:
    lines = ["| baseline metric | change from year 1: years 2, 3, ... (95% interval) "
             "| trend a year (95% interval) | pass |", "|---|---|---|---|"]
    for result in results:
        changes = "; ".join(f"{100 * c:+.1f}% ({100 * low:+.1f} to {100 * high:+.1f})"
                            for c, low, high in result.changes)
        mean, low, high = result.trend
        lines.append(f"| {result.metric} | {changes} | {100 * mean:+.2f}% ({100 * low:+.2f}% "
                     f"to {100 * high:+.2f}%) | {'yes' if result.passed else 'NO'} |")
    return lines


def format_effect(band: Band, value: float) -> str:
    return format_measure(band.measure, value)


def table(results: Sequence[BandResult]) -> list[str]:
    lines = ["| scenario | metric | expected | measured (95% interval) | pass |",
             "|---|---|---|---|---|"]
    for result in results:
        band = result.band
        measured = (f"{format_effect(band, result.mean)} ({format_effect(band, result.low)} to "
                    f"{format_effect(band, result.high)})")
        lines.append(f"| {band.name} | {band.metric} | {band.expected} | {measured} | "
                     f"{'yes' if result.passed else 'NO'} |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--only", nargs="*", help="scenarios to measure (default: all)")
    parser.add_argument("--years", type=int, default=0,
                        help="also check that the baseline is stationary over this many years")
    parser.add_argument("--markdown", help="write the tables to this file")
    parser.add_argument("--document", help="replace the bands and stationarity blocks of this "
                        "markdown file (docs/ODD.md) with the tables")
    args = parser.parse_args(argv)
    seeds = replicate_seeds(args.seed, args.replicates)
    bands = [b for b in BANDS if not args.only or b.scenario in args.only]
    results = measure_bands(bands, seeds, args.workers)
    lines = table(results)
    passed = all(r.passed for r in results)
    blocks = {"bands": "\n".join(lines)}
    if args.years:
        stationarity = measure_stationarity(seeds, args.years, args.workers)
        lines += ["", *stationarity_table(stationarity)]
        blocks["stationarity"] = "\n".join(stationarity_table(stationarity))
        passed &= all(r.passed for r in stationarity)
    if args.document:
        path = Path(args.document)
        text = path.read_text(encoding="utf-8")
        for name, block in blocks.items():
            text = replace_block(text, name, block)
        path.write_text(text, encoding="utf-8")
    print("\n".join(lines))
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
