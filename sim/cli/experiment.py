"""`run.py run` and `run.py compare`: scenarios over many replicates, and the main job.

    python run.py run FILE.yaml [options]
    python run.py compare BASELINE.yaml OTHER.yaml ... [options]   (the first file is the reference)
    python run.py                       (the main job: baseline vs headline interventions)

Everything a user typed is checked before the first simulated day: scenarios, option ranges,
the output folder and the Dask address. Each run is written to the unfinished results folder
as it finishes, so an interruption, a full disk or a failure while drawing loses no finished
run: the same command with `--resume FOLDER` carries on where it stopped.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from sim.cli.checks import (
    MAX_REPLICATES,
    check_experiment_size,
    check_overrides,
    seed_number,
    whole_number,
)
from sim.cli.decision_session import DecisionSession as Session
from sim.cli.decision_session import decision_inputs
from sim.cli.options import add_dask_option, add_session_options
from sim.errors import UsageError
from sim.experiment.assumptions import DEFAULT_REPLICATES
from sim.experiment.run_store import experiment_plan
from sim.experiment.runner import scenario_labels
from sim.scenario import load_scenario
from sim.scenario.layering import layer_on_reference

SCENARIO_FOLDER = Path(__file__).resolve().parents[2] / "scenarios"
MAIN_JOB_SCENARIOS = ("baseline", "just_culture", "closing_the_loop", "regulation_relief",
                      "letter_recommendation")
MAIN_JOB_REPLICATES = 10
# The main job also prices its options and runs them in plausible worlds of the model's
# assumptions (sim.experiment.assumptions), sized to finish within minutes on two cores.
MAIN_JOB_COSTS = SCENARIO_FOLDER.parent / "costs" / "example.yaml"
MAIN_JOB_WORLDS = 20


def add_experiment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--replicates", type=whole_number("--replicates", 1, MAX_REPLICATES),
                        default=10, help="simulated hospitals per scenario (default 10)")
    parser.add_argument("--seed", type=seed_number(), default=1,
                        help="root seed; replicate seeds derive from it (default 1)")
    parser.add_argument("--days", type=whole_number("--days"), default=None,
                        help="days simulated after burn-in, for every scenario")
    parser.add_argument("--window", type=whole_number("--window", 1, 100_000), default=180,
                        help="evaluation window: the last N days of each run (default 180)")
    add_dask_option(parser)
    add_session_options(parser, "every scenario")


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
    add_decision_options(compare)
    compare.set_defaults(func=compare_command)


def add_decision_options(parser: argparse.ArgumentParser) -> None:
    """--costs and --assumptions: value for money and how sure, given uncertain assumptions."""

    parser.add_argument("--costs", type=Path, metavar="FILE", default=None,
                        help="costs file (see costs/example.yaml): adds value for money to "
                             "the report and value.csv")
    parser.add_argument("--assumptions", type=whole_number("--assumptions", 2, 1000),
                        metavar="N", default=None,
                        help="also run N plausible worlds (Latin hypercube over the "
                             "behavioural coefficients), each with "
                             f"{DEFAULT_REPLICATES} paired replicates, for a second interval")


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
    add_decision_options(parser)
    args = parser.parse_args(["--replicates", str(MAIN_JOB_REPLICATES), "--costs",
                              str(MAIN_JOB_COSTS), "--assumptions", str(MAIN_JOB_WORLDS)])
    files = [SCENARIO_FOLDER / f"{name}.yaml" for name in MAIN_JOB_SCENARIOS]
    return run_experiment_command(files, args, compare=True)


def load_scenarios(files: list[Path], args: argparse.Namespace, *,
                   compare: bool = False) -> list[Any]:
    """The scenarios, checked to pair; in a comparison on a hospital as it stands, every
    other scenario applied to it as a change (sim.scenario.layering)."""

    overrides = list(args.overrides)
    if args.days is not None:
        overrides.append(f"run.days={args.days}")
    scenarios = [load_scenario(path, overrides=overrides) for path in files]
    if compare:
        scenarios = layer_on_reference(scenarios)
    lengths = {(s.config.run.burn_in, s.config.run.days) for s in scenarios}
    if len(lengths) > 1:
        described = ", ".join(f"{s.name}: {s.config.run.burn_in}+{s.config.run.days} days"
                              for s in scenarios)
        raise UsageError("paired comparison needs the same burn-in and run length in every "
                         f"scenario ({described}); use --days or --set run.burn_in=N")
    run = scenarios[0].config.run
    check_experiment_size(len(scenarios) * args.replicates, run.burn_in + run.days)
    return scenarios


def canonical_command(files: list[Path], args: argparse.Namespace, compare: bool) -> list[str]:
    """The command line that reproduces these results (worker count does not change them)."""
    command = ["run.py", "compare" if compare else "run", *map(str, files),
               "--replicates", str(args.replicates), "--seed", str(args.seed),
               "--window", str(args.window)]
    if args.days is not None:
        command += ["--days", str(args.days)]
    if getattr(args, "costs", None) is not None:
        command += ["--costs", str(args.costs)]
    if getattr(args, "assumptions", None):
        command += ["--assumptions", str(args.assumptions)]
    for item in args.overrides:
        command += ["--set", item]
    return command


def results_label(labels: list[str], compare: bool) -> str:
    if not compare:
        return labels[0]
    return f"{labels[0]}-vs-" + (labels[1] if len(labels) == 2 else
                                 f"{len(labels) - 1}-scenarios")


def run_experiment_command(files: list[Path], args: argparse.Namespace, *, compare: bool) -> int:
    check_overrides(args.overrides)
    scenarios = load_scenarios(files, args, compare=compare)
    labels = scenario_labels([scenario.name for scenario in scenarios])
    inputs = decision_inputs(args, scenarios, labels) if compare else None
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    plan = experiment_plan(scenarios, labels, compare=compare, root_seed=args.seed,
                           replicates=args.replicates, window=args.window,
                           command=canonical_command(files, args, compare), started=started)
    with Session(scenarios, plan, args, label=results_label(labels, compare),
                 inputs=inputs) as session:
        return session.run()
