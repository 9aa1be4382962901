"""No stop, crash or lost worker publishes partial results or leaves processes behind.

Signals are sent to a real command in a session of its own, so that every process it started
(the fork server, the resource tracker, the workers, the page server) can be found afterwards
by its session; a pool worker is killed as the system kills one when memory runs out. Runs are
small hospitals; every wait is bounded and generous, and no test asserts on how long anything
took.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SMALL = """\
name: small
hospital: {wards: 2}
run: {days: 40, burn_in: 10}
"""
# Generous: the other core may be busy with another test run.
WAIT_SECONDS = 120
GONE_SECONDS = 30

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="finds processes through /proc")


def session_processes(session: int) -> list[int]:
    """Processes of a session, alive or not yet reaped."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == session:
                    found.append(int(entry))
            except OSError:
                continue
    return found


def wait_until_gone(session: int) -> list[int]:
    """The session's processes left after a bounded wait ([] as soon as there are none)."""
    deadline = time.monotonic() + GONE_SECONDS
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def wait_for(condition, what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        time.sleep(0.1)


def unfinished(out: Path) -> list[Path]:
    return sorted(out.glob(".incomplete-*")) if out.exists() else []


def published(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if not p.name.startswith(".")) if out.exists() \
        else []


def start_compare(tmp_path: Path, *options: str) -> tuple[subprocess.Popen, Path, Path]:
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    out, log = tmp_path / "out", tmp_path / "stderr.txt"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), "compare", str(scenario), str(scenario),
             "--replicates", "3", "--window", "30", "--quiet", "--out", str(out), *options],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
    return process, out, log


def stop(process: subprocess.Popen) -> None:
    """Clean up after a failed test: nothing of the command may outlive it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminate_or_hang_up_signal_stops_like_ctrl_c_and_leaves_nothing_running(
        number: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    process, out, log = start_compare(tmp_path, "--workers", "2")
    try:
        wait_for(lambda: list(out.glob(".incomplete-*/runs/*.npz")), "a first finished run")
        process.send_signal(number)
        process.wait(timeout=WAIT_SECONDS)
    finally:
        stop(process)
    assert process.returncode == 128 + number
    error = log.read_text()
    folder, = unfinished(out)
    assert f"stopped by {signal.Signals(number).name}" in error
    assert f"--resume {folder}" in error and "Traceback" not in error
    assert published(out) == []
    assert wait_until_gone(process.pid) == []  # workers, fork server, resource tracker
    if number != signal.SIGTERM:
        return
    # The runs kept are finished by the hint's command.
    monkeypatch.setattr("sim.experiment.outputs.draw_all", lambda *args: [])
    assert main(["compare", str(tmp_path / "small.yaml"), str(tmp_path / "small.yaml"),
                 "--replicates", "3", "--window", "30", "--quiet", "--workers", "1",
                 "--resume", str(folder)]) == 0
    assert len(published(out)) == 1 and unfinished(out) == []


def test_a_killed_command_takes_its_workers_with_it(tmp_path: Path) -> None:
    process, out, _ = start_compare(tmp_path, "--workers", "2")
    try:
        wait_for(lambda: list(out.glob(".incomplete-*/runs/*.npz")), "a first finished run")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=WAIT_SECONDS)
    finally:
        stop(process)
    assert wait_until_gone(process.pid) == []
    assert published(out) == [] and len(unfinished(out)) == 1


def test_a_killed_page_command_takes_the_page_server_with_it(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "app", "--port",
                                str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)

    def listening() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    try:
        wait_for(lambda: listening() or process.poll() is not None, "the page server")
        assert process.poll() is None, "the page command ended before serving"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=WAIT_SECONDS)
    finally:
        stop(process)
    assert wait_until_gone(process.pid) == []
    assert not listening()


# --- a killed pool worker -----------------------------------------------------------------------

@pytest.fixture
def kill_a_worker_at_the_first_kept_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kill one process of the pool (as the system does when memory runs out) as soon as the
    first run is kept, and wait until the pool knows it is broken."""
    from sim.cli.experiment_session import Session
    from sim.experiment.evaluators import ProcessPoolEvaluator

    pools: list[ProcessPoolEvaluator] = []
    real_open, real_keep = ProcessPoolEvaluator.open, Session.keep

    def open_pool(evaluator: ProcessPoolEvaluator) -> None:
        real_open(evaluator)
        pools.append(evaluator)

    def keep(session: Session, job: object, output: object) -> None:
        real_keep(session, job, output)
        executor = pools[0].executor
        if getattr(executor, "_broken", False):
            return
        os.kill(next(iter(executor._processes)), signal.SIGKILL)  # type: ignore[attr-defined]
        wait_for(lambda: getattr(executor, "_broken", False), "the pool noticing")

    monkeypatch.setattr(ProcessPoolEvaluator, "open", open_pool)
    monkeypatch.setattr(Session, "keep", keep)


SWEEP = """\
name: small sweep
base: small.yaml
design: {method: grid, levels: 4}
parameters:
  management.punitiveness: {low: 0.2, high: 0.8}
outcomes: [adverse_events]
replicates: 2
window: 30
"""


@pytest.mark.usefixtures("kill_a_worker_at_the_first_kept_run")
@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_a_killed_pool_worker_publishes_nothing_and_the_runs_resume(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.experiment.outputs.draw_all", lambda *args: [])
    monkeypatch.setattr("sim.sweep.outputs.phase_diagrams", lambda *args: [])
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL)
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    argv = {"compare": ["compare", str(scenario), str(scenario), "--replicates", "4",
                        "--window", "30"],
            "sweep": ["sweep", str(tmp_path / "sweep.yaml")]}[command]
    out = tmp_path / "out"
    assert main([*argv, "--quiet", "--workers", "2", "--out", str(out)]) == 1
    error = capsys.readouterr().err
    folder, = unfinished(out)
    assert published(out) == []
    assert error.startswith("error: a worker process was killed") and error.count("\n") == 1
    assert "nothing was published" in error and f"--resume {folder}" in error
    # The hint's command finishes the work.
    assert main([*argv, "--quiet", "--workers", "1", "--resume", str(folder)]) == 0
    assert len(published(out)) == 1 and unfinished(out) == []
