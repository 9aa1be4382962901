"""Practical significance, directions and plain numbers: the rules the report is read by."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.core.metrics import (
    CONTRACT_COLUMNS,
    METRIC_BY_NAME,
    METRICS,
    format_change,
    format_relative,
    format_value,
    is_material,
    plain_number,
    rolling_value,
    verdict,
)
from sim.evidence.metric_docs import metrics_markdown
from sim.experiment.statistics import compare_scenarios, replicates_needed, share_better

VOLUME_COUNTS = ("blame_responses", "learning_responses", "feedback_given",
                 "second_order_responses", "near_misses", "hazards_fixed")
PRIMARY = {"reporting_rate", "harm_capture", "workaround_rate", "preventable_adverse_events",
           "psychological_safety", "trust_in_management", "burnout_prevalence"}


def test_every_metric_has_a_label_a_unit_and_a_threshold() -> None:
    for metric in METRICS:
        assert metric.label and "_" not in metric.label, metric.name
        assert metric.unit, metric.name
        assert metric.minimum_difference > 0, metric.name
        assert metric.better in ("higher", "lower", ""), metric.name


def test_volume_counts_have_no_direction_and_silence_is_a_target() -> None:
    for name in VOLUME_COUNTS:
        assert METRIC_BY_NAME[name].better == "", name
    assert METRIC_BY_NAME["silent_staff_share"].better == "lower"


def test_primary_outcomes_are_marked() -> None:
    assert {metric.name for metric in METRICS if metric.primary} == PRIMARY
    assert set(CONTRACT_COLUMNS) >= PRIMARY


def test_a_certain_but_tiny_change_is_no_material_change() -> None:
    share = METRIC_BY_NAME["burnout_prevalence"]  # threshold: 1 percentage point
    assert verdict(share, -0.00168, -0.002, -0.0013, 0.28) == "no material change"
    assert verdict(share, -0.02, -0.03, -0.01, 0.28) == "better"
    assert verdict(share, 0.02, 0.01, 0.03, 0.28) == "worse"


def test_a_large_change_whose_interval_includes_zero_is_not_material() -> None:
    share = METRIC_BY_NAME["reporting_rate"]
    assert not is_material(share, 0.05, -0.01, 0.11, 0.3)
    assert verdict(share, 0.05, -0.01, 0.11, 0.3) == "no material change"


def test_count_thresholds_are_relative_to_the_reference() -> None:
    harm = METRIC_BY_NAME["preventable_adverse_events"]  # 5% of the reference
    assert verdict(harm, -40.0, -50.0, -30.0, 1000.0) == "no material change"
    assert verdict(harm, -66.0, -80.0, -52.0, 1000.0) == "better"


def test_undirected_metrics_get_higher_or_lower_never_better() -> None:
    blame = METRIC_BY_NAME["blame_responses"]
    assert verdict(blame, 30.0, 20.0, 40.0, 100.0) == "higher"
    assert verdict(blame, 1.0, 0.5, 1.5, 100.0) == "no material change"
    assert verdict(blame, math.nan, math.nan, math.nan, 100.0) == ""


def test_ties_count_as_half_and_undirected_metrics_have_no_p_better() -> None:
    assert share_better(np.array([0.0, 0.0]), "lower") == 0.5
    assert share_better(np.array([1.0, 0.0, -1.0, -1.0]), "lower") == pytest.approx(0.625)
    assert math.isnan(share_better(np.array([1.0, 2.0]), ""))


def test_comparison_carries_label_unit_direction_and_material() -> None:
    metric = METRIC_BY_NAME["report_backlog"]
    summary = pd.DataFrame({"scenario": ["ref"] * 3 + ["alt"] * 3,
                            "replicate": [0, 1, 2] * 2,
                            "report_backlog": [0.0] * 6})
    alt = compare_scenarios(summary, ["ref", "alt"], [metric]).iloc[1]
    assert alt["p_better"] == 0.5  # 0 vs 0 everywhere: neither better nor worse
    assert alt["label"] == metric.label and alt["unit"] == "reports"
    assert alt["direction"] == "lower" and not alt["material"]


def test_wide_intervals_suggest_more_replicates() -> None:
    harm = METRIC_BY_NAME["preventable_adverse_events"]
    # Width 24 around a mean of 6 on a reference of 100 (threshold 5): 16 times the replicates.
    assert replicates_needed(harm, -6.0, 18.0, 6.0, 100.0, 5) == 80
    assert replicates_needed(harm, 4.0, 8.0, 6.0, 100.0, 5) == 0


def test_numbers_are_plain_with_units_and_never_scientific() -> None:
    assert plain_number(1030.4) == "1,030"
    assert plain_number(0.4) == "0.4"
    assert "e" not in plain_number(-6420.0) and plain_number(-6420.0) == "−6,420"
    assert format_value(METRIC_BY_NAME["reporting_rate"], 0.3251) == \
        "32.5 reports per 100 incidents"
    assert format_value(METRIC_BY_NAME["burnout_prevalence"], 0.182) == "18.2%"
    assert format_change(METRIC_BY_NAME["burnout_prevalence"], 0.0168) == \
        "+1.7 percentage points"
    assert format_change(METRIC_BY_NAME["psychological_safety"], -0.02) == \
        "−2.0 points on a 0-100 scale"
    assert format_value(METRIC_BY_NAME["regulatory_time"], 1234.0) == "1,234 clinician-days"
    assert format_relative(0.004) == "+0.4%" and format_relative(-0.16) == "−16%"
    assert format_relative(-0.0001) == "0.0%"
    assert format_change(METRIC_BY_NAME["burnout_prevalence"], -0.00001) == \
        "0.0 percentage points"
    assert format_value(METRIC_BY_NAME["adverse_events"], math.nan) == "–"


def test_rolling_value_is_a_ratio_of_sums_for_one_run_or_many() -> None:
    rate = METRIC_BY_NAME["reporting_rate"]
    columns = {"staff_reports": np.array([1.0, 0.0, 3.0]), "incidents": np.array([1.0, 0.0, 1.0])}
    assert rolling_value(rate, columns, 2).tolist() == [1.0, 1.0, 3.0]
    many = {name: np.vstack([values, values]) for name, values in columns.items()}
    assert rolling_value(rate, many, 3)[1].tolist() == [1.0, 1.0, 2.0]
    safety = METRIC_BY_NAME["psychological_safety"]
    values = rolling_value(safety, {"psychological_safety": np.array([0.2, np.nan, 0.4])}, 2)
    assert values.tolist() == pytest.approx([0.2, 0.2, 0.4])


def test_docs_metrics_table_is_current() -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
    assert path.read_text(encoding="utf-8") == metrics_markdown(), \
        "run: python -m sim.evidence.metric_docs docs/metrics.md"
