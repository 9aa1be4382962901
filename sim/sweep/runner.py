"""Running a sweep's points: the worker function and the chunked store of finished runs.

A worker simulates one point with one replicate seed and sends back only the run's window
summary (the outcomes, as `compare` summarises a run), or its daily metrics too with --daily:
two thousand daily tables would not fit in memory. Finished runs are written in chunks, each
whole or absent, so an interrupted sweep resumes from the last chunk on disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import UsageError
from sim.experiment.jobs import METRIC_NAMES, Job, simulate_job
from sim.experiment.run_store import RunStore, run_days, write_atomically
from sim.experiment.tables import window_summary
from sim.sweep.design import Design
from sim.sweep.spec import Sweep

PLAN_FORMAT = 1
CHUNK_PREFIX = "chunk-"
# A chunk is written after this many runs or seconds, whichever comes first: few files for a
# long sweep, and little lost work (under a minute) when one is interrupted.
CHUNK_RUNS = 25
CHUNK_SECONDS = 60.0


@dataclass(frozen=True)
class RunSummary:
    """One run as the sweep keeps it: its outcomes over the window, and optionally its days."""

    outcomes: np.ndarray  # float, in the sweep's outcome order
    seconds: float
    days: np.ndarray | None = None  # int, shape (days,), with --daily
    daily: np.ndarray | None = None  # float, shape (days, metrics), with --daily


def summarise_job(document: dict[str, Any], seed: int, window: int, outcomes: tuple[str, ...],
                  daily: bool) -> RunSummary:
    """Run one point with one seed; top-level and plain data in and out, for any backend."""
    output = simulate_job(document, seed)
    summary = window_summary(output, document["run"]["days"], window)
    return RunSummary(np.array([summary[name] for name in outcomes], dtype=np.float64),
                      output.seconds, output.days if daily else None,
                      output.values if daily else None)


def document_with(template: dict[str, Any],
                  values: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """A copy of a resolved scenario document with `values` ("group.name", value) set in
    order; the template is left as it was."""
    document = {key: (dict(value) if isinstance(value, dict) else value)
                for key, value in template.items()}
    for key, value in values:
        group, name = key.split(".", 1)
        document[group][name] = value
    return document


def point_documents(sweep: Sweep, design: Design) -> list[dict[str, Any]]:
    """The resolved scenario of every point: the base with the point's values."""
    base = sweep.base.to_dict()
    return [document_with(base, design.overrides(point)) for point in range(len(design.points))]


def points_digest(design: Design) -> str:
    """A fingerprint of the points, so a resumed sweep refuses a design drawn differently."""
    return hashlib.sha256(np.ascontiguousarray(design.points).tobytes()).hexdigest()


def sweep_plan(sweep: Sweep, design: Design, *, daily: bool, command: list[str],
               started: str) -> dict[str, Any]:
    """What decides a sweep's results (checked on --resume), and what describes them."""

    plan = {"format": PLAN_FORMAT, "kind": "sweep", "compare": False, "labels": [sweep.name],
            "root_seed": sweep.seed, "replicates": sweep.replicates, "window": sweep.window,
            "metrics": list(sweep.outcomes), "scenarios": [sweep.base.to_dict()],
            "sweep": sweep.to_dict(), "points": points_digest(design), "daily": daily,
            "runs": len(design.points) * sweep.replicates, "command": command,
            "started": started}
    return json.loads(json.dumps(plan))  # as it will read back


class SweepStore(RunStore):
    """The plan and the finished runs of a sweep, in chunk files under `runs/`."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.waiting: list[tuple[Job, RunSummary]] = []
        self.last_write = time.monotonic()

    def save(self, job: Job, output: RunSummary) -> None:  # type: ignore[override]
        self.waiting.append((job, output))
        if (len(self.waiting) >= CHUNK_RUNS
                or time.monotonic() - self.last_write >= CHUNK_SECONDS):
            self.flush()

    def flush(self) -> None:
        """Write the runs not yet on disk as one chunk (whole or not at all)."""
        if not self.waiting:
            return
        jobs = [job for job, _ in self.waiting]
        outputs = [output for _, output in self.waiting]
        arrays = {"run": np.array([job.index for job in jobs], dtype=np.int64),
                  "seed": np.array([job.seed for job in jobs], dtype=np.int64),
                  "seconds": np.array([output.seconds for output in outputs]),
                  "outcomes": np.vstack([output.outcomes for output in outputs])}
        if outputs[0].daily is not None:
            arrays["days"] = outputs[0].days
            arrays["daily"] = np.stack([output.daily for output in outputs])
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        # Named by its first run: a run is in one chunk only, so names never collide.
        write_atomically(self.runs / f"{CHUNK_PREFIX}{min(arrays['run']):07d}.npz",
                         buffer.getvalue())
        self.waiting = []
        self.last_write = time.monotonic()

    def finished(self, jobs: list[Job],  # type: ignore[override]
                 lengths: Sequence[tuple[int, int]] | None = None) -> dict[int, RunSummary]:
        """Runs already on disk, by run index; damaged chunks (of any shape but a sweep's)
        and runs that do not match their job are ignored (they simply run again)."""
        names = self.plan_outcomes()
        outcomes = None if names is None else len(names)
        days = None if not lengths else run_days(*lengths[0])
        done: dict[int, RunSummary] = {}
        for path in sorted(self.runs.glob(f"{CHUNK_PREFIX}*.npz")):
            for index, summary in read_chunk(path, jobs, outcomes, days):
                done[index] = summary
        return done

    def plan_outcomes(self) -> list[str] | None:
        """The outcomes the plan on disk names (the columns of every chunk), if readable."""
        try:
            outcomes = self.read_plan().get("metrics")
        except UsageError:
            return None
        return outcomes if isinstance(outcomes, list) else None

    def count(self) -> int:
        done = 0
        for path in self.runs.glob(f"{CHUNK_PREFIX}*.npz"):
            try:
                with np.load(path, allow_pickle=False) as data:
                    done += len(data["run"])
            except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
                continue
        return done + len(self.waiting)


def whole_chunk(runs: np.ndarray, seeds: np.ndarray, seconds: np.ndarray,
                outcomes: np.ndarray, days: np.ndarray | None, daily: np.ndarray | None,
                outcome_count: int | None, expected_days: np.ndarray | None) -> bool:
    """True if a chunk's arrays have the shapes and kinds `SweepStore.flush` writes."""
    count = len(runs) if runs.ndim == 1 else -1
    if count < 1 or seeds.shape != (count,) or seconds.shape != (count,):
        return False
    if not (np.issubdtype(runs.dtype, np.integer) and np.issubdtype(seeds.dtype, np.integer)
            and np.issubdtype(seconds.dtype, np.floating)
            and np.issubdtype(outcomes.dtype, np.floating)):
        return False
    if outcomes.ndim != 2 or outcomes.shape[0] != count or (
            outcome_count is not None and outcomes.shape[1] != outcome_count):
        return False
    if (days is None) != (daily is None):
        return False
    if days is not None and daily is not None:
        if days.ndim != 1 or daily.shape != (count, len(days), len(METRIC_NAMES)):
            return False
        if expected_days is not None and not np.array_equal(days, expected_days):
            return False
    return True


def read_chunk(path: Path, jobs: list[Job], outcome_count: int | None = None,
               expected_days: np.ndarray | None = None) -> list[tuple[int, RunSummary]]:
    """The runs of one chunk that match their jobs; none if the chunk is damaged in any way
    (unreadable, or arrays of the wrong shapes or kinds)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            runs, seeds, seconds, outcomes = (data["run"], data["seed"], data["seconds"],
                                              data["outcomes"])
            days = data.get("days")
            daily = data.get("daily")
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError):
        return []
    if not whole_chunk(runs, seeds, seconds, outcomes, days, daily, outcome_count,
                       expected_days):
        return []
    kept = []
    for row, (index, seed) in enumerate(zip(runs.tolist(), seeds.tolist(), strict=True)):
        if 0 <= index < len(jobs) and jobs[index].seed == seed:
            kept.append((index, RunSummary(outcomes[row], float(seconds[row]), days,
                                           None if daily is None else daily[row])))
    return kept
