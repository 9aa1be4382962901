"""Atomic results folders: results appear under their final name only when complete.

Work is written into a hidden temporary folder beside the destination and renamed into place
at the end. An interrupted or failed run leaves only the hidden folder (removed on the way out
where possible), and an existing results folder is never overwritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sim.errors import UsageError


def new_results_path(parent: Path, label: str) -> Path:
    """A fresh, unused folder name under `parent`: `<timestamp>-<label>`."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = parent / f"{stamp}-{safe_name(label)}"
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = parent / f"{base.name}-{number}"
    return candidate


def safe_name(label: str) -> str:
    """A file-name-safe version of a label; never a path that could leave its folder."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label).strip("-.")
    return cleaned[:60] or "run"


@contextlib.contextmanager
def atomic_results_folder(destination: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success rename it to `destination` (which must not exist)."""
    destination = Path(destination)
    if destination.exists():
        raise UsageError(f"{destination} already exists; results are never overwritten")
    destination.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".incomplete-{destination.name}-",
                                 dir=destination.parent))
    try:
        yield work
        work.chmod(0o755)  # mkdtemp makes it private; results are meant to be shared
        os.rename(work, destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
