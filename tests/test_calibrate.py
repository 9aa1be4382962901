"""`run.py calibrate`: the loss, the calibration file's checks, the shipped defaults file, and
a tiny calibration end to end."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from sim.cli import main
from sim.config import parameter_fields
from sim.errors import UsageError
from sim.evidence.bands import Band
from sim.evidence.calibrate import ONE_SIDED_WIDTH, band_width, target_loss
from sim.evidence.calibration_file import read_calibration
from sim.evidence.targets import LEVEL_TARGETS
from sim.scenario import load_scenario

DEFAULTS = Path(__file__).resolve().parents[1] / "scenarios" / "calibration" / "defaults.yaml"
TINY = """name: tiny fit
parameters:
  - name: reporting.intercept
    low: -5.0
    high: -3.4
targets:
  levels: [harm_capture, {quantity: preventable_share, low: 0.2, high: 0.7}]
  bands: ["audit_drive:measured_compliance"]
settings:
  hospital.wards: 1
  run.days: 70
  run.burn_in: 5
"""


def test_loss_is_zero_inside_the_range():
    assert target_loss(0.1, 0.05, 0.2, 0.15) == 0.0
    assert target_loss(0.05, 0.05, 0.2, 0.15) == 0.0
    assert target_loss(5.0, 1.0, None, 0.1) == 0.0  # one-sided


def test_loss_grows_with_the_square_of_the_distance_on_either_side():
    near, far = target_loss(0.25, 0.05, 0.2, 0.15), target_loss(0.35, 0.05, 0.2, 0.15)
    assert 0 < near < far
    assert far == pytest.approx(9 * near)
    assert target_loss(0.0, 0.05, 0.2, 0.15) == pytest.approx(
        target_loss(0.25, 0.05, 0.2, 0.15))


def test_loss_is_measured_in_widths_of_the_target():
    narrow = target_loss(0.3, 0.05, 0.2, 0.15)  # missed by 0.1, width 0.15
    wide = target_loss(2.1, 1.2, 2.0, 0.8)  # missed by 0.1, width 0.8
    assert narrow > wide
    # the same miss as a share of the width costs the same
    assert target_loss(0.2 + 0.15, 0.05, 0.2, 0.15) == pytest.approx(
        target_loss(2.0 + 0.8, 1.2, 2.0, 0.8)) == pytest.approx(1.0)


def test_a_one_sided_band_is_scaled_by_its_measure_and_no_value_is_the_worst():
    band = Band("walkrounds", "reporting_rate", "ratio", 1.0, None, "", directional=True)
    assert band_width(band) == ONE_SIDED_WIDTH["ratio"]
    assert band_width(Band("x", "y", "relative", -0.1, 0.0, "")) == pytest.approx(0.1)
    assert target_loss(math.nan, 0.0, 1.0, 1.0) == math.inf


def test_the_defaults_file_fits_the_hand_tuned_parameters_to_the_level_targets():
    calibration = read_calibration(DEFAULTS)
    fields = parameter_fields()
    assert calibration.levels == LEVEL_TARGETS
    for parameter in calibration.parameters:
        meta = fields[parameter.key].metadata
        assert meta["source"].startswith("calibrated")
        assert parameter.low < fields[parameter.key].default < parameter.high


@pytest.mark.parametrize("change, expected", [
    (("reporting.intercept", "nope.intercept"),
     "parameters[0].name: unknown parameter 'nope.intercept'"),
    (("low: -5.0", "low: -50.0"), "parameters[0].low: out of range"),
    (("low: -5.0", "low: -3.0"), "parameters[0].high: expected a value above low"),
    (("[harm_capture,", "[harm_capturre,"), "unknown level target 'harm_capturre'"),
    (("audit_drive:", "audit_driv:"), "no effect band for scenario 'audit_driv'"),
    (("name: reporting.intercept", "name: run.days"), "sets the size or length of the run"),
    (("settings:", "setings:"), "setings"),
], ids=["unknown", "out-of-range", "low-above-high", "level", "band", "run", "top-key"])
def test_a_bad_calibration_file_exits_2_with_one_line(tmp_path, capsys, change, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(TINY.replace(*change), encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad\.yaml"):
        read_calibration(path)
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert expected in error and len(error.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_missing_calibration_file_exits_2(tmp_path, capsys):
    assert main(["calibrate", str(tmp_path / "none.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def calibrate(tmp_path: Path, workers: int, out: str) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    assert main(["calibrate", str(path), "--trials", "3", "--replicates", "2",
                 "--workers", str(workers), "--seed", "4", "--out", str(tmp_path / out)]) == 0
    (folder,) = (tmp_path / out).iterdir()
    return folder


def test_a_tiny_calibration_writes_its_fit_and_is_reproducible(tmp_path, capsys):
    folder = calibrate(tmp_path, 2, "out")
    assert "Best loss" in capsys.readouterr().out
    assert {p.name for p in folder.iterdir()} >= {
        "fitted_parameters.csv", "fit_report.csv", "fit_report.md", "fit.png", "fit.svg",
        "history.csv", "history.png", "fitted.yaml"}
    with open(folder / "fit_report.csv", encoding="utf-8") as handle:
        report = list(csv.DictReader(handle))
    assert [row["target"] for row in report] == [
        "harm_capture", "preventable_share", "audit_drive: measured_compliance"]
    assert report[1]["low"] == "0.2"  # the file's own range replaces targets.py's
    for row in report:
        loss = float(row["loss"])
        assert (loss == 0.0) == (float(row["low"]) <= float(row["mean"]) <= float(row["high"]))
    with open(folder / "history.csv", encoding="utf-8") as handle:
        history = list(csv.DictReader(handle))
    assert len(history) == 3
    assert all(-5.0 <= float(row["reporting.intercept"]) <= -3.4 for row in history)
    assert float(history[0]["reporting.intercept"]) == -4.2  # the current default comes first
    with open(folder / "fitted_parameters.csv", encoding="utf-8") as handle:
        (fitted,) = list(csv.DictReader(handle))
    fitted_yaml = (folder / "fitted.yaml").read_text(encoding="utf-8")
    assert fitted_yaml.startswith("# Fitted on ")
    scenario = load_scenario(folder / "fitted.yaml")
    assert scenario.config.reporting.intercept == pytest.approx(float(fitted["fitted"]))
    assert min(float(row["loss"]) for row in history) == pytest.approx(
        sum(float(row["loss"]) for row in report))
    again = calibrate(tmp_path, 1, "again")
    assert (again / "history.csv").read_text() == (folder / "history.csv").read_text()


def test_a_band_whose_scenario_sets_a_fitted_parameter_itself_is_refused(tmp_path):
    from sim.evidence.calibration_file import FittedParameter, check_no_clash

    scenario = tmp_path / "own.yaml"
    scenario.write_text("name: own\nmanagement:\n  punitiveness: 0.2\n", encoding="utf-8")
    band = Band(str(scenario), "reporting_rate", "ratio", 1.2, 2.0, "")
    fitted = (FittedParameter("management.punitiveness", 0.3, 0.7),)
    with pytest.raises(UsageError, match=r"sets management\.punitiveness from its start"):
        check_no_clash(fitted, (band,), "cal.yaml")
    check_no_clash((FittedParameter("reporting.intercept", -5.0, -3.4),), (band,), "cal.yaml")
