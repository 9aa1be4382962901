"""Statistics of experiments on hand-made numbers: intervals, paired differences, p_better."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.core.metrics import METRIC_BY_NAME
from sim.evidence.bands import Band
from sim.evidence.effects import judge_bands
from sim.evidence.targets import LevelTarget, judge_levels
from sim.experiment.jobs import make_jobs, replicate_seeds
from sim.experiment.runner import scenario_labels
from sim.experiment.statistics import (
    COMPARISON_COLUMNS,
    compare_scenarios,
    mean_interval,
    share_better,
    t_critical,
)


def test_t_quantiles_match_tables() -> None:
    assert t_critical(1) == pytest.approx(12.7062, abs=1e-4)
    assert t_critical(2) == pytest.approx(4.3027, abs=1e-4)
    assert t_critical(29) == pytest.approx(2.0452, abs=1e-4)
    assert t_critical(40) == pytest.approx(2.0211, abs=1e-4)
    assert t_critical(100) == pytest.approx(1.9840, abs=1e-4)
    assert math.isnan(t_critical(0))


def test_mean_interval_by_hand() -> None:
    interval = mean_interval([1.0, 2.0, 3.0, math.nan])
    half = 4.302652730 * 1.0 / math.sqrt(3)
    assert interval.n == 3
    assert interval.mean == pytest.approx(2.0)
    assert (interval.low, interval.high) == pytest.approx((2.0 - half, 2.0 + half))
    single = mean_interval([5.0])
    assert single.mean == 5.0 and math.isnan(single.low)


def summary(reference: list[float], other: list[float], metric: str) -> pd.DataFrame:
    rows = [{"scenario": label, "replicate": i, "seed": i, metric: value}
            for label, values in (("ref", reference), ("alt", other))
            for i, value in enumerate(values)]
    return pd.DataFrame(rows)


def test_paired_comparison_by_hand() -> None:
    metric = METRIC_BY_NAME["reporting_rate"]  # higher is better
    table = compare_scenarios(summary([1.0, 2.0, 3.0], [2.0, 4.0, 3.0], metric.name),
                              ["ref", "alt"], [metric])
    assert tuple(table.columns) == COMPARISON_COLUMNS
    reference, other = table.iloc[0], table.iloc[1]
    assert reference["scenario"] == "ref" and math.isnan(reference["diff"])
    assert math.isnan(reference["p_better"])
    # Paired differences 1, 2, 0: mean 1, sd 1.
    half = 4.302652730 / math.sqrt(3)
    assert other["mean"] == pytest.approx(3.0)
    assert other["diff"] == pytest.approx(1.0)
    assert (other["diff_ci_low"], other["diff_ci_high"]) == pytest.approx((1 - half, 1 + half))
    assert other["rel_change"] == pytest.approx(0.5)
    assert other["p_better"] == pytest.approx(2.5 / 3)  # the tie (0) counts as half


def test_pairing_uses_replicate_not_position() -> None:
    metric = METRIC_BY_NAME["adverse_events"]
    data = summary([10.0, 20.0, 30.0], [9.0, 19.0, 29.0], metric.name)
    data = pd.concat([data.iloc[:3], data.iloc[3:].iloc[::-1]])  # shuffled rows
    row = compare_scenarios(data, ["ref", "alt"], [metric]).iloc[1]
    assert row["diff"] == pytest.approx(-1.0)
    assert row["diff_ci_low"] == pytest.approx(-1.0) and row["diff_ci_high"] == pytest.approx(-1)


def test_p_better_respects_direction() -> None:
    differences = np.array([1.0, 2.0, -1.0, 0.0])
    # The tie counts as half a win: neither scenario did better in that hospital.
    assert share_better(differences, "higher") == 0.625
    assert share_better(differences, "lower") == 0.375
    assert share_better(np.zeros(3), "lower") == 0.5
    assert math.isnan(share_better(differences, ""))
    lower = METRIC_BY_NAME["adverse_events"]
    neither = METRIC_BY_NAME["admissions"]
    table = compare_scenarios(summary([5.0, 5.0, 5.0], [4.0, 6.0, 3.0], lower.name).assign(
        admissions=[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]), ["ref", "alt"], [lower, neither])
    alt = table[table["scenario"] == "alt"].set_index("metric")
    assert alt.loc["adverse_events", "p_better"] == pytest.approx(2 / 3)
    assert math.isnan(alt.loc["admissions", "p_better"])


def test_failed_replicate_drops_only_its_pair() -> None:
    metric = METRIC_BY_NAME["reporting_rate"]
    data = summary([1.0, 2.0, 3.0], [2.0, 3.0, 4.0], metric.name).drop(index=4)
    row = compare_scenarios(data, ["ref", "alt"], [metric]).iloc[1]
    assert row["diff"] == pytest.approx(1.0)
    assert row["p_better"] == 1.0


def test_seeds_are_paired_and_reproducible() -> None:
    seeds = replicate_seeds(7, 4)
    assert seeds == replicate_seeds(7, 4) and len(set(seeds)) == 4
    assert replicate_seeds(7, 2) == seeds[:2]
    jobs = make_jobs(3, seeds)
    assert [job.index for job in jobs] == list(range(12))
    for scenario in range(3):
        assert [job.seed for job in jobs if job.scenario == scenario] == seeds


def test_duplicate_names_become_unique_labels() -> None:
    assert scenario_labels(["a", "b", "a", "a"]) == ["a", "b", "a-2", "a-3"]


def test_check_model_and_compare_give_the_same_interval_for_the_same_runs() -> None:
    """One interval formula: a band's paired effect and a level target in `check-model` and
    the difference and mean in comparison.csv agree to the last digit (20 replicates, 19
    degrees of freedom, where the two used to differ: 2.093 against 2.13)."""
    rng = np.random.default_rng(3)
    baseline = rng.normal(0.4, 0.05, 20)
    scenario = baseline + rng.normal(0.03, 0.02, 20)
    summary = pd.DataFrame({"scenario": ["baseline"] * 20 + ["changed"] * 20,
                            "replicate": [*range(20), *range(20)],
                            "reporting_rate": [*baseline, *scenario]})
    metric = METRIC_BY_NAME["reporting_rate"]
    rows = compare_scenarios(summary, ["baseline", "changed"], [metric]).set_index("scenario")

    band = Band("changed", "reporting_rate", "points", 0.0, None, "hand-made")
    runs = {("baseline", ()): [{"reporting_rate": v} for v in baseline],
            ("changed", ()): [{"reporting_rate": v} for v in scenario]}
    (effect,) = judge_bands([band], runs)
    changed = rows.loc["changed"]
    assert (effect.mean, effect.low, effect.high) == (
        changed["diff"], changed["diff_ci_low"], changed["diff_ci_high"])

    (level,) = judge_levels([LevelTarget("reporting_rate", 0.0, 1.0, "hand-made")],
                            runs[("baseline", ())])
    reference = rows.loc["baseline"]
    assert (level.mean, level.low, level.high) == (
        reference["mean"], reference["ci_low"], reference["ci_high"])
    half = t_critical(19) * np.std(scenario - baseline, ddof=1) / math.sqrt(20)
    assert effect.high - effect.low == pytest.approx(2 * half)
