"""`run.py run` and `run.py compare` end to end on tiny hospitals (a few seconds in all)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiment import runner
from sim.experiment.jobs import METRIC_NAMES, replicate_seeds
from sim.experiment.statistics import COMPARISON_COLUMNS

BASE = """\
name: base
description: A tiny hospital <b>for tests</b> & friends
hospital: {wards: 2, nurses_per_ward: 6, doctors_per_ward: 2}
run: {days: 30, burn_in: 5}
"""
FIX = """\
name: fix
extends: base.yaml
description: Less blame, more feedback <script>alert(1)</script>
evidence: ["Edmondson 1999 <i>"]
interventions:
  - name: just culture
    start: 10
    set: {management.punitiveness: 0.05, management.feedback_probability: 0.9}
"""
TINY = ["--replicates", "3", "--window", "20", "--seed", "5", "--quiet"]
TIMESERIES_COLUMNS = ["scenario", "replicate", "seed", "day", "metric", "value"]


@pytest.fixture
def scenario_files(tmp_path: Path) -> list[Path]:
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "fix.yaml").write_text(FIX)
    return [tmp_path / "base.yaml", tmp_path / "fix.yaml"]


@pytest.fixture
def no_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip drawing where a test is about something else (figures take most of the time)."""
    monkeypatch.setattr("sim.experiment.outputs.draw_all", lambda *args: [])


def results_folders(parent: Path) -> list[Path]:
    return sorted(p for p in parent.iterdir() if not p.name.startswith(".")) \
        if parent.exists() else []


def only_folder(parent: Path) -> Path:
    folders = results_folders(parent)
    assert len(folders) == 1, folders
    return folders[0]


def compare(files: list[Path], out: Path, *extra: str) -> int:
    return main(["compare", *map(str, files), *TINY, "--out", str(out), *extra])


def test_worker_reproduces_a_direct_run(scenario_files: list[Path]) -> None:
    from sim.experiment.jobs import simulate_job
    from sim.scenario import load_scenario
    from sim.scenario.runtime import build_model

    scenario = load_scenario(scenario_files[1])
    output = simulate_job(scenario.to_dict(), 42)
    daily = build_model(scenario, 42).run().daily_data()
    assert list(output.days) == list(daily["day"])
    np.testing.assert_array_equal(output.values, daily[list(METRIC_NAMES)].to_numpy())


def test_run_writes_every_output(scenario_files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", str(scenario_files[1]), *TINY, "--workers", "1", "--out", str(out),
                 "--set", "hospital.attendance=0.7"]) == 0
    folder = only_folder(out)
    summary = pd.read_csv(folder / "summary.csv")
    assert list(summary.columns) == ["scenario", "replicate", "seed", *METRIC_NAMES]
    assert list(summary["replicate"]) == [0, 1, 2]
    assert list(summary["seed"]) == replicate_seeds(5, 3)
    assert not (folder / "comparison.csv").exists()
    series = pd.read_csv(folder / "timeseries.csv.gz")
    assert list(series.columns) == TIMESERIES_COLUMNS
    assert len(series) == 3 * 35 * len(METRIC_NAMES)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["replicate_seeds"] == replicate_seeds(5, 3)
    resolved = manifest["scenarios"][0]["resolved"]
    assert resolved["hospital"]["attendance"] == 0.7
    assert (folder / manifest["scenarios"][0]["file"]).read_text().count("attendance: 0.7")
    for stem in ("dashboard", "timeseries-reporting_rate"):
        assert (folder / f"{stem}.png").stat().st_size > 0
        assert (folder / f"{stem}.svg").stat().st_size > 0
    report = (folder / "report.html").read_text()
    assert "fix" in report and "Key findings" not in report  # one scenario: nothing compared


def test_compare_outputs_and_report(scenario_files: list[Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert compare(scenario_files, out, "--workers", "1") == 0
    folder = only_folder(out)
    assert str(folder / "report.html") in capsys.readouterr().out
    comparison = pd.read_csv(folder / "comparison.csv")
    assert tuple(comparison.columns) == COMPARISON_COLUMNS
    assert len(comparison) == 2 * len(METRIC_NAMES)
    assert comparison[comparison["scenario"] == "base"]["diff"].isna().all()
    fix = comparison[comparison["scenario"] == "fix"].set_index("metric")
    assert fix.loc["reporting_rate", "p_better"] >= 0
    assert pd.isna(fix.loc["admissions", "p_better"])
    summary = pd.read_csv(folder / "summary.csv")
    # Common random numbers: replicate i has the same seed in every scenario.
    seeds = summary.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds["base"] == seeds["fix"]).all()
    for stem in ("forest-harm", "dashboard", "time-to-effect", "timeseries-adverse_events"):
        assert (folder / f"{stem}.svg").exists() and (folder / f"{stem}.png").exists()
    report = (folder / "report.html").read_text()
    assert "<script>alert" not in report and "&lt;script&gt;alert(1)" in report
    assert "&lt;b&gt;for tests&lt;/b&gt; &amp; friends" in report
    assert "simulated hospitals" in report and "docs/ODD.md" in report
    assert "data:image/svg+xml;base64," in report
    assert "management.punitiveness" in report  # the YAML difference from the reference


@pytest.mark.usefixtures("no_figures")
def test_results_identical_for_any_worker_count(scenario_files: list[Path],
                                                tmp_path: Path) -> None:
    assert compare(scenario_files, tmp_path / "one", "--workers", "1") == 0
    assert compare(scenario_files, tmp_path / "two", "--workers", "2") == 0
    one, two = only_folder(tmp_path / "one"), only_folder(tmp_path / "two")
    for name in ("summary.csv", "comparison.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    with gzip.open(one / "timeseries.csv.gz") as a, gzip.open(two / "timeseries.csv.gz") as b:
        assert a.read() == b.read()


@pytest.mark.usefixtures("no_figures")
def test_failed_run_is_reported_and_others_finish(
        scenario_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    broken_seed = replicate_seeds(5, 3)[1]
    real = runner.simulate_job

    def flaky(document: dict, seed: int):
        if document["name"] == "fix" and seed == broken_seed:
            raise RuntimeError("model diverged")
        return real(document, seed)

    monkeypatch.setattr(runner, "simulate_job", flaky)
    assert compare(scenario_files, tmp_path / "out", "--workers", "1") == 1
    error = capsys.readouterr().err
    assert f"scenario 'fix', replicate 1, seed {broken_seed}" in error
    assert "model diverged" in error
    folder = only_folder(tmp_path / "out")
    failures = pd.read_csv(folder / "failures.csv")
    assert failures.to_dict("records") == [{"scenario": "fix", "replicate": 1,
                                            "seed": broken_seed,
                                            "error": "RuntimeError: model diverged"}]
    summary = pd.read_csv(folder / "summary.csv")
    assert len(summary) == 5
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["failures"][0]["seed"] == broken_seed
    assert "model diverged" in (folder / "report.html").read_text()


@pytest.mark.usefixtures("no_figures")
def test_existing_folder_is_never_overwritten(
        scenario_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    existing = tmp_path / "out" / "earlier-results"
    existing.mkdir(parents=True)
    (existing / "summary.csv").write_text("precious")
    monkeypatch.setattr("sim.cli.results_folder.timestamped_name",
                        lambda label, number=1: "earlier-results" + (
                            f"-{number}" if number > 1 else ""))
    assert compare(scenario_files, tmp_path / "out", "--workers", "1") == 0
    assert (existing / "summary.csv").read_text() == "precious"
    assert [p.name for p in results_folders(tmp_path / "out")] == ["earlier-results",
                                                                   "earlier-results-2"]


@pytest.mark.usefixtures("no_figures")
@pytest.mark.parametrize("where", ["while simulating", "while writing"])
def test_interrupted_run_leaves_nothing_complete_and_keeps_finished_runs(
        where: str, scenario_files: list[Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    calls = []

    def interrupt(*args: object) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args)

    if where == "while simulating":
        real = runner.simulate_job
        monkeypatch.setattr(runner, "simulate_job", interrupt)
    else:
        import sim.experiment.outputs as outputs

        real = outputs.write_report
        calls.append("first call passes")
        monkeypatch.setattr(outputs, "write_report", interrupt)
    out = tmp_path / "out"
    assert compare(scenario_files, out, "--workers", "1") == 130
    assert results_folders(out) == []
    unfinished, = out.glob(".incomplete-*")
    kept = len(list((unfinished / "runs").glob("*.npz")))
    assert kept == (1 if where == "while simulating" else 6)
    assert f"--resume {unfinished}" in capsys.readouterr().err


@pytest.mark.parametrize("arguments, message", [
    (["run", "missing.yaml"], "missing.yaml"),
    (["run", "{base}", "--replicates", "0"], "--replicates"),
    (["run", "{base}", "--replicates", "many"], "expected a whole number"),
    (["run", "{base}", "--set", "management.punitiveness"], "KEY=VALUE"),
    (["run", "{base}", "--set", "management.nonsense=1"], "nonsense"),
    (["run", "{base}", "--set", "management.punitiveness=7"], "punitiveness"),
    (["compare", "{base}"], "at least one other"),
    (["compare", "{base}", "{fix}", "--days", "40", "--set", "run.burn_in=-1"], "burn_in"),
    (["run", "{base}", "--workers", "0"], "--workers"),
])
def test_bad_input_exits_2_without_traceback(
        arguments: list[str], message: str, scenario_files: list[Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    base, fix = map(str, scenario_files)
    argv = [a.format(base=base, fix=fix) for a in arguments] + ["--out", str(tmp_path / "o")]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith("error:") and message in error
    assert "Traceback" not in error
    assert not (tmp_path / "o").exists()


@pytest.mark.usefixtures("no_figures")
def test_scenarios_of_different_length_are_not_paired(scenario_files: list[Path],
                                                      tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    longer = tmp_path / "longer.yaml"
    longer.write_text("name: longer\nextends: base.yaml\nrun: {days: 40}\n")
    assert compare([scenario_files[0], longer], tmp_path / "out") == 2
    assert "--days" in capsys.readouterr().err
    assert compare([scenario_files[0], longer], tmp_path / "out", "--days", "20",
                   "--workers", "1") == 0
