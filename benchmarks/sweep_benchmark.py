"""Speed of the shipped sweeps: the Morris screen of every parameter and the Saltelli/Sobol'
design, each against a target of 10 minutes on this machine, and a Saltelli design of 10,000
runs at the same rate against its target of 15 minutes on 2 cores.

    .venv/bin/python benchmarks/sweep_benchmark.py [--sample 12] [--workers 2] [--full]

Running either sweep in full takes long, so by default it times a sample of runs spread evenly
over each design's points (run time depends on the parameters: more hazards or more audits
mean more work) on the local process pool, and extrapolates the wall time per run to the whole
design. It says so in its output. `--full` runs every point instead. A script, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiment.evaluators import make_evaluator  # noqa: E402
from sim.experiment.jobs import make_jobs, replicate_seeds  # noqa: E402
from sim.experiment.runner import run_jobs  # noqa: E402
from sim.sweep.design import make_design  # noqa: E402
from sim.sweep.runner import point_documents, summarise_job  # noqa: E402
from sim.sweep.spec import load_sweep  # noqa: E402

SWEEPS = ("morris_sections", "morris_screen", "sobol_influential")
TARGET_MINUTES = 10.0
# The core's target for a Saltelli design: 10,000 one-year runs in under 15 minutes on 2 cores.
SALTELLI_RUNS, SALTELLI_TARGET_MINUTES = 10_000, 15.0


def time_sweep(name: str, sample: int | None, workers: int) -> None:
    sweep = load_sweep(ROOT / "scenarios" / "sweeps" / f"{name}.yaml")
    design = make_design(sweep)
    documents = point_documents(sweep, design)
    jobs = make_jobs(len(documents), replicate_seeds(sweep.seed, sweep.replicates))
    chosen = jobs if sample is None or sample >= len(jobs) else [
        jobs[round(index * (len(jobs) - 1) / (sample - 1))] for index in range(sample)]
    run = sweep.base.config.run
    started = time.perf_counter()
    with make_evaluator(workers, jobs=len(chosen)) as evaluator:
        records = run_jobs(summarise_job, chosen,
                           lambda job: (documents[job.scenario], job.seed, sweep.window,
                                        sweep.outcomes, False),
                           evaluator=evaluator, quiet=True)
        description = evaluator.description
    wall = time.perf_counter() - started
    failed = sum(1 for record in records if record.output is None)
    cpu = [record.output.seconds for record in records if record.output is not None]
    per_run = wall / len(chosen)
    total_minutes = per_run * len(jobs) / 60
    how = "measured" if len(chosen) == len(jobs) else (
        f"extrapolated from {len(chosen)} runs spread over the design")
    verdict = "meets" if total_minutes <= TARGET_MINUTES else "misses"
    print(f"{name}: {sweep.design}, {len(design.points):,} points x {sweep.replicates} "
          f"replicate(s) = {len(jobs):,} runs of {run.burn_in}+{run.days} days on {description}")
    print(f"  {len(chosen)} runs in {wall:.1f} s ({failed} failed): {per_run:.2f} s wall per run, "
          f"{sum(cpu) / max(len(cpu), 1):.2f} s of simulation per run in a worker")
    print(f"  whole sweep: {total_minutes:.1f} min ({how}); target {TARGET_MINUTES:.0f} min: "
          f"{verdict} it")
    if sweep.design == "sobol":
        minutes = per_run * SALTELLI_RUNS / 60
        print(f"  a Saltelli design of {SALTELLI_RUNS:,} such runs: {minutes:.1f} min at this "
              f"rate; target under {SALTELLI_TARGET_MINUTES:.0f} min: "
              f"{'meets' if minutes < SALTELLI_TARGET_MINUTES else 'misses'} it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=12,
                        help="runs timed per sweep, spread over its points (default 12)")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes")
    parser.add_argument("--full", action="store_true", help="run every point (slow)")
    parser.add_argument("--sweep", choices=SWEEPS, action="append",
                        help="only this sweep (repeatable; default both)")
    args = parser.parse_args()
    # Other work on the machine slows the runs: say how busy it was.
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name in args.sweep or SWEEPS:
        time_sweep(name, None if args.full else max(2, args.sample), args.workers)


if __name__ == "__main__":
    main()
