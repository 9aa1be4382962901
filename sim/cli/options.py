"""Options that several commands share: workers and results folder, resuming, `--set`,
Dask."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sim.cli.checks import MAX_WORKERS, whole_number
from sim.scenario.arguments import SET_HELP

OUTPUTS = Path("outputs")


def add_dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dask", metavar="ADDRESS", default=None,
                        help="run on an existing Dask distributed scheduler instead, e.g. "
                             "tcp://host:8786 (workers need this package installed)")


def add_session_options(parser: argparse.ArgumentParser, changed: str) -> None:
    """Options of every command that runs replicates into a results folder."""
    add_workers_and_out(parser)
    parser.add_argument("--resume", type=Path, metavar="FOLDER", default=None,
                        help="finish an interrupted command: the unfinished results folder it "
                             "named (runs already done are not run again; --out is ignored)")
    parser.add_argument("--set", dest="overrides", metavar="KEY=VALUE", action="append",
                        default=[], help=SET_HELP + f"; applies to {changed}")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def add_workers_and_out(parser: argparse.ArgumentParser) -> None:
    """--workers and --out, as every command writing a results folder takes them."""
    parser.add_argument("--workers", type=whole_number("--workers", 1, MAX_WORKERS),
                        default=os.cpu_count() or 1,
                        help="local worker processes (default: number of cores; results do "
                             "not depend on it)")
    parser.add_argument("--out", type=Path, default=OUTPUTS,
                        help="parent folder of the results folder (default outputs/)")
