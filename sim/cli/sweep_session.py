"""One `sweep` command from its last checks to its published results folder.

The `compare` session claims or reopens the results folder, checks a resumed plan and opens
the workers; a sweep's jobs are the design's points, its runs are kept as window summaries in
chunks, and it writes its own tables, figures and README.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from sim.cli.error_log import one_line, print_error, write_error_log
from sim.cli.experiment_session import RunNotKept, Session
from sim.cli.results_folder import reason
from sim.experiment.run_store import DECISIVE
from sim.experiment.runner import RunRecord, run_jobs
from sim.sweep import runner as sweep_runner
from sim.sweep.design import Design
from sim.sweep.outputs import write_figures_and_readme, write_manifest, write_tables
from sim.sweep.runner import SweepStore, point_documents
from sim.sweep.spec import Sweep


class SweepSession(Session):
    """A `compare` session whose jobs are the design's points and whose runs are kept as
    window summaries in chunks."""

    decisive = (*DECISIVE, "sweep", "points", "daily")

    store_class = SweepStore

    def __init__(self, sweep: Sweep, design: Design, plan: dict[str, Any],
                 args: argparse.Namespace) -> None:
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
        sweep = self.sweep
        documents = point_documents(sweep, self.design)
        clock = time.perf_counter()
        try:
            records = run_jobs(
                # Looked up at call time, so that a toy response can stand in for the model.
                sweep_runner.summarise_job, self.jobs,
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
            self.store.flush()  # type: ignore[attr-defined]  # a SweepStore
        except OSError as error:
            raise RunNotKept(error) from error

    def finish_sweep(self, records: list[RunRecord], seconds: float) -> int:
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
