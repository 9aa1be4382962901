"""Finished runs kept on disk as they finish, so that no finished run is ever lost.

An experiment's unfinished results folder holds `plan.json` (everything that decides the
results: resolved scenarios, seeds, window) and one `runs/<job>.npz` per finished run, written
under a temporary name and renamed into place, so a run file is either whole or absent.
Resuming reads the plan, refuses a command that would produce different results, and reuses
every run already on disk; since the tables are built from the same numbers in the same job
order, a resumed experiment ends byte-identical to an uninterrupted one.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import UsageError
from sim.experiment.jobs import METRIC_NAMES, Job, RunOutput

PLAN_FILE = "plan.json"
RUNS_FOLDER = "runs"
PLAN_FORMAT = 1
# Plan entries that decide the results; the rest (command, start time) only describe them.
DECISIVE = ("format", "compare", "labels", "root_seed", "replicates", "window", "metrics",
            "scenarios")


def experiment_plan(scenarios: list[Any], labels: list[str], *, compare: bool, root_seed: int,
                    replicates: int, window: int, command: list[str], started: str
                    ) -> dict[str, Any]:
    """The plan of an experiment as stored in its unfinished folder (plain JSON data)."""
    plan = {"format": PLAN_FORMAT, "compare": compare, "labels": labels,
            "root_seed": root_seed, "replicates": replicates, "window": window,
            "metrics": list(METRIC_NAMES), "scenarios": [s.to_dict() for s in scenarios],
            "command": command, "started": started}
    return json.loads(json.dumps(plan))  # as it will read back (tuples become lists)


def plan_difference(stored: dict[str, Any], wanted: dict[str, Any],
                    decisive: tuple[str, ...] = DECISIVE) -> str | None:
    """What differs between a stored plan and this command's, in words; None if nothing."""
    for key in decisive:
        if stored.get(key) == wanted.get(key):
            continue
        if key == "scenarios":
            return "the scenarios (resolved parameters or interventions) differ"
        if key == "format":
            return "the folder was written by another version of this program"
        if key == "sweep":
            return "the sweep (design, parameters, outcomes or run length) differs"
        option = {"root_seed": "--seed", "replicates": "--replicates",
                  "window": "--window", "daily": "--daily"}.get(key)
        if option:
            return f"{option} was {stored.get(key)}, now {wanted.get(key)}"
        return f"the {key.replace('_', ' ')} differ"
    return None


class RunStore:
    """The plan and the finished runs in an unfinished results folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.runs = self.folder / RUNS_FOLDER

    def write_plan(self, plan: dict[str, Any]) -> None:
        self.runs.mkdir(exist_ok=True)
        write_atomically(self.folder / PLAN_FILE,
                         json.dumps(plan, indent=1, ensure_ascii=False).encode("utf-8"))

    def read_plan(self) -> dict[str, Any]:
        try:
            plan = json.loads((self.folder / PLAN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UsageError(f"--resume {self.folder}: not a resumable experiment (no readable "
                             f"{PLAN_FILE}); remove it with `run.py unfinished --remove`") \
                from None
        if not isinstance(plan, dict):
            raise UsageError(f"--resume {self.folder}: {PLAN_FILE} is damaged")
        return plan

    def save(self, job: Job, output: RunOutput) -> None:
        """Keep one finished run (whole or not at all)."""
        handle, temporary = tempfile.mkstemp(prefix=".partial-", suffix=".npz", dir=self.runs)
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(file, days=output.days, values=output.values,
                         seconds=np.float64(output.seconds), seed=np.int64(job.seed),
                         scenario=np.int64(job.scenario), replicate=np.int64(job.replicate))
            os.replace(temporary, self.runs / f"{job.index}.npz")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def finished(self, jobs: list[Job],
                 lengths: Sequence[tuple[int, int]] | None = None) -> dict[int, RunOutput]:
        """The runs already on disk, by job index; damaged or mismatched files are ignored
        (those runs simply run again). `lengths` holds each scenario's (burn-in, days): a run
        file whose days are not exactly those is damaged too."""
        done: dict[int, RunOutput] = {}
        for job in jobs:
            expected = None if lengths is None else run_days(*lengths[job.scenario])
            output = self.load(job, expected)
            if output is not None:
                done[job.index] = output
        return done

    def load(self, job: Job, expected_days: np.ndarray | None = None) -> RunOutput | None:
        path = self.runs / f"{job.index}.npz"
        try:
            with np.load(path, allow_pickle=False) as data:
                same_job = (int(data["seed"]), int(data["scenario"]),
                            int(data["replicate"])) == (job.seed, job.scenario, job.replicate)
                output = RunOutput(data["days"], data["values"], float(data["seconds"]))
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError):
            return None
        return output if same_job and whole_run(output, expected_days) else None

    def count(self) -> int:
        """Finished runs on disk."""
        try:
            return sum(1 for path in self.runs.iterdir()
                       if path.suffix == ".npz" and path.stem.isdigit())
        except OSError:
            return 0

    def clear(self) -> None:
        """Remove the plan and run files once the results are written in full."""
        shutil.rmtree(self.runs, ignore_errors=True)
        (self.folder / PLAN_FILE).unlink(missing_ok=True)


def run_days(burn_in: int, days: int) -> np.ndarray:
    """The scenario days of a run's daily table: burn-in days count up to 0, then 1..days."""
    return np.arange(1 - burn_in, days + 1, dtype=np.int64)


def whole_run(output: RunOutput, expected_days: np.ndarray | None = None) -> bool:
    """True if a run read back from disk has the shape of a real run: consecutive days, one
    row of every metric per day, and (if known) exactly the expected days."""
    days, values = output.days, output.values
    if days.ndim != 1 or not np.issubdtype(days.dtype, np.integer):
        return False
    if values.ndim != 2 or values.shape != (len(days), len(METRIC_NAMES)):
        return False
    if not np.issubdtype(values.dtype, np.floating) or not math.isfinite(output.seconds):
        return False
    if expected_days is not None and not np.array_equal(days, expected_days):
        return False
    return len(days) > 0 and bool(np.all(np.diff(days) == 1))


def write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".partial-{path.name}")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
