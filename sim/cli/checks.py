"""Checks shared by the commands, made before anything is simulated or written.

Each failed check is a UsageError: one line naming the option, what was expected and what was
given, and exit code 2.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from sim.cli.results_folder import stale_unfinished
from sim.errors import UsageError
from sim.scenario.schema import describe_range

MAX_SEED = 2**63 - 1  # seeds are stored as 64-bit integers in every table
MAX_REPLICATES = 10_000
MAX_WORKERS = 256
# Every run's daily metrics are held in memory and written as one long table, so the total of
# runs x simulated days is capped (about 2,000 default runs; some 2 GB at the peak).
MAX_RUN_DAYS = 1_000_000


def whole_number(option: str, low: int | None = None,
                 high: int | None = None) -> Callable[[str], int]:
    """An argparse `type` that accepts a whole number within [low, high], else UsageError."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise UsageError(f"{option}: expected a whole number, got {text!r}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            expected = describe_range(low, high, "{:,}".format)
            raise UsageError(f"{option}: expected a whole number {expected}, got {value:,}")
        return value

    return parse


def decimal_number(option: str, low: float, high: float) -> Callable[[str], float]:
    """An argparse `type` that accepts a number within [low, high] (not NaN), else
    UsageError."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"{option}: expected a number, got {text!r}") from None
        if not low <= value <= high:
            expected = describe_range(low, high, "{:g}".format)
            raise UsageError(f"{option}: expected a number {expected}, got {value:g}")
        return value

    return parse


def seed_number(option: str = "--seed") -> Callable[[str], int]:
    return whole_number(option, 0, MAX_SEED)


def check_overrides(overrides: list[str]) -> None:
    for item in overrides:
        if "=" not in item:
            raise UsageError(f"--set expects KEY=VALUE, got {item!r}")


def check_experiment_size(runs: int, days_per_run: int) -> None:
    if runs * days_per_run > MAX_RUN_DAYS:
        raise UsageError(f"--replicates: {runs:,} runs of {days_per_run:,} days is "
                         f"{runs * days_per_run:,} run-days; the limit is {MAX_RUN_DAYS:,} "
                         "(every run's daily results are held in memory): use fewer "
                         "replicates or scenarios, or a shorter run (--days)")


def note_stale_folders(parent: Path, *, quiet: bool = False) -> None:
    """Tell the user about unfinished results that no running command owns."""
    if quiet:
        return
    stale = stale_unfinished(parent)
    if stale:
        things = "item" if len(stale) == 1 else "items"
        listing = f"python run.py unfinished {shlex.quote(str(parent))}"
        print(f"note: {parent} holds {len(stale)} unfinished results {things} left by commands "
              f"that did not finish; `{listing}` lists them (resume with --resume, or add "
              "--remove to delete them)", file=sys.stderr)
