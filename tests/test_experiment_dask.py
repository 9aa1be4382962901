"""The Dask backend gives exactly the results of a local run (a light in-process cluster)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from sim.cli import main
from sim.experiment.evaluators import DaskEvaluator
from sim.experiment.jobs import simulate_job

distributed = pytest.importorskip("distributed")

SCENARIO = """\
name: small
hospital: {wards: 2, nurses_per_ward: 6, doctors_per_ward: 2}
run: {days: 20, burn_in: 5}
interventions:
  - name: walkrounds
    start: 5
    set: {management.walkrounds_per_month: 4}
"""
OPTIONS = ["--replicates", "3", "--window", "10", "--seed", "11", "--quiet"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as local_cluster:
        yield local_cluster


def test_dask_results_match_local(cluster, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sim.experiment.outputs.draw_all", lambda *args: [])
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SCENARIO)
    files = [str(scenario), str(scenario)]
    assert main(["compare", *files, *OPTIONS, "--workers", "1",
                 "--out", str(tmp_path / "local")]) == 0
    assert main(["compare", *files, *OPTIONS, "--dask", cluster.scheduler_address,
                 "--out", str(tmp_path / "dask")]) == 0
    local, = (tmp_path / "local").iterdir()
    remote, = (tmp_path / "dask").iterdir()
    for name in ("summary.csv", "comparison.csv"):
        assert (local / name).read_bytes() == (remote / name).read_bytes()
    with gzip.open(local / "timeseries.csv.gz") as a, gzip.open(remote / "timeseries.csv.gz") as b:
        assert a.read() == b.read()
    assert "Dask" in (remote / "manifest.json").read_text()


def test_dask_failure_is_an_outcome_not_a_crash(cluster) -> None:
    with DaskEvaluator(cluster.scheduler_address) as evaluator:
        outcomes = sorted(evaluator.evaluate(simulate_job, [({"name": 3}, 1)]),
                          key=lambda outcome: outcome.index)
    assert outcomes[0].value is None and outcomes[0].error


def test_malformed_dask_address_exits_2(tmp_path: Path, capsys) -> None:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SCENARIO)
    assert main(["run", str(scenario), "--dask", "no port here", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: --dask") and "Traceback" not in error
