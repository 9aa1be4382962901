"""Tables for analysts: comparison.csv says how to read each row, the time series also comes as
Parquet, and metrics.csv describes every column of summary.csv."""

from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.core.metrics import METRIC_BY_NAME, METRICS

BASE = """\
name: base
hospital: {wards: 2, nurses_per_ward: 6, doctors_per_ward: 2}
run: {days: 20, burn_in: 5}
"""
FIX = """\
name: fix
extends: base.yaml
interventions:
  - {name: just culture, start: 5, set: {management.punitiveness: 0.05}}
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tables")
    (folder / "base.yaml").write_text(BASE)
    (folder / "fix.yaml").write_text(FIX)
    with pytest.MonkeyPatch.context() as patch:  # the figures are tested elsewhere
        patch.setattr("sim.experiment.outputs.draw_all", lambda *args: [])
        assert main(["compare", str(folder / "base.yaml"), str(folder / "fix.yaml"),
                     "--replicates", "2", "--window", "10", "--workers", "1", "--quiet",
                     "--out", str(folder / "out")]) == 0
    return next(path for path in (folder / "out").iterdir() if not path.name.startswith("."))


def test_comparison_rows_carry_label_unit_direction_and_material(results: Path) -> None:
    table = pd.read_csv(results / "comparison.csv", keep_default_na=False)
    for column in ("label", "unit", "direction", "material", "primary", "verdict"):
        assert column in table.columns
    row = table[(table["scenario"] == "fix") & (table["metric"] == "reporting_rate")].iloc[0]
    assert row["label"] == METRIC_BY_NAME["reporting_rate"].label
    assert row["direction"] == "higher" and str(row["material"]) in ("True", "False")
    blame = table[(table["scenario"] == "fix") & (table["metric"] == "blame_responses")].iloc[0]
    assert blame["direction"] == "" and blame["p_better"] == ""


def test_parquet_time_series_matches_the_csv(results: Path) -> None:
    parquet = pd.read_parquet(results / "timeseries.parquet")
    csv = pd.read_csv(results / "timeseries.csv.gz")
    assert list(parquet.columns) == list(csv.columns)
    assert len(parquet) == len(csv)
    assert parquet["value"].to_numpy() == pytest.approx(csv["value"].to_numpy(), nan_ok=True)


def test_metrics_csv_describes_every_summary_column(results: Path) -> None:
    metrics = pd.read_csv(results / "metrics.csv", keep_default_na=False)
    summary = pd.read_csv(results / "summary.csv")
    assert list(metrics["metric"]) == [metric.name for metric in METRICS]
    assert set(metrics["metric"]) <= set(summary.columns)
    assert not metrics["label"].str.contains("_").any()
