"""A Dask cluster lost mid-run stops the command like a full disk: one line with the resume
command, exit 1, nothing published; the runs kept finish locally with --resume.

The cluster is a light one in this process on 127.0.0.1; its scheduler is closed, or its only
worker, as soon as the first run is kept.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from sim.cli import main
from sim.cli.experiment_session import Session

distributed = pytest.importorskip("distributed")

SMALL = """\
name: small
hospital: {wards: 2}
run: {days: 30, burn_in: 5}
"""
OPTIONS = ["--replicates", "3", "--window", "20", "--quiet"]


@pytest.mark.parametrize("lost, expected", [
    ("scheduler", "was lost"),
    ("workers", "has had no workers for 2 s"),
])
def test_a_lost_cluster_publishes_nothing_and_the_runs_resume_locally(
        lost: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sim.experiment.evaluators.DASK_TIMEOUT_SECONDS", 2.0)
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    files, out = [str(scenario), str(scenario)], tmp_path / "out"
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                       host="127.0.0.1", protocol="tcp",
                                       dashboard_address=None)
    try:
        real_keep, kept = Session.keep, []

        def keep(session: Session, job: object, output: object) -> None:
            real_keep(session, job, output)
            if not kept:
                kept.append(job)
                if lost == "scheduler":
                    cluster.sync(cluster.scheduler.close)
                else:
                    for worker in list(cluster.workers.values()):
                        cluster.sync(worker.close)

        monkeypatch.setattr(Session, "keep", keep)
        code = main(["compare", *files, *OPTIONS, "--dask", cluster.scheduler_address,
                     "--out", str(out)])
    finally:
        with contextlib.suppress(Exception):  # what is left of it: nothing to wait for
            cluster.close(timeout=2)
    assert code == 1
    error = capsys.readouterr().err
    folder, = out.glob(".incomplete-*")
    assert error.startswith("error: the Dask ") and expected in error, error
    assert error.count("\n") == 1 and "Traceback" not in error, error
    assert f"--resume {folder}" in error and "nothing was published" in error
    assert [path for path in out.iterdir() if not path.name.startswith(".")] == []
    assert main(["compare", *files, *OPTIONS, "--workers", "1", "--resume", str(folder)]) == 0
    assert not list(out.glob(".incomplete-*"))
