"""The board's summary: plain sentences with units, material changes only, a warning where
the interval is too wide, and tables that count ties as half."""

import numpy as np
import pandas as pd
import pytest

from sim.core.metrics import METRIC_BY_NAME, METRICS
from sim.experiment.board_summary import PRIMARY, hospitals_better, scenario_summary
from sim.experiment.statistics import compare_scenarios


def summary(changes: dict[str, list[float]]) -> pd.DataFrame:
    """Five paired replicates: the reference at a fixed level, the scenario changed by
    `changes` per replicate (no change elsewhere)."""
    base = {metric.name: 0.5 if metric.kind != "count" else 1000.0 for metric in METRICS}
    rows = []
    for replicate in range(5):
        rows.append({"scenario": "baseline", "replicate": replicate, **base})
        changed = {name: base[name] + values[replicate] for name, values in changes.items()}
        rows.append({"scenario": "walkrounds", "replicate": replicate, **base, **changed})
    return pd.DataFrame(rows)


def test_summary_names_material_changes_in_units_and_the_rest_as_unchanged() -> None:
    table = compare_scenarios(summary({
        "reporting_rate": [0.02, 0.021, 0.019, 0.02, 0.02],  # +2 per 100 incidents: material
        "burnout_prevalence": [-0.002, -0.0019, -0.0021, -0.002, -0.002],  # certain, tiny
        "preventable_adverse_events": [-150.0, 50.0, -120.0, 10.0, -40.0],  # wide interval
    }), ["baseline", "walkrounds"])
    text = " ".join(scenario_summary("walkrounds", "baseline", table, 5, 180))
    assert "better on 1 and worse on 0 of the 7 primary outcomes" in text
    assert "incident reporting rose by about 2.0 reports per 100 incidents" in text
    assert "(from 50.0 to 52.0 reports per 100 incidents, +4.0%)" in text
    assert "No material change in" in text and "clinicians burned out" in text
    assert "the estimate for preventable harm events is imprecise" in text
    assert "replicates would settle" in text
    assert "e+" not in text and "_" not in text
    assert len(PRIMARY) == 7


def test_hospitals_better_reads_as_a_count_of_hospitals() -> None:
    assert hospitals_better(0.95, 10) == "9.5 of 10"
    assert hospitals_better(1.0, 10) == "10 of 10"
    assert hospitals_better(np.nan, 10) == "–"


def test_a_consistent_but_tiny_change_reads_as_too_small_not_as_a_contradiction() -> None:
    from sim.experiment.board_summary import hospitals_sentence

    changes = [-0.002, -0.0019, -0.0021, -0.002, -0.002]  # every hospital, 0.2 points
    table = compare_scenarios(summary({"burnout_prevalence": changes}),
                              ["baseline", "walkrounds"]).set_index(["scenario", "metric"])
    text = hospitals_sentence("walkrounds", "baseline", "burnout_prevalence",
                              np.array(changes), table.loc[("walkrounds", "burnout_prevalence")],
                              180)
    assert "In 5 of 5 simulated hospitals" in text and "fell" in text
    assert "too small to act on" in text and "1.0 percentage points" in text
    assert "no material change" not in text


def test_board_table_ranks_by_harm_averted_per_year() -> None:
    from sim.experiment.board_table import HARM, board_table

    rows = summary({})
    rows = pd.concat([rows, rows[rows["scenario"] == "walkrounds"].assign(
        scenario="relief")], ignore_index=True)
    rows.loc[rows["scenario"] == "relief", HARM] -= [30.0, 31.0, 29.0, 30.0, 30.0]
    rows.loc[rows["scenario"] == "walkrounds", HARM] -= [10.0, 11.0, 9.0, 10.0, 10.0]
    table = compare_scenarios(rows, ["baseline", "walkrounds", "relief"])
    board = board_table(table, ["baseline", "walkrounds", "relief"], window_days=180)
    harm = board[board["metric"] == HARM].set_index("option")
    assert harm.loc["relief", "rank"] == 1 and harm.loc["walkrounds", "rank"] == 2
    assert harm.loc["relief", "change"] == pytest.approx(-30.0 * 365 / 180)
    assert harm.loc["relief", "unit"] == "preventable harm events per year"
    rate = board[(board["metric"] == "reporting_rate")].iloc[0]
    assert rate["unit"] == "reports per 100 incidents" and not rate["per_year"]


def test_time_to_effect_finds_the_step_and_its_plateau() -> None:
    from sim.experiment.time_to_effect import MonthlyEffect, milestones

    metric = METRIC_BY_NAME["psychological_safety"]  # 1 point of 100 is material
    months = np.arange(1, 9)
    mean = np.array([0, 0, 0.5, 2.0, 4.0, 5.0, 5.0, 5.0])  # in points
    effect = MonthlyEffect(months, mean, mean - 0.3, mean + 0.3, np.full(8, 0.5), 5)
    material, ninety, plateau = milestones(metric, effect, np.array([6, 7, 8]), 0.05)
    assert material == 4 and ninety == 6 and plateau == 5.0
    assert all(np.isnan(milestones(metric, effect, np.array([6, 7, 8]), 0.0)))
