"""Nothing a user types loses finished work.

A battery of the ways a careless or hurried user (or a full disk, or a killed process) can
break a command: every bad input is refused with exit code 2 and one line before the first
simulated day; every finished run survives an interruption and is finished with `--resume`;
concurrent commands never collide; names of any script are safe in figures and file names.
Runs are tiny hospitals, so the whole battery takes well under a minute.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.cli import main
from sim.cli.results_folder import CLAIM_GRACE_SECONDS, LOCK_FILE, UnfinishedFolder
from sim.experiment import runner
from sim.naming import safe_name

ROOT = Path(__file__).resolve().parents[1]
TINY = """\
name: {name}
hospital: {{wards: 1, beds_per_ward: 10, nurses_per_ward: 6, doctors_per_ward: 2,
           executives: 1}}
run: {{days: 20, burn_in: 5}}
"""
QUICK = ["--replicates", "3", "--window", "10", "--workers", "1", "--quiet"]


def tiny(folder: Path, name: str = "tiny", extra: str = "") -> Path:
    path = folder / f"{safe_name(name)}.yaml"
    path.write_text(TINY.format(name=json.dumps(name, ensure_ascii=False)) + extra,
                    encoding="utf-8")
    return path


def finished_folders(parent: Path) -> list[Path]:
    return sorted(p for p in parent.iterdir() if not p.name.startswith(".")) \
        if parent.exists() else []


def unfinished_folders(parent: Path) -> list[Path]:
    return sorted(parent.glob(".incomplete-*")) if parent.exists() else []


def one_clear_line(capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    error = capsys.readouterr().err
    assert error.startswith("error: "), error
    assert "Traceback" not in error and error.count("\n") == 1, error
    for text in expected:
        assert text in error, error
    return error


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any hospital is simulated."""
    def forbidden(*args: object) -> None:
        raise AssertionError("a run started before the input was checked")

    monkeypatch.setattr(runner, "simulate_job", forbidden)
    monkeypatch.setattr("sim.core.model.HospitalModel.run", forbidden)


@pytest.fixture
def no_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.experiment.outputs.draw_all", lambda *args: [])


# --- 1. the output folder is checked before the first simulated day ---------------------------

@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("command", ["run", "simulate", "animate"])
@pytest.mark.parametrize("out", ["a_file", "/dev/null", "a_file/sub"])
def test_an_unusable_output_folder_is_refused_before_simulating(
        command: str, out: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a_file").write_text("not a folder")
    argv = {"run": ["run", str(tiny(tmp_path)), *QUICK], "simulate": ["simulate"],
            "animate": ["animate", str(tiny(tmp_path))]}[command]
    assert main([*argv, "--out", out]) == 2
    one_clear_line(capsys, f"--out {out}", "a file, not a folder")
    assert Path("a_file").read_text() == "not a folder"


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("out", ["locked", "locked/new", None])
def test_an_unwritable_output_folder_is_refused_before_simulating(
        out: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    locked = Path("outputs" if out is None else "locked")
    locked.mkdir()
    real_access = os.access
    # chmod does not stop root, so the permission answer is given directly where needed.
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == locked
                        else real_access(path, mode))
    assert main(["run", str(tiny(tmp_path)), *QUICK, *(["--out", out] if out else [])]) == 2
    one_clear_line(capsys, "permission denied")
    assert list(locked.iterdir()) == []


# --- 2. finished runs are never lost ---------------------------------------------------------

def interrupt_after(monkeypatch: pytest.MonkeyPatch, runs: int) -> None:
    real, calls = runner.simulate_job, []

    def simulate(*args: object):
        calls.append(args)
        if len(calls) > runs:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(runner, "simulate_job", simulate)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file's bytes; manifest and report without the lines that time the command."""
    contents = {}
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.name == "manifest.json":
            manifest = json.loads(data)
            for key in ("argv", "wall_seconds", "runs_resumed", "started", "runs"):
                manifest.pop(key)
            data = json.dumps(manifest).encode()
        elif path.name == "report.html":
            text = data.decode()
            start = text.index("Ran on:")
            data = (text[:start] + text[text.index("Full details", start):]).encode()
        contents[path.name] = data
    return contents


def test_interrupted_runs_are_kept_and_resume_ends_identical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(tiny(tmp_path, "reference")), str(tiny(tmp_path, "budget $5m vs $10m",
                                                       "management: {punitiveness: 0.2}\n"))]
    command = ["compare", *files, *QUICK, "--seed", "4"]
    assert main([*command, "--out", str(tmp_path / "whole")]) == 0
    whole, = finished_folders(tmp_path / "whole")

    with monkeypatch.context() as patch:
        interrupt_after(patch, 4)
        assert main([*command, "--out", str(tmp_path / "parts")]) == 130
    unfinished, = unfinished_folders(tmp_path / "parts")
    assert finished_folders(tmp_path / "parts") == []
    assert len(list((unfinished / "runs").glob("*.npz"))) == 4
    assert f"--resume {unfinished}" in capsys.readouterr().err

    started = []
    monkeypatch.setattr(runner, "simulate_job",
                        lambda *args: started.append(args) or real_simulate(*args))
    assert main([*command, "--resume", str(unfinished)]) == 0
    assert len(started) == 2  # only the runs that had not finished
    resumed, = finished_folders(tmp_path / "parts")
    assert unfinished_folders(tmp_path / "parts") == []
    assert files_of(resumed) == files_of(whole)
    with gzip.open(resumed / "timeseries.csv.gz") as a, gzip.open(whole / "timeseries.csv.gz") as b:
        assert a.read() == b.read()
    assert json.loads((resumed / "manifest.json").read_text())["runs_resumed"] == 4


def real_simulate(*args: object):
    from sim.experiment.jobs import simulate_job

    return simulate_job(*args)


@pytest.mark.usefixtures("no_figures")
def test_resume_refuses_a_different_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    scenario = str(tiny(tmp_path))
    with monkeypatch.context() as patch:
        interrupt_after(patch, 1)
        assert main(["run", scenario, *QUICK, "--out", str(tmp_path / "out")]) == 130
    unfinished, = unfinished_folders(tmp_path / "out")
    capsys.readouterr()
    assert main(["run", scenario, *QUICK, "--seed", "9", "--resume", str(unfinished)]) == 2
    one_clear_line(capsys, "--seed was 1, now 9", "it was started by: run.py run")
    assert main(["run", scenario, *QUICK, "--set", "management.punitiveness=0.1",
                 "--resume", str(unfinished)]) == 2
    one_clear_line(capsys, "scenarios")
    with UnfinishedFolder.reopen(unfinished):  # another command is finishing it
        assert main(["run", scenario, *QUICK, "--resume", str(unfinished)]) == 2
    one_clear_line(capsys, "in use by a command that is still running")
    assert main(["run", scenario, *QUICK, "--resume", str(tmp_path / "nowhere")]) == 2
    one_clear_line(capsys, "no such unfinished results folder")
    # The name the results will have is understood too.
    finished_name = unfinished.name.removeprefix(".incomplete-")
    assert main(["run", scenario, *QUICK, "--resume", str(tmp_path / "out" / finished_name)]) == 0


def test_a_full_disk_keeps_the_finished_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from sim.experiment.run_store import RunStore

    real_save, saved = RunStore.save, []

    def save(store: RunStore, job: object, output: object) -> None:
        if len(saved) == 2:
            raise OSError(28, "No space left on device")
        saved.append(job)
        real_save(store, job, output)

    monkeypatch.setattr(RunStore, "save", save)
    assert main(["run", str(tiny(tmp_path)), *QUICK, "--out", str(tmp_path / "out")]) == 1
    unfinished, = unfinished_folders(tmp_path / "out")
    one_clear_line(capsys, "No space left on device", "the 2 runs finished so far are kept",
                   f"--resume {unfinished}")


def test_a_failure_while_drawing_keeps_the_tables(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    scenario = str(tiny(tmp_path))
    with monkeypatch.context() as patch:
        patch.setattr("sim.experiment.outputs.draw_all", broken)
        assert main(["run", scenario, *QUICK, "--out", str(tmp_path / "out")]) == 1
    unfinished, = unfinished_folders(tmp_path / "out")
    error = one_clear_line(capsys, "drawing the figures", f"tables are written in {unfinished}",
                           "error.log", "--resume")
    assert (unfinished / "summary.csv").exists() and (unfinished / "error.log").exists()
    assert "Traceback" in (unfinished / "error.log").read_text() and "Traceback" not in error
    # Space freed: the same command with --resume draws, writes the report and publishes.
    monkeypatch.setattr("sim.experiment.outputs.draw_all", lambda *args: [])
    assert main(["run", scenario, *QUICK, "--resume", str(unfinished)]) == 0
    published, = finished_folders(tmp_path / "out")
    names = {path.name for path in published.iterdir()}
    assert {"summary.csv", "report.html"} <= names
    assert not names & {"runs", "plan.json", "error.log", LOCK_FILE}


def age(path: Path) -> None:
    old = time.time() - CLAIM_GRACE_SECONDS - 5
    for item in (path, path / LOCK_FILE):
        if item.exists():
            os.utime(item, (old, old))


def test_a_killed_command_leaves_runs_that_are_listed_resumed_or_removed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = str(tiny(tmp_path))
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "run.py"), "run", scenario, "--replicates", "40",
               "--window", "10", "--workers", "1", "--quiet", "--out", str(out)]
    process = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not list(out.glob(".incomplete-*/runs/*.npz")) and time.time() < deadline:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    unfinished, = unfinished_folders(out)
    age(unfinished)
    assert main(["unfinished", str(out)]) == 0
    listing = capsys.readouterr().out
    assert str(unfinished) in listing and "of 40 runs done" in listing
    assert main(["run", scenario, *QUICK[:-1], "--out", str(out)]) == 0
    assert f"note: {out} holds 1 unfinished results item" in capsys.readouterr().err
    assert main(["unfinished", str(out), "--remove"]) == 0
    assert unfinished_folders(out) == [] and len(finished_folders(out)) == 1


def test_stale_unfinished_results_are_reported(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / ".incomplete-20240101-000000-old"
    stale.mkdir()
    (tmp_path / ".incomplete-20240101-000000-old.gif").write_bytes(b"GIF")
    age(stale)
    age(tmp_path / ".incomplete-20240101-000000-old.gif")
    with UnfinishedFolder.claim(tmp_path, "busy"):  # in use: never reported or removed
        age(next(tmp_path.glob("*busy")))
        assert main(["run", str(tiny(tmp_path)), *QUICK[:-1], "--out", str(tmp_path)]) == 0
        assert "holds 2 unfinished results items" in capsys.readouterr().err
        assert main(["unfinished", str(tmp_path), "--remove"]) == 0
        assert [p.name.split("-")[-1] for p in unfinished_folders(tmp_path)] == ["busy"]


# --- 3. concurrent commands -------------------------------------------------------------------

def test_claims_with_the_same_name_get_different_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.cli.results_folder.timestamped_name",
                        lambda label, number=1: "same" + (f"-{number}" if number > 1 else ""))
    first = UnfinishedFolder.claim(tmp_path, "x")
    second = UnfinishedFolder.claim(tmp_path, "x")
    assert (first.path.name, second.path.name) == (".incomplete-same", ".incomplete-same-2")
    (first.path / "a").write_text("first")
    (second.path / "a").write_text("second")
    # Another command publishes `same` between our check and our rename: we take the next.
    real_rename, raced = os.rename, []

    def rename(source: Path, destination: Path) -> None:
        if not raced:
            raced.append(destination)
            Path(destination).mkdir()
            (Path(destination) / "a").write_text("other")
        real_rename(source, destination)

    monkeypatch.setattr(os, "rename", rename)
    assert first.publish().name == "same-2"
    assert second.publish().name == "same-2-2"  # its own name was taken meanwhile
    assert {p.name: (p / "a").read_text() for p in finished_folders(tmp_path)} == {
        "same": "other", "same-2": "first", "same-2-2": "second"}
    first.release()
    second.release()


def test_three_commands_writing_to_one_folder_at_once_all_succeed(tmp_path: Path) -> None:
    scenario = tiny(tmp_path)
    # Each process is forced onto the same folder name, as when started in the same second.
    code = ("import sys; import sim.cli.results_folder as r, sim.experiment.outputs as o; "
            "r.timestamped_name = lambda label, number=1: 'same' + "
            "(f'-{number}' if number > 1 else ''); o.draw_all = lambda *a: []; "
            "from sim.cli import main; sys.exit(main(sys.argv[1:]))")
    processes = [subprocess.Popen([sys.executable, "-c", code, "run", str(scenario), *QUICK,
                                   "--out", str(tmp_path / "out")], cwd=ROOT,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(process.wait(timeout=60), process.stderr.read()) for process in processes]
    for process in processes:
        process.stderr.close()
    assert [code for code, _ in results] == [0, 0, 0], results
    assert [p.name for p in finished_folders(tmp_path / "out")] == ["same", "same-2", "same-3"]
    assert unfinished_folders(tmp_path / "out") == []


# --- names: any script, safe in figures and file names -----------------------------------------

def test_names_with_dollars_and_long_scripts_are_drawn_and_stored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bold = "\U0001d400" * 60  # 240 bytes in UTF-8
    files = [tiny(tmp_path, "cut $\\frac{1}$ now", "interventions:\n  - name: cut $\\frac{1}$\n"
                  "    start: 5\n    set: {management.punitiveness: 0.2}\n"),
             tiny(tmp_path, "budget $5m vs $10m"), tiny(tmp_path, bold)]
    assert main(["compare", *map(str, files), *QUICK, "--replicates", "2",
                 "--out", str(tmp_path / "out")]) == 0
    folder, = finished_folders(tmp_path / "out")
    assert all(len(path.name.encode()) <= 255 for path in [folder, *folder.iterdir()])
    assert "budget $5m vs $10m" in (folder / "dashboard.svg").read_text()
    assert "cut $\\frac{1}$ now" in (folder / "timeseries-reporting_rate.svg").read_text()
    assert "Glyph" not in capsys.readouterr().err


def test_animation_of_a_scenario_named_like_a_formula(tmp_path: Path) -> None:
    scenario = tiny(tmp_path, "cut $\\frac{1}$ now " + "\U0001d400" * 60)
    assert main(["animate", str(scenario), "--every", "25", "--set", "run.days=5",
                 "--out", str(tmp_path / "gif")]) == 0
    made, = (tmp_path / "gif").glob("*.gif")
    assert len(made.name.encode()) <= 255


@pytest.mark.parametrize("name, problem", [
    ('"a\\0b"', "U+0000"), ('"a\\ud800b"', "U+D800"), ('"line\\nbreak"', "line break")])
def test_names_no_file_or_figure_can_hold_are_refused(
        name: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.yaml").write_text(f"name: {name}\n")
    assert main(["validate", str(tmp_path / "x.yaml")]) == 2
    one_clear_line(capsys, "name:", problem)


# --- ranges of numbers ----------------------------------------------------------------------

@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("argv, expected", [
    (["run", "{tiny}", "--replicates", "100000000"], "--replicates: expected a whole number "
                                                     "from 1 to 10,000"),
    (["run", "{tiny}", "--replicates", "5000", "--days", "3000"], "run-days"),
    (["run", "{tiny}", "--seed", "-1"], "--seed"),
    (["run", "{tiny}", "--seed", str(2**64)], "--seed"),
    (["run", "{tiny}", "--workers", "100000"], "--workers"),
    (["simulate", "--seed", "-1"], "--seed: expected a whole number from 0"),
    (["animate", "{tiny}", "--seed", "-5"], "--seed: expected a whole number from 0"),
    (["animate", "{tiny}", "--fps", "0"], "--fps"),
])
def test_numbers_out_of_range_are_refused_at_once(
        argv: list[str], expected: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    argv = [item.format(tiny=tiny(tmp_path)) for item in argv]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    one_clear_line(capsys, expected)
    assert not (tmp_path / "out").exists()


# --- the Dask address --------------------------------------------------------------------------

@pytest.fixture
def listener(request: pytest.FixtureRequest) -> Iterator[int]:
    """A local TCP server that is not Dask: silent, or answering in another protocol."""
    server = socket.create_server(("127.0.0.1", 0))
    connections: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            connections.append(connection)
            if request.param == "http":
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 9)

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for connection in connections:
        connection.close()


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("listener", ["silent", "http"], indirect=True)
def test_a_listener_that_is_not_dask_is_refused_within_the_timeout(
        listener: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sim.experiment.evaluators.DASK_TIMEOUT_SECONDS", 1.0)
    assert main(["run", str(tiny(tmp_path)), *QUICK, "--dask", f"tcp://127.0.0.1:{listener}",
                 "--out", str(tmp_path / "out")]) == 2
    one_clear_line(capsys, f"--dask tcp://127.0.0.1:{listener}")
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("no_simulation")
@pytest.mark.parametrize("address, expected", [
    ("foo://127.0.0.1:8786", "--dask expects a scheduler address"),
    ("tcp://127.0.0.1:{closed}", "no Dask scheduler answered within 1 s"),
])
def test_bad_dask_addresses_are_refused_quickly(
        address: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sim.experiment.evaluators.DASK_TIMEOUT_SECONDS", 1.0)
    with socket.create_server(("127.0.0.1", 0)) as probe:
        closed = probe.getsockname()[1]
    assert main(["run", str(tiny(tmp_path)), *QUICK, "--dask", address.format(closed=closed),
                 "--out", str(tmp_path / "out")]) == 2
    one_clear_line(capsys, expected)


def test_a_real_scheduler_answers_the_check() -> None:
    distributed = pytest.importorskip("distributed")
    from sim.experiment.evaluators import check_scheduler_answers

    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        check_scheduler_answers(cluster.scheduler_address, 5.0)


# --- overlapping interventions on one parameter ----------------------------------------------

def values_on(scenario_text: str, tmp_path: Path, days: list[int],
              key: str = "management.punitiveness") -> list[float]:
    from sim.scenario import load_scenario
    from sim.scenario.runtime import build_model

    path = tmp_path / "overlap.yaml"
    path.write_text(TINY.format(name="overlap").replace("days: 20", "days: 40") + scenario_text)
    model = build_model(load_scenario(path), seed=1, storytelling=False)
    values = []
    for day in days:
        model.run_until(model.model_time(day))
        values.append(model.config.get(key))
    return values


def test_overlapping_changes_stack_and_each_end_restores_the_value_without_it(
        tmp_path: Path) -> None:
    # The case from the issue: a (days 2-20, 0.1) and b (days 10-25, 0.9) over a base of 0.5.
    text = """\
management: {punitiveness: 0.5}
interventions:
  - {name: a, start: 2, end: 20, set: {management.punitiveness: 0.1}}
  - {name: b, start: 10, end: 25, set: {management.punitiveness: 0.9}}
"""
    assert values_on(text, tmp_path, [1, 2, 9, 12, 20, 21, 24, 25, 26, 40]) == [
        0.5, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5, 0.5]
    # Ending in the other order: the earlier one is back when the later one ends.
    text = text.replace("end: 20", "end: 30").replace("end: 25", "end: 15")
    assert values_on(text, tmp_path, [9, 12, 15, 29, 30]) == [0.1, 0.9, 0.1, 0.1, 0.5]


def test_same_day_starts_follow_the_listed_order_and_ramps_lay_over_the_value_below(
        tmp_path: Path) -> None:
    text = """\
management: {punitiveness: 0.5}
interventions:
  - {name: first, start: 5, set: {management.punitiveness: 0.2}}
  - {name: second, start: 5, end: 10, set: {management.punitiveness: 0.8}}
  - {name: slow, start: 20, end: 30, ramp: 4, set: {management.punitiveness: 0.6}}
"""
    values = values_on(text, tmp_path, [5, 10, 20, 21, 23, 29, 30])
    assert values == pytest.approx([0.8, 0.2, 0.3, 0.4, 0.6, 0.6, 0.2])


# --- smaller cases ------------------------------------------------------------------------------

@pytest.mark.usefixtures("no_figures")
def test_set_is_one_repeatable_option_everywhere(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    scenario = str(tiny(tmp_path))
    sets = ["--set", "management.punitiveness=0.2", "--set", "hospital.attendance=0.8"]
    assert main(["validate", *sets, scenario, "--resolved"]) == 0
    resolved = capsys.readouterr().out
    assert "punitiveness: 0.2" in resolved and "attendance: 0.8" in resolved
    # An option before the file no longer swallows it.
    assert main(["run", *sets, scenario, *QUICK, "--out", str(tmp_path / "out")]) == 0
    folder, = finished_folders(tmp_path / "out")
    resolved = json.loads((folder / "manifest.json").read_text())["scenarios"][0]["resolved"]
    assert resolved["management"]["punitiveness"] == 0.2
    assert resolved["hospital"]["attendance"] == 0.8


@pytest.mark.parametrize("extends, expected", [
    ("/etc/passwd", "an absolute path is not allowed"),
    ("../../../../../../etc/passwd", "is outside the scenario's folder"),
    ("../outside.yaml", "is outside the scenario's folder"),
    ("link.yaml", "is outside the scenario's folder"),
    ("notes.txt", "is not a scenario file"),
])
def test_extends_stays_in_the_scenario_folder_or_the_library(
        extends: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (tmp_path / "outside.yaml").write_text("secret: the content of another file\n")
    (own / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    (own / "notes.txt").write_text("secret: not a scenario\n")
    (own / "child.yaml").write_text(f"extends: {json.dumps(extends)}\n")
    assert main(["validate", str(own / "child.yaml")]) == 2
    error = one_clear_line(capsys, "child.yaml: extends:", expected)
    assert "secret" not in error and "root:" not in error


def test_bundled_scenarios_can_be_extended_by_name(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.yaml").write_text("extends: just_culture\nmanagement: {punitiveness: 0.3}\n")
    assert main(["validate", str(tmp_path / "mine.yaml")]) == 0


def test_not_a_scenario_file_is_not_echoed(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    assert main(["validate", str(tmp_path / "passwd")]) == 2
    assert "root:x" not in one_clear_line(capsys, "expected a mapping")


def test_the_app_on_a_busy_port_says_so_before_serving(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.cli.app.ensure_page_assets", lambda *a: pytest.fail("served"))
    with socket.create_server(("127.0.0.1", 0)) as busy:
        assert main(["app", "--port", str(busy.getsockname()[1])]) == 2
    captured = capsys.readouterr()
    assert "Serving" not in captured.out
    assert "already in use" in captured.err and captured.err.count("\n") == 1


def test_an_internal_error_is_one_line_with_a_log(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def bug(*args: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("sim.cli.validate.validate_files", bug)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    assert main(["validate"]) == 1
    error = one_clear_line(capsys, "internal error (ZeroDivisionError: a bug)", "details in")
    log = Path(error.split("details in ")[1].strip())
    assert log.parent == tmp_path and "Traceback" in log.read_text()


def test_ctrl_c_while_starting_is_quiet(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "validate"], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)  # still importing the model's libraries
    process.send_signal(signal.SIGINT)
    _, error = process.communicate(timeout=30)
    # 0 only if it finished first; on a busy machine the signal can come before the interpreter
    # has set up its own handling, and the default action ends the process as quietly.
    assert process.returncode in (0, 130, -signal.SIGINT), error
    assert "Traceback" not in error


def test_the_package_declares_its_licence_as_an_spdx_string() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"  # the table form warns on every install
    assert "setuptools>=77" in project["build-system"]["requires"]
