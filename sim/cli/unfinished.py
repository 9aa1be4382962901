"""`run.py unfinished [FOLDER] [--remove]`: results left by commands that did not finish.

A command stopped by Ctrl-C, a full disk or a killed process leaves its finished runs in a
hidden `.incomplete-...` folder. This lists those that no running command owns, with how far
each got, so that one can be finished (`--resume`) or all removed at once (`--remove`).
"""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path

from sim.cli.options import OUTPUTS
from sim.cli.results_folder import remove_unfinished, resume_hint, stale_unfinished
from sim.errors import UsageError
from sim.experiment.run_store import PLAN_FILE, RunStore
from sim.sweep.runner import SweepStore


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "unfinished", help="list (or remove) results left by commands that did not finish")
    parser.add_argument("folder", nargs="?", type=Path, default=OUTPUTS,
                        help="the folder results were written to (default outputs/)")
    parser.add_argument("--remove", action="store_true",
                        help="delete them (folders in use by a running command are kept)")
    parser.set_defaults(func=unfinished_command)


def describe(path: Path) -> str:
    """How far an unfinished folder got and the command that finishes it."""


    if path.is_symlink():
        return "a link, nothing to resume (--remove deletes the link, not what it points to)"
    if not path.is_dir():
        return "a partial file, nothing to resume"
    try:
        plan = json.loads((path / PLAN_FILE).read_text(encoding="utf-8"))
        total = int(plan.get("runs") or len(plan["scenarios"]) * int(plan["replicates"]))
        command = [str(part) for part in plan["command"]]
    except (OSError, ValueError, KeyError, TypeError):
        return "nothing resumable"
    store = SweepStore(path) if plan.get("kind") == "sweep" else RunStore(path)
    return (f"{store.count()} of {total} runs done; to finish: "
            f"{resume_hint(command, path)}")


def unfinished_command(arguments: argparse.Namespace) -> int:
    folder: Path = arguments.folder
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    stale = stale_unfinished(folder)
    if not stale:
        print(f"No unfinished results in {folder}.")
        return 0
    for path in stale:
        if arguments.remove:
            removed = remove_unfinished(path)
            print(f"{'removed' if removed else 'kept (in use)'}: {path}")
        else:
            print(f"{path}: {describe(path)}")
    if not arguments.remove:
        print("Delete them all with: " + shlex.join(["python", "run.py", "unfinished",
                                                     str(folder), "--remove"]))
    return 0
