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
import time
from pathlib import Path

from sim.cli.checks import MAX_REPLICATES, check_overrides, seed_number, whole_number
from sim.cli.error_log import one_line, write_error_log
from sim.cli.experiment import add_session_options, print_error
from sim.cli.experiment_session import RunNotKept, Session
from sim.errors import UsageError
from sim.experiment.run_store import DECISIVE
from sim.experiment.runner import RunRecord, run_jobs
from sim.results_folder import reason


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
    parser.add_argument("--backend", choices=("local", "dask"), default="local",
                        help="local processes, or an existing Dask cluster (--scheduler)")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="Dask scheduler address for --backend dask, e.g. tcp://host:8786")
    parser.add_argument("--daily", action="store_true",
                        help="also keep every run's daily metrics (timeseries.parquet)")
    add_session_options(parser, "the base scenario")
    parser.set_defaults(func=sweep_command)


def backend_address(args: argparse.Namespace) -> str | None:
    """The Dask scheduler address, or None for local workers."""
    if args.backend == "dask":
        if not args.scheduler:
            raise UsageError("--backend dask needs --scheduler ADDRESS, e.g. tcp://host:8786")
        return str(args.scheduler)
    if args.scheduler:
        raise UsageError("--scheduler is only used with --backend dask")
    return None


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
    from sim.sweep.design import make_design
    from sim.sweep.runner import sweep_plan
    from sim.sweep.spec import SweepOptions, load_sweep

    check_overrides(args.overrides)
    args.dask = backend_address(args)
    options = SweepOptions(args.replicates, args.seed, args.days, args.window,
                           tuple(args.overrides))
    sweep = load_sweep(args.file, options)
    design = make_design(sweep)
    # The session reads these like `compare` options.
    args.replicates, args.seed, args.window = sweep.replicates, sweep.seed, sweep.window
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    plan = sweep_plan(sweep, design, daily=args.daily, command=canonical_command(args),
                      started=started)
    with SweepSession(sweep, design, plan, args) as session:
        return session.run()


class SweepSession(Session):
    """A `compare` session whose jobs are the design's points and whose runs are kept as
    window summaries in chunks."""

    decisive = (*DECISIVE, "sweep", "points", "daily")

    def __init__(self, sweep, design, plan: dict, args: argparse.Namespace) -> None:
        from sim.sweep.runner import SweepStore

        self.store_class = SweepStore
        self.sweep, self.design = sweep, design
        super().__init__([sweep.base] * len(design.points), plan, args, label=sweep.name)

    def announce(self) -> None:
        if self.args.quiet:
            return
        run = self.sweep.base.config.run
        done = (f" ({len(self.finished)} of {len(self.jobs)} runs already done)"
                if self.args.resume is not None else "")
        print(f"Sweep {self.sweep.name}: {self.sweep.design} design, {len(self.design.points)} "
              f"points x {self.sweep.replicates} replicates, {run.burn_in}+{run.days} days, "
              f"on {self.evaluator.description}{done}.", file=sys.stderr)
        print(f"Unfinished results (kept if anything stops the command): {self.folder.path}",
              file=sys.stderr)

    def execute(self) -> int:
        from sim.sweep.runner import point_documents, summarise_job

        sweep = self.sweep
        documents = point_documents(sweep, self.design)
        clock = time.perf_counter()
        try:
            records = run_jobs(
                summarise_job, self.jobs,
                lambda job: (documents[job.scenario], job.seed, sweep.window, sweep.outcomes,
                             bool(self.args.daily)),
                evaluator=self.evaluator, quiet=self.args.quiet, finished=self.finished,
                keep=self.keep,
                describe=lambda record: (f"point {record.job.scenario}, replicate "
                                         f"{record.job.replicate}, seed {record.job.seed}"))
        finally:
            self.write_waiting_runs()
        return self.finish_sweep(records, time.perf_counter() - clock)

    def write_waiting_runs(self) -> None:
        try:
            self.store.flush()  # type: ignore[attr-defined]
        except OSError as error:
            raise RunNotKept(error) from error

    def finish_sweep(self, records: list[RunRecord], seconds: float) -> int:
        from sim.sweep.outputs import write_figures_and_readme, write_manifest, write_tables

        failed = sum(1 for record in records if record.output is None)
        path = self.folder.path
        if failed == len(records):
            first = next(record.error for record in records)
            print_error(f"all {failed} runs failed; no results written (first error: {first})")
            self.folder.discard()
            return 1
        try:
            tables = write_tables(path, self.sweep, self.design, records, self.args.daily)
            write_manifest(path, self.plan, backend=self.evaluator.description,
                           workers=self.evaluator.workers, wall_seconds=seconds,
                           reused=len(self.finished))
        except OSError as error:
            print_error(f"cannot write the tables in {path} ({reason(error)}); the finished "
                        f"runs are kept there: free some space, then: {self.resume_hint}")
            return 1
        try:
            write_figures_and_readme(path, self.sweep, self.design, tables,
                                     self.plan["command"])
        except Exception as error:  # a full disk or a plotting bug: the tables are safe
            log = write_error_log(error, path)
            print_error(f"drawing the figures or writing README.md failed ({one_line(error)}); "
                        f"the tables are written in {path}" + (f"; details in {log}" if log
                                                               else "")
                        + f"; to try again: {self.resume_hint}")
            return 1
        destination = self.folder.publish()
        self.store_class(destination).clear()
        (destination / "error.log").unlink(missing_ok=True)  # from an earlier, failed try
        if failed:
            print(f"warning: {failed} of {len(records)} runs failed and were left out "
                  f"(see {destination / 'failures.csv'})", file=sys.stderr)
        if not self.args.quiet:
            print(f"{len(records) - failed} runs ({len(self.finished)} finished earlier) in "
                  f"{seconds:.1f} s. Results: {destination}")
        print(f"Read first: {destination / 'README.md'}")
        return 1 if failed else 0
