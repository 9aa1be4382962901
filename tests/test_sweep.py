"""`run.py sweep`: designs, bad sweep files, outputs, resuming, workers and the Dask backend.

Runs use a two-ward hospital over a few weeks; the index tests swap the simulation for a toy
response whose sensitivities are known.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.sweep.runner as sweep_runner
from sim.cli import main
from sim.cli.unfinished import describe as describe_unfinished
from sim.config import parameter_fields
from sim.sweep.design import make_design, point_count
from sim.sweep.spec import NOT_IN_ALL, load_sweep

SMALL = """\
name: {name}
base: baseline
set: {{hospital.wards: 2, hospital.nurses_per_ward: 6, hospital.doctors_per_ward: 2}}
days: 20
burn_in: 5
window: 10
design: {design}
parameters:
{parameters}
outcomes: [reporting_rate, workaround_rate, preventable_adverse_events]
replicates: {replicates}
"""
TWO = """\
  regulation.admin_share: {low: 0.1, high: 0.6}
  transparency.report_visibility: {low: 0.05, high: 0.8}"""
THREE = TWO + "\n  management.punitiveness: {low: 0.2, high: 0.8}"
SWEEPS = Path(__file__).resolve().parents[1] / "scenarios" / "sweeps"


def sweep_file(folder: Path, design: str, parameters: str = TWO, replicates: int = 1,
               name: str = "small") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(SMALL.format(name=name, design=design, parameters=parameters,
                                 replicates=replicates))
    return path


def sweep(path: Path, out: Path, *options: str) -> int:
    return main(["sweep", str(path), "--out", str(out), "--quiet", "--seed", "5", *options])


def only_folder(out: Path) -> Path:
    folders = [path for path in out.iterdir() if not path.name.startswith(".")]
    assert len(folders) == 1, folders
    return folders[0]


def toy_response(document: dict, seed: int, window: int, outcomes: tuple[str, ...],
                 daily: bool) -> sweep_runner.RunSummary:
    """Outcome = 10 x admin_share + 1 x punitiveness; report visibility has no effect."""
    value = 10 * document["regulation"]["admin_share"] + document["management"]["punitiveness"]
    return sweep_runner.RunSummary(np.full(len(outcomes), value), 0.0)


# --- designs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("design, points", [
    ("{method: grid, levels: 3}", 9),
    ("{method: latin, samples: 12}", 12),
    ("{method: sobol, samples: 8}", 8 * (2 + 2)),
    ("{method: sobol, samples: 8, second_order: true}", 8 * (2 * 2 + 2)),
    ("{method: morris, trajectories: 5, levels: 4}", 5 * (2 + 1)),
])
def test_designs_have_the_expected_points_within_their_ranges(
        design: str, points: int, tmp_path: Path) -> None:
    loaded = load_sweep(sweep_file(tmp_path, design))
    drawn = make_design(loaded)
    assert point_count(loaded) == points == len(drawn.points)
    assert drawn.points.shape == (points, 2)
    for index, factor in enumerate(loaded.factors):
        column = drawn.points[:, index]
        assert column.min() >= factor.low and column.max() <= factor.high
        assert len(np.unique(column)) > 1
    again = make_design(load_sweep(sweep_file(tmp_path, design)))
    assert np.array_equal(drawn.points, again.points)  # seeded: the same points every time


def test_grid_is_the_full_product_of_levels(tmp_path: Path) -> None:
    drawn = make_design(load_sweep(sweep_file(tmp_path, "{method: grid, levels: 3}")))
    assert {tuple(row) for row in drawn.points} == {
        (a, b) for a in (0.1, 0.35, 0.6) for b in (0.05, 0.425, 0.8)}


def test_all_parameters_screens_every_numeric_parameter_but_the_structural_ones(
        tmp_path: Path) -> None:
    path = tmp_path / "all.yaml"
    path.write_text("base: baseline\ndesign: {method: morris, trajectories: 2}\n"
                    "parameters: all\nexclude: [clinicians.belief_spread]\n"
                    "set: {hospital.wards: 2, management.punitiveness: 0.2}\n"
                    "outcomes: [reporting_rate]\n")
    loaded = load_sweep(path)
    keys = set(loaded.keys)
    assert not keys & NOT_IN_ALL
    assert keys == set(parameter_fields()) - NOT_IN_ALL - {"clinicians.belief_spread",
                                                           "management.punitiveness"}
    fields = parameter_fields()
    for factor in loaded.factors:
        meta = fields[factor.key].metadata
        assert meta["low"] <= factor.low < factor.high <= meta["high"]
        base = loaded.base.config.get(factor.key)
        assert factor.low <= base <= factor.high  # around the base, negative values too
        if factor.whole:  # a count: whole-number ends, at least one either side of its base
            assert factor.low == round(factor.low) and factor.high == round(factor.high)
            assert factor.low < base < factor.high or base in (meta["low"], meta["high"])
        elif base and meta["low"] < base * 0.5 and base * 1.5 < meta["high"]:
            assert factor.high - factor.low == pytest.approx(abs(base), rel=1e-9)
    assert any(factor.whole for factor in loaded.factors)  # survey.items_per_composite


@pytest.mark.parametrize("path", sorted(SWEEPS.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_point_of_a_shipped_sweep_is_a_scenario_the_model_accepts(path: Path) -> None:
    # A count sampled as 2.5 failed every run of the screen, in the workers, after the fact.
    from sim.experiment.jobs import scenario_from_document

    sweep = load_sweep(path)
    for document in sweep_runner.point_documents(sweep, make_design(sweep)):
        scenario_from_document(document)


@pytest.mark.parametrize("path", sorted(SWEEPS.glob("*.yaml")), ids=lambda path: path.stem)
def test_shipped_sweeps_load(path: Path) -> None:
    loaded = load_sweep(path)
    runs = point_count(loaded) * loaded.replicates
    if loaded.design == "sobol":
        assert 1500 <= runs <= 2600
    if loaded.design == "morris":
        assert loaded.all_parameters and loaded.trajectories == 10
        sections = {key.split(".", 1)[0] for key in loaded.keys}
        factors = len(sections) if loaded.groups == "sections" else len(loaded.factors)
        assert factors >= (15 if loaded.groups == "sections" else 150)  # every parameter
        assert runs == loaded.trajectories * (factors + 1) * loaded.replicates
    assert loaded.base.config.run.days == 365


# --- bad sweep files ---------------------------------------------------------------------------

@pytest.mark.parametrize("design, parameters, outcome, expected", [
    ("{method: grid}", "  management.nonsense: {low: 0, high: 1}", "reporting_rate",
     "parameters.management.nonsense: unknown parameter"),
    ("{method: latin, samples: 4}", "  regulation.admin_share: {low: 0.1, high: 1.5}",
     "reporting_rate", "parameters.regulation.admin_share.high: out of range: expected 0 to 0.9"),
    ("{method: latin, samples: 4}", TWO, "reporting_rte",
     "outcomes[0]: unknown outcome text 'reporting_rte'"),
    ("{method: factorial}", TWO, "reporting_rate",
     "design.method: unknown design text 'factorial'; expected one of grid, latin, sobol"),
    ("{method: sobol, samples: 10}", TWO, "reporting_rate",
     "design.samples: expected a power of 2"),
    ("{method: morris, groups: wards}", TWO, "reporting_rate",
     "design.groups: expected one of parameters, sections"),
])
def test_bad_sweep_files_exit_2_naming_the_file_and_key(
        design: str, parameters: str, outcome: str, expected: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = sweep_file(tmp_path, design, parameters)
    path.write_text(path.read_text().replace("[reporting_rate,", f"[{outcome},"))
    assert sweep(path, tmp_path / "out") == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {path}: ") and expected in error, error
    assert "Traceback" not in error and len(error.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_bad_dask_address_exits_2_naming_the_option(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    assert sweep(sweep_file(tmp_path, "grid"), tmp_path / "out", "--dask", "no port here") == 2
    assert "--dask expects a scheduler address" in capsys.readouterr().err


# --- runs and outputs --------------------------------------------------------------------------

def test_grid_writes_runs_and_phase_diagrams(tmp_path: Path) -> None:
    path = sweep_file(tmp_path, "{method: grid, levels: 2}", replicates=2)
    assert sweep(path, tmp_path / "out", "--workers", "1", "--daily") == 0
    folder = only_folder(tmp_path / "out")
    runs = pd.read_parquet(folder / "runs.parquet")
    daily = pd.read_parquet(folder / "timeseries.parquet")
    assert sorted(daily["run"].unique()) == list(range(8))
    assert daily["day"].min() < 1 and daily["day"].max() == 20  # burn-in days count from -4
    assert list(runs.columns) == ["run", "point", "replicate", "seed", "regulation.admin_share",
                                  "transparency.report_visibility", "reporting_rate",
                                  "workaround_rate", "preventable_adverse_events"]
    assert list(runs["run"]) == list(range(8))
    # Common random numbers: replicate r has the same seed at every point.
    assert runs.groupby("replicate")["seed"].nunique().tolist() == [1, 1]
    for outcome in ("reporting_rate", "workaround_rate", "preventable_adverse_events"):
        assert (folder / f"phase-{outcome}.png").stat().st_size > 1000
    assert not (folder / "indices.csv").exists()
    assert "phase diagrams" in (folder / "README.md").read_text()
    assert not (folder / "runs").exists() and not (folder / "plan.json").exists()


def test_window_summary_is_the_one_compare_writes(tmp_path: Path) -> None:
    """A one-point grid at the base values gives compare's summary.csv numbers."""
    path = sweep_file(tmp_path, "grid", "  regulation.admin_share: {values: [0.3, 0.4]}")
    assert sweep(path, tmp_path / "sweep", "--workers", "1") == 0
    runs = pd.read_parquet(only_folder(tmp_path / "sweep") / "runs.parquet")
    scenario = tmp_path / "small_scenario.yaml"
    scenario.write_text("hospital: {wards: 2, nurses_per_ward: 6, doctors_per_ward: 2}\n"
                        "run: {days: 20, burn_in: 5}\nregulation: {admin_share: 0.3}\n")
    assert main(["run", str(scenario), "--replicates", "1", "--seed", "5", "--window", "10",
                 "--quiet", "--workers", "1", "--out", str(tmp_path / "run")]) == 0
    summary = pd.read_csv(only_folder(tmp_path / "run") / "summary.csv")
    first = runs[runs["point"] == 0].iloc[0]
    for outcome in ("reporting_rate", "workaround_rate", "preventable_adverse_events"):
        assert first[outcome] == pytest.approx(summary[outcome].iloc[0], rel=1e-12)


def test_morris_ranks_a_known_toy_response(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sweep_runner, "summarise_job", toy_response)
    path = sweep_file(tmp_path, "{method: morris, trajectories: 6}", THREE)
    assert sweep(path, tmp_path / "out", "--workers", "1") == 0
    folder = only_folder(tmp_path / "out")
    indices = pd.read_csv(folder / "indices.csv")
    assert list(indices.columns) == ["outcome", "parameter", "mu", "mu_star", "mu_star_conf",
                                     "sigma"]
    assert np.isfinite(indices[["mu", "mu_star", "mu_star_conf", "sigma"]]).all().all()
    one = indices[indices["outcome"] == "reporting_rate"].set_index("parameter")
    # An elementary effect is the change per step across the range (0.5 and 0.6 wide).
    assert one.loc["regulation.admin_share", "mu_star"] == pytest.approx(10 * 0.5)
    assert one.loc["management.punitiveness", "mu_star"] == pytest.approx(1 * 0.6)
    assert one.loc["transparency.report_visibility", "mu_star"] == pytest.approx(0, abs=1e-9)
    assert (folder / "indices-reporting_rate.png").exists()


def test_grouped_morris_ranks_configuration_sections(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Sections move together: g + 1 runs per trajectory, one row of indices per section."""
    monkeypatch.setattr(sweep_runner, "summarise_job", toy_response)
    path = sweep_file(tmp_path, "{method: morris, trajectories: 6, groups: sections}", THREE)
    assert point_count(load_sweep(path)) == 6 * (3 + 1)
    assert sweep(path, tmp_path / "out", "--workers", "1") == 0
    indices = pd.read_csv(only_folder(tmp_path / "out") / "indices.csv")
    one = indices[indices["outcome"] == "workaround_rate"].set_index("parameter")
    assert sorted(one.index) == ["management", "regulation", "transparency"]
    assert one.loc["regulation", "mu_star"] == pytest.approx(10 * 0.5)
    assert one.loc["transparency", "mu_star"] == pytest.approx(0, abs=1e-9)


def test_sobol_indices_of_a_known_toy_response(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sweep_runner, "summarise_job", toy_response)
    path = sweep_file(tmp_path, "{method: sobol, samples: 64}", THREE)
    assert sweep(path, tmp_path / "out", "--workers", "1") == 0
    indices = pd.read_csv(only_folder(tmp_path / "out") / "indices.csv")
    assert list(indices.columns) == ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    one = indices[indices["outcome"] == "workaround_rate"].set_index("parameter")
    # Variances: (10 x 0.5)^2 / 12 and (0.6)^2 / 12, so admin_share explains about 98.6%.
    assert one.loc["regulation.admin_share", "ST"] == pytest.approx(0.986, abs=0.05)
    assert one.loc["transparency.report_visibility", "ST"] == pytest.approx(0, abs=0.01)


def results_of(folder: Path) -> tuple[bytes, bytes]:
    return (folder / "runs.parquet").read_bytes(), (folder / "indices.csv").read_bytes()


def test_workers_and_resume_give_identical_files(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = sweep_file(tmp_path, "{method: morris, trajectories: 2}", replicates=2)
    assert sweep(path, tmp_path / "one", "--workers", "1") == 0
    assert sweep(path, tmp_path / "two", "--workers", "2") == 0
    reference = results_of(only_folder(tmp_path / "one"))
    assert results_of(only_folder(tmp_path / "two")) == reference

    calls = []
    real = sweep_runner.summarise_job

    def interrupted(*args: object) -> sweep_runner.RunSummary:
        calls.append(args)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(sweep_runner, "CHUNK_RUNS", 2)
    monkeypatch.setattr(sweep_runner, "summarise_job", interrupted)
    out = tmp_path / "resumed"
    assert sweep(path, out, "--workers", "1") == 130
    unfinished, = out.glob(".incomplete-*")
    assert len(list((unfinished / "runs").glob("chunk-*.npz"))) == 3  # 2 + 2 + 1 runs kept
    assert describe_unfinished(unfinished).startswith("5 of 12 runs done")
    monkeypatch.setattr(sweep_runner, "summarise_job", real)
    assert sweep(path, out, "--seed", "6", "--resume", str(unfinished)) == 2  # another plan
    assert sweep(path, out, "--workers", "2", "--resume", str(unfinished)) == 0
    assert results_of(only_folder(out)) == reference


# --- Dask ----------------------------------------------------------------------------------------

def test_dask_backend_gives_the_local_results(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    path = sweep_file(tmp_path, "{method: latin, samples: 3}", replicates=2)
    assert sweep(path, tmp_path / "local", "--workers", "1") == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        assert sweep(path, tmp_path / "dask", "--dask", cluster.scheduler_address) == 0
    local, remote = only_folder(tmp_path / "local"), only_folder(tmp_path / "dask")
    assert results_of(local) == results_of(remote)
    assert "Dask" in (remote / "manifest.json").read_text()


def test_validate_checks_sweep_and_calibration_files(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    calibration = SWEEPS.parent / "calibration" / "defaults.yaml"
    assert main(["validate", str(SWEEPS / "phase_diagram.yaml"), str(calibration)]) == 0
    out = capsys.readouterr().out
    assert "sweep regulation burden x transparency: 180 runs" in out and "calibration" in out
    bad = sweep_file(tmp_path, "{method: morris, groups: wards}")
    assert main(["validate", str(bad)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {bad}: design.groups") and "Traceback" not in error
