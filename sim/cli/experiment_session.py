"""One `run`/`compare` command from its last checks to its published results folder.

Order matters: every check that can refuse the command (a resumed folder that does not match,
the Dask scheduler, the output folder) comes before the results folder is claimed, and the
folder is claimed before the first simulated day. From then on each finished run is on disk.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any, Self

from sim.cli.checks import note_stale_folders
from sim.cli.error_log import one_line, print_error, write_error_log
from sim.cli.results_folder import UnfinishedFolder, check_output_folder, reason, resume_hint
from sim.cli.stopping import exit_code, stop_message
from sim.errors import UsageError, WorkersLost
from sim.experiment.evaluators import Evaluator, make_evaluator
from sim.experiment.jobs import Job, RunOutput, make_jobs, replicate_seeds
from sim.experiment.outputs import write_figures_and_report, write_tables
from sim.experiment.run_store import DECISIVE, PLAN_FILE, RunStore, plan_difference
from sim.experiment.runner import ExperimentResults, run_experiment


class RunNotKept(Exception):
    """A finished run could not be written to disk (the experiment stops)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(reason(error))


class Session:
    """Claims (or reopens) the results folder, runs what is left, writes and publishes."""

    store_class: type[RunStore] = RunStore
    decisive: tuple[str, ...] = DECISIVE

    def __init__(self, scenarios: list[Any], plan: dict[str, Any], args: argparse.Namespace,
                 *, label: str) -> None:
        self.scenarios = scenarios
        self.plan = plan
        self.args = args
        self.label = label
        self.jobs: list[Job] = make_jobs(len(scenarios),
                                         replicate_seeds(args.seed, args.replicates))
        self.finished: dict[int, RunOutput] = {}
        self.stack = contextlib.ExitStack()
        self.folder: UnfinishedFolder
        self.store: RunStore
        self.evaluator: Evaluator

    def __enter__(self) -> Self:
        try:
            self.prepare()
        except BaseException:
            self.stack.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stack.close()

    def prepare(self) -> None:
        args = self.args
        if args.resume is not None:
            self.reopen(args.resume)
        else:
            check_output_folder(args.out)
        waiting = len(self.jobs) - len(self.finished)
        self.evaluator = self.stack.enter_context(
            make_evaluator(args.workers, args.dask, jobs=waiting))
        if args.resume is None:
            self.folder = self.stack.enter_context(UnfinishedFolder.claim(args.out, self.label))
            self.store = self.store_class(self.folder.path)
            try:
                self.store.write_plan(self.plan)
            except OSError as error:
                self.folder.discard()
                raise UsageError(f"--out {args.out}: cannot write there ({reason(error)})") \
                    from None
            except BaseException:
                self.folder.discard()  # nothing was run: leave nothing behind
                raise

    def reopen(self, path: Path) -> None:
        self.folder = self.stack.enter_context(UnfinishedFolder.reopen(path, needs=PLAN_FILE))
        self.store = self.store_class(self.folder.path)
        stored = self.store.read_plan()
        difference = plan_difference(stored, self.plan, self.decisive)
        if difference:
            started_by = " ".join(map(str, stored.get("command") or [])) or "unknown"
            raise UsageError(f"--resume {self.folder.path}: this command would give different "
                             f"results ({difference}); it was started by: {started_by}")
        self.plan = stored  # the original command and start time describe the results
        lengths = [(s.config.run.burn_in, s.config.run.days) for s in self.scenarios]
        self.finished = self.store.finished(self.jobs, lengths)

    @property
    def resume_hint(self) -> str:
        return resume_hint(self.plan["command"], self.folder.path)

    def keep(self, job: Job, output: RunOutput) -> None:
        try:
            self.store.save(job, output)
        except OSError as error:
            raise RunNotKept(error) from error

    def run(self) -> int:
        note_stale_folders(self.folder.path.parent, quiet=self.args.quiet)
        self.announce()
        try:
            return self.execute()
        except KeyboardInterrupt as stop:
            print(f"{stop_message(stop)}: {self.store.count()} of {len(self.jobs)} runs are kept "
                  f"in {self.folder.path}; to finish them: {self.resume_hint}", file=sys.stderr)
            return exit_code(stop)
        except WorkersLost as error:
            print_error(f"{error}; nothing was published: the {self.store.count()} of "
                        f"{len(self.jobs)} runs finished so far are kept in {self.folder.path}; "
                        f"to finish them: {self.resume_hint}")
            return 1
        except RunNotKept as error:
            print_error(f"cannot write to {self.folder.path} ({error}); the "
                        f"{self.store.count()} runs finished so far are kept there: free some "
                        f"space, then: {self.resume_hint}")
            return 1

    def execute(self) -> int:
        """Run what is left, then write and publish the results."""
        args = self.args
        results = run_experiment(self.scenarios, replicates=args.replicates,
                                 root_seed=args.seed, window=args.window,
                                 evaluator=self.evaluator, quiet=args.quiet,
                                 finished=self.finished, keep=self.keep)
        results.started = self.plan["started"]
        return self.finish(results)

    def announce(self) -> None:
        if self.args.quiet:
            return
        run = self.scenarios[0].config.run
        action = "Comparing" if self.plan["compare"] else "Running"
        done = (f" ({len(self.finished)} of {len(self.jobs)} runs already done)"
                if self.args.resume is not None else "")
        print(f"{action} {', '.join(self.plan['labels'])}: {self.args.replicates} replicates "
              f"each, {run.burn_in}+{run.days} days, on {self.evaluator.description}{done}.",
              file=sys.stderr)
        print(f"Unfinished results (kept if anything stops the command): {self.folder.path}",
              file=sys.stderr)

    def finish(self, results: ExperimentResults) -> int:
        total, failed = len(results.records), len(results.failures)
        if failed == total:
            print_error(f"all {total} runs failed; no results written "
                        f"(first error: {results.failures[0].error})")
            self.folder.discard()
            return 1
        path = self.folder.path
        try:
            tables = write_tables(path, results, self.plan["command"],
                                  compare=self.plan["compare"])
        except OSError as error:
            print_error(f"cannot write the tables in {path} ({reason(error)}); the "
                        f"{total - failed} finished runs are kept there: free some space, "
                        f"then: {self.resume_hint}")
            return 1
        try:
            write_figures_and_report(path, results, tables)
        except Exception as error:  # a full disk or a plotting bug: the tables are safe
            log = write_error_log(error, path)
            print_error(f"drawing the figures or writing the report failed "
                        f"({one_line(error)}); the tables are written in {path}"
                        + (f"; details in {log}" if log else "")
                        + f"; to try again: {self.resume_hint}")
            return 1
        return self.publish(results)

    def publish(self, results: ExperimentResults) -> int:
        total, failed = len(results.records), len(results.failures)
        destination = self.folder.publish()
        RunStore(destination).clear()
        (destination / "error.log").unlink(missing_ok=True)  # from an earlier, failed try
        if failed:
            print(f"warning: {failed} of {total} runs failed and were left out "
                  f"(see {destination / 'failures.csv'})", file=sys.stderr)
        if not self.args.quiet:
            earlier = f" ({results.reused} finished earlier)" if results.reused else ""
            print(f"{total - failed} runs{earlier} in {results.wall_seconds:.1f} s. "
                  f"Results: {destination}")
        print(f"Report: {destination / 'report.html'}")
        return 1 if failed else 0
