"""`run.py run` and `run.py compare`: scenarios over many replicates, and the main job.

    python run.py run FILE.yaml [options]
    python run.py compare BASELINE.yaml OTHER.yaml ... [options]   (the first file is the reference)
    python run.py                       (the main job: baseline vs headline interventions)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from sim.errors import UsageError
from sim.results_folder import new_results_path

OUTPUTS = Path("outputs")
SCENARIO_FOLDER = Path(__file__).resolve().parents[2] / "scenarios"
MAIN_JOB_SCENARIOS = ("baseline", "just_culture", "closing_the_loop", "regulation_relief",
                      "letter_recommendation")
MAIN_JOB_REPLICATES = 10


def add_experiment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--replicates", type=int, default=10,
                        help="simulated hospitals per scenario (default 10)")
    parser.add_argument("--seed", type=int, default=1,
                        help="root seed; replicate seeds derive from it (default 1)")
    parser.add_argument("--days", type=int, default=None,
                        help="days simulated after burn-in, for every scenario")
    parser.add_argument("--window", type=int, default=180,
                        help="evaluation window: the last N days of each run (default 180)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="local worker processes (default: number of cores; results do "
                             "not depend on it)")
    parser.add_argument("--dask", metavar="ADDRESS", default=None,
                        help="run on an existing Dask distributed scheduler instead, e.g. "
                             "tcp://host:8786 (workers need this package installed)")
    parser.add_argument("--out", type=Path, default=OUTPUTS,
                        help="parent folder of the results folder (default outputs/)")
    parser.add_argument("--set", dest="overrides", metavar="KEY=VALUE", nargs="+",
                        action="extend", default=[],
                        help="override a parameter in every scenario, e.g. "
                             "management.punitiveness=0.2")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run one scenario over many replicates")
    run.add_argument("file", type=Path,
                     help="scenario YAML file (or a bundled name such as just_culture)")
    add_experiment_options(run)
    run.set_defaults(func=run_command)
    compare = subparsers.add_parser(
        "compare", help="compare scenarios with the first one, paired by replicate")
    compare.add_argument("files", type=Path, nargs="+",
                         help="scenario YAML files (or bundled names); the first is the "
                              "reference")
    add_experiment_options(compare)
    compare.set_defaults(func=compare_command)


def run_command(args: argparse.Namespace) -> int:
    return run_experiment_command([args.file], args, compare=False)


def compare_command(args: argparse.Namespace) -> int:
    if len(args.files) < 2:
        raise UsageError("compare needs a reference scenario and at least one other")
    return run_experiment_command(list(args.files), args, compare=True)


def main_job() -> int:
    """Baseline and the headline interventions, on built-in defaults."""
    parser = argparse.ArgumentParser()
    add_experiment_options(parser)
    args = parser.parse_args(["--replicates", str(MAIN_JOB_REPLICATES)])
    files = [SCENARIO_FOLDER / f"{name}.yaml" for name in MAIN_JOB_SCENARIOS]
    return run_experiment_command(files, args, compare=True)


def check_settings(args: argparse.Namespace) -> None:
    for option, value, low in (("--replicates", args.replicates, 1), ("--seed", args.seed, 0),
                               ("--window", args.window, 1), ("--workers", args.workers, 1)):
        if value < low:
            raise UsageError(f"{option} must be at least {low} (got {value})")
    for item in args.overrides:
        if "=" not in item:
            raise UsageError(f"--set expects KEY=VALUE, got {item!r}")


def load_scenarios(files: list[Path], args: argparse.Namespace) -> list[Any]:
    from sim.scenario import load_scenario

    overrides = list(args.overrides)
    if args.days is not None:
        overrides.append(f"run.days={args.days}")
    scenarios = [load_scenario(path, overrides=overrides) for path in files]
    lengths = {(s.config.run.burn_in, s.config.run.days) for s in scenarios}
    if len(lengths) > 1:
        described = ", ".join(f"{s.name}: {s.config.run.burn_in}+{s.config.run.days} days"
                              for s in scenarios)
        raise UsageError("paired comparison needs the same burn-in and run length in every "
                         f"scenario ({described}); use --days or --set run.burn_in=N")
    return scenarios


def canonical_command(files: list[Path], args: argparse.Namespace, compare: bool) -> list[str]:
    """The command line that reproduces these results (worker count does not change them)."""
    command = ["run.py", "compare" if compare else "run", *map(str, files),
               "--replicates", str(args.replicates), "--seed", str(args.seed),
               "--window", str(args.window)]
    if args.days is not None:
        command += ["--days", str(args.days)]
    if args.overrides:
        command += ["--set", *args.overrides]
    return command


def run_experiment_command(files: list[Path], args: argparse.Namespace, *, compare: bool) -> int:
    from sim.experiment.evaluators import make_evaluator
    from sim.experiment.outputs import write_results
    from sim.experiment.runner import run_experiment, scenario_labels

    check_settings(args)
    scenarios = load_scenarios(files, args)
    evaluator = make_evaluator(args.workers, args.dask)
    labels = scenario_labels([scenario.name for scenario in scenarios])
    if not args.quiet:
        run = scenarios[0].config.run
        print(f"{'Comparing' if compare else 'Running'} {', '.join(labels)}: "
              f"{args.replicates} replicates each, {run.burn_in}+{run.days} days, "
              f"on {evaluator.description}.", file=sys.stderr)
    results = run_experiment(scenarios, replicates=args.replicates, root_seed=args.seed,
                             window=args.window, evaluator=evaluator, quiet=args.quiet)
    total, failed = len(results.records), len(results.failures)
    if failed == total:
        print(f"error: all {total} runs failed; no results written "
              f"(first error: {results.failures[0].error})", file=sys.stderr)
        return 1
    label = labels[0] if not compare else f"{labels[0]}-vs-" + (
        labels[1] if len(labels) == 2 else f"{len(labels) - 1}-scenarios")
    destination = new_results_path(args.out, label)
    report = write_results(destination, results, canonical_command(files, args, compare),
                           compare=compare)
    if failed:
        print(f"warning: {failed} of {total} runs failed and were left out "
              f"(see {destination / 'failures.csv'})", file=sys.stderr)
    if not args.quiet:
        print(f"{total - failed} runs in {results.wall_seconds:.1f} s. Results: {destination}")
    print(f"Report: {report}")
    return 1 if failed else 0
