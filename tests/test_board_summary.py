"""The board's summary: plain sentences with units, material changes only, a warning where
the interval is too wide, and tables that count ties as half."""

import numpy as np
import pandas as pd

from sim.experiment.board_summary import PRIMARY, hospitals_better, scenario_summary
from sim.experiment.statistics import compare_scenarios
from sim.metrics import METRICS


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
