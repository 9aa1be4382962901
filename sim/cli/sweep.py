"""`run.py sweep SWEEP.yaml`: which levers and assumptions drive a result.

    python run.py sweep scenarios/sweeps/phase_diagram.yaml [options]

The sweep file and every option are checked before the first simulated day. Finished runs are
written in chunks to the unfinished results folder as they finish; the same command with
`--resume FOLDER` carries on where it stopped and ends with the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sim.cli.checks import MAX_REPLICATES, check_overrides, seed_number, whole_number
from sim.cli.options import add_dask_option, add_session_options
from sim.cli.sweep_session import SweepSession
from sim.sweep.design import design_warning, make_design
from sim.sweep.runner import sweep_plan
from sim.sweep.spec import SweepOptions, load_sweep


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep", help="vary parameters over a design and rank what drives the outcomes")
    parser.add_argument("file", type=Path, help="sweep YAML file (see docs/sweeps.md)")
    parser.add_argument("--replicates", type=whole_number("--replicates", 1, MAX_REPLICATES),
                        default=None, help="replicates per point (default: the file's, or 1)")
    parser.add_argument("--seed", type=seed_number(), default=None,
                        help="root seed of the design and the replicates (default: the "
                             "file's, or 1)")
    parser.add_argument("--days", type=whole_number("--days", 1, 3650), default=None,
                        help="days simulated after burn-in (default: the file's)")
    parser.add_argument("--window", type=whole_number("--window", 1, 100_000), default=None,
                        help="evaluation window: the last N days (default: the file's, or 180)")
    add_dask_option(parser)
    parser.add_argument("--daily", action="store_true",
                        help="also keep every run's daily metrics (timeseries.parquet)")
    add_session_options(parser, "the base scenario")
    parser.set_defaults(func=sweep_command)


def canonical_command(args: argparse.Namespace) -> list[str]:
    """The command line that reproduces these results (workers and backend do not change
    them)."""
    command = ["run.py", "sweep", str(args.file)]
    for option in ("replicates", "seed", "days", "window"):
        value = getattr(args, option)
        if value is not None:
            command += [f"--{option}", str(value)]
    for item in args.overrides:
        command += ["--set", item]
    return command + (["--daily"] if args.daily else [])


def sweep_command(args: argparse.Namespace) -> int:
    check_overrides(args.overrides)
    options = SweepOptions(args.replicates, args.seed, args.days, args.window,
                           tuple(args.overrides))
    sweep = load_sweep(args.file, options)
    warning = design_warning(sweep)
    if warning:
        print(f"warning: {args.file}: {warning}", file=sys.stderr)
    design = make_design(sweep)
    # The session reads these like `compare` options.
    args.replicates, args.seed, args.window = sweep.replicates, sweep.seed, sweep.window
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    plan = sweep_plan(sweep, design, daily=args.daily, command=canonical_command(args),
                      started=started)
    with SweepSession(sweep, design, plan, args) as session:
        return session.run()
