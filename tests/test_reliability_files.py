"""Results folders and run files that a hostile or unlucky user damaged: a dangling link where
the results would go, run files and sweep chunks of the right seed but the wrong shapes, a
folder with no plan, a link named like an unfinished folder, an output path too long to hold
the results. Each is refused up front with one line, or rerun, never a crash."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.cli.results_folder import CLAIM_GRACE_SECONDS, LOCK_FILE
from sim.experiment import runner

SMALL = """\
name: small
hospital: {wards: 2, nurses_per_ward: 6, doctors_per_ward: 2}
run: {days: 20, burn_in: 5}
"""
QUICK = ["--replicates", "2", "--window", "10", "--workers", "1", "--quiet"]
SWEEP = """\
name: tiny sweep
base: small.yaml
design: {method: grid, levels: 2}
parameters:
  management.punitiveness: {low: 0.2, high: 0.8}
outcomes: [adverse_events, reporting_rate]
window: 10
"""


@pytest.fixture(autouse=True)
def no_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.experiment.outputs.draw_all", lambda *args: [])
    monkeypatch.setattr("sim.sweep.outputs.phase_diagrams", lambda *args: [])


def small(folder: Path) -> str:
    path = folder / "small.yaml"
    path.write_text(SMALL)
    return str(path)


def one_line(capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    error = capsys.readouterr().err
    assert error.startswith("error: ") and error.count("\n") == 1, error
    assert "Traceback" not in error, error
    for text in expected:
        assert text in error, error
    return error


def interrupted_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str],
                    after: int) -> Path:
    """Run `argv` until `after` runs are done, then interrupt it; the unfinished folder."""
    real, calls = runner.simulate_job, []

    def simulate(*args: object):
        calls.append(args)
        if len(calls) > after:
            raise KeyboardInterrupt
        return real(*args)

    with monkeypatch.context() as patch:
        patch.setattr(runner, "simulate_job", simulate)
        patch.setattr("sim.sweep.runner.simulate_job", simulate)
        assert main(argv) == 130
    folder, = (tmp_path / "out").glob(".incomplete-*")
    return folder


def test_a_dangling_link_at_the_final_name_does_not_block_publishing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr("sim.cli.results_folder.timestamped_name",
                        lambda label, number=1: "taken" if number == 1 else f"taken-{number}")
    (out / "taken").symlink_to(tmp_path / "nowhere")
    assert main(["run", small(tmp_path), *QUICK, "--out", str(out)]) == 0
    assert (out / "taken").is_symlink() and not (tmp_path / "nowhere").exists()
    assert (out / "taken-2" / "summary.csv").is_file()


def test_run_files_of_the_right_seed_but_the_wrong_shapes_are_run_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["run", small(tmp_path), *QUICK, "--replicates", "5", "--out", str(tmp_path / "out")]
    folder = interrupted_run(tmp_path, monkeypatch, argv, after=4)
    runs = sorted((folder / "runs").glob("*.npz"), key=lambda path: int(path.stem))
    assert len(runs) == 4
    damage = [lambda days, values: (days[:-3], values),  # fewer days than rows
              lambda days, values: (days, values[:, :5]),  # too few metrics
              lambda days, values: (days.reshape(1, -1), values),  # days not a list
              lambda days, values: (days[:-1], values[:-1])]  # a run cut short
    for path, change in zip(runs, damage, strict=True):
        with np.load(path) as data:
            arrays = dict(data)
        arrays["days"], arrays["values"] = change(arrays["days"], arrays["values"])
        np.savez(path, **arrays)
    started = []
    real = runner.simulate_job
    monkeypatch.setattr(runner, "simulate_job",
                        lambda *args: started.append(args) or real(*args))
    assert main([*argv[:-2], "--resume", str(folder)]) == 0
    assert len(started) == 5  # the one not run, and every damaged run: none is trusted


def test_sweep_chunks_of_the_wrong_shapes_are_run_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small(tmp_path)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    argv = ["sweep", str(tmp_path / "sweep.yaml"), "--replicates", "2", "--workers", "1",
            "--quiet", "--out", str(tmp_path / "out")]
    folder = interrupted_run(tmp_path, monkeypatch, argv, after=2)
    chunk, = (folder / "runs").glob("chunk-*.npz")
    with np.load(chunk) as data:
        arrays = dict(data)
    assert len(arrays["run"]) == 2
    arrays["seconds"] = arrays["seconds"][:1]  # one timing for two runs
    arrays["outcomes"] = arrays["outcomes"][:, :1]  # one outcome of two
    np.savez(chunk, **arrays)
    started = []
    real = runner.simulate_job
    monkeypatch.setattr("sim.sweep.runner.simulate_job",
                        lambda *args: started.append(args) or real(*args))
    assert main([*argv[:-2], "--resume", str(folder)]) == 0
    assert len(started) == 4


def test_resume_of_a_folder_with_no_plan_writes_nothing_into_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / ".incomplete-20240101-000000-something"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    assert main(["run", small(tmp_path), *QUICK, "--resume", str(folder)]) == 2
    one_line(capsys, f"--resume {folder}", "not a resumable experiment")
    assert sorted(path.name for path in folder.iterdir()) == ["notes.txt"]


def test_a_link_named_like_an_unfinished_folder_is_removed_not_followed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "precious"
    target.mkdir()
    (target / "data.csv").write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    link = out / ".incomplete-20240101-000000-link"
    link.symlink_to(target, target_is_directory=True)
    old = time.time() - CLAIM_GRACE_SECONDS - 5
    os.utime(target, (old, old))
    assert main(["unfinished", str(out)]) == 0
    assert "a link, nothing to resume" in capsys.readouterr().out
    assert main(["run", small(tmp_path), *QUICK, "--resume", str(link)]) == 2
    one_line(capsys, "a link, not an unfinished results folder")
    assert main(["unfinished", str(out), "--remove"]) == 0
    assert not os.path.lexists(link)
    assert sorted(path.name for path in target.iterdir()) == ["data.csv"]
    assert not (target / LOCK_FILE).exists()


def test_an_output_path_too_long_for_the_results_is_refused_before_simulating(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(runner, "simulate_job", lambda *args: pytest.fail("simulated"))
    deep = tmp_path / "/".join(["d" * 200] * 20)  # 4,020 characters and more
    assert main(["run", small(tmp_path), *QUICK, "--out", str(deep)]) == 2
    one_line(capsys, "bytes long", "leave room for the results folder")
    assert not (tmp_path / ("d" * 200)).exists()


def test_an_output_folder_named_like_an_option_is_a_folder(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from sim import api

    monkeypatch.chdir(tmp_path)
    results = api.run(small(tmp_path), replicates=1, window=10, workers=1, out="-weird")
    assert results.folder.parent == Path("-weird") and results.summary is not None
