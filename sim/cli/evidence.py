"""`run.py check-model`, `decompose`, `effect-sensitivity` and `calibrate`: evidence about the
model.

- check-model: every level target, behaviour fact and effect band, over paired replicates;
  exit 0 if all pass, 1 if any fails; `--write FILE` writes the report (docs/VALIDATION.md).
- decompose: a bundle of interventions split into its parts, each part alone and the bundle
  without each part, against the baseline; and the share of each programme's harm effect that
  runs through colleague interception.
- effect-sensitivity: a Morris screen of behavioural coefficients whose outcome is each
  scenario's paired effect; `--write FILE` rewrites its section of docs/VALIDATION.md.
- calibrate: fit chosen parameters to level targets and effect bands with Optuna.

All four check their input first (exit 2 with one line on a bad file or option) and write
results folders under outputs/ that appear only when complete (`sim.cli.results_folder`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.checks import (
    MAX_REPLICATES,
    MAX_WORKERS,
    check_experiment_size,
    check_overrides,
    decimal_number,
    note_stale_folders,
    seed_number,
    whole_number,
)
from sim.cli.error_log import print_error
from sim.cli.options import add_workers_and_out
from sim.cli.results_folder import UnfinishedFolder, check_output_folder
from sim.errors import UsageError
from sim.evidence import decompose_report
from sim.evidence import effect_sensitivity as screen
from sim.evidence import validation as model_checks
from sim.evidence.calibrate import fit
from sim.evidence.calibration_file import read_calibration
from sim.evidence.calibration_report import write_fit
from sim.evidence.decompose import (
    BASELINE,
    SAFETY_OUTCOME,
    SPLITS,
    contributions,
    decomposition_variants,
    frozen_variants,
    interception_shares,
    split_parts,
)
from sim.evidence.decompose_report import write_interception, write_table
from sim.evidence.effect_sensitivity import (
    DEFAULT_LEVELS,
    DEFAULT_REPLICATES,
    DEFAULT_TRAJECTORIES,
    LIBRARY,
    kept_section,
    section,
    with_section,
)
from sim.evidence.figures import decomposition_figure
from sim.experiment.evaluators import make_evaluator
from sim.experiment.figures import PRIMARY_METRICS
from sim.experiment.jobs import replicate_seeds
from sim.experiment.runner import run_experiment
from sim.experiment.tables import summary_table
from sim.naming import safe_name
from sim.scenario import load_scenario, parse_override
from sim.sweep.spec import MAX_RUNS, SPAN_RANGE

if TYPE_CHECKING:
    from sim.evidence.decompose import Contribution, InterceptionShare, Part, Variant
    from sim.evidence.effect_sensitivity import EffectSensitivity
    from sim.scenario import Scenario


def add_run_options(parser: argparse.ArgumentParser, *, replicates: int, fewest: int,
                    each: str, seeds: str = "the replicates") -> None:
    """--replicates, --seed, --workers and --out, as the decompose and calibrate commands
    take them."""
    parser.add_argument("--replicates", type=whole_number("--replicates", fewest,
                                                          MAX_REPLICATES),
                        default=replicates,
                        help=f"paired replicates per {each} (default {replicates})")
    parser.add_argument("--seed", type=seed_number(), default=1,
                        help=f"root seed of {seeds} (default 1)")
    add_workers_and_out(parser)


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser(
        "check-model", help="check the model against every target, fact and band",
        description="Run every published level target of the default hospital, behaviour "
                    "fact F1-F6 and effect band of the library scenarios (docs/ODD.md, section "
                    "9) over paired replicates and print a table. Exit 0 if all pass, 1 if any "
                    "fails.")
    check.add_argument("--replicates", type=whole_number("--replicates", 2, MAX_REPLICATES),
                       help="paired replicates for every check (default: 12 for levels and "
                            "facts, 24 for F3 and the F6 plateau, 20 for bands; 3 with "
                            "--quick)")
    check.add_argument("--seed", type=seed_number(), default=1)
    check.add_argument("--workers", type=whole_number("--workers", 1, MAX_WORKERS))
    check.add_argument("--quick", action="store_true",
                       help="reduced size (two wards, short runs, 3 replicates): checks that "
                            "everything runs, not that it passes")
    check.add_argument("--write", type=Path, metavar="FILE",
                       help="also write the report to FILE (docs/VALIDATION.md)")
    check.set_defaults(func=check_model_command)
    register_decompose(subparsers)
    register_calibrate(subparsers)
    register_effect_sensitivity(subparsers)


def command_line(arguments: argparse.Namespace) -> str:
    """The command as a reader would type it again."""
    words = ["python", "run.py", "check-model", "--seed", str(arguments.seed)]
    if arguments.replicates is not None:
        words += ["--replicates", str(arguments.replicates)]
    if arguments.quick:
        words.append("--quick")
    if arguments.write is not None:
        words += ["--write", str(arguments.write)]
    return shlex.join(words)


def check_write_target(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"--write {path}: is a folder; expected a markdown file name")
    if not folder.is_dir():
        raise UsageError(f"--write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--write {path}: cannot write in {folder} (permission denied)")


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step: a reader never sees half a report."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def keep_effect_sensitivity(path: Path, text: str) -> str:
    """The new report with the effect-sensitivity section of the old one, if it had one (it is
    written by `run.py effect-sensitivity`, not by check-model)."""

    if not path.is_file():
        return text
    kept = kept_section(path.read_text(encoding="utf-8"))
    return text if kept is None else text.rstrip("\n") + "\n\n" + kept + "\n"


def check_model_command(arguments: argparse.Namespace) -> int:
    if arguments.write is not None:
        check_write_target(arguments.write)
    validation = model_checks.check_model(arguments.seed, arguments.replicates,
                                          arguments.quick, arguments.workers)
    print("\n".join(model_checks.tables(validation)))
    if arguments.write is not None:
        text = model_checks.report(validation, command_line(arguments)) + "\n"
        write_atomically(arguments.write, keep_effect_sensitivity(arguments.write, text))
        print(f"Report: {arguments.write}")
    if validation.passed:
        print("All checks pass.")
        return 0
    print(f"{validation.failures} check(s) fail.", file=sys.stderr)
    return 1


# --- decompose ------------------------------------------------------------------------------

def register_decompose(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "decompose", help="which part of a bundle of interventions does the work",
        description="Split a scenario's bundle of changes into parts (parameter groups, or "
                    "interventions) and run, over paired replicates, the baseline, the full "
                    "bundle, each part alone and the bundle without each part.")
    parser.add_argument("scenario", metavar="SCENARIO.yaml", help="the bundle to decompose")
    parser.add_argument("--parts", choices=SPLITS, default="group",
                        help="what a part is: a parameter group (default) or an intervention")
    parser.add_argument("--window", type=whole_number("--window", 1, 100_000), default=180,
                        help="outcomes over the last N days of each run (default 180)")
    parser.add_argument("--no-interception", dest="interception", action="store_false",
                        help="skip the share of each programme's harm effect through "
                             "colleague interception (saves the baseline and every programme "
                             "run again with interception frozen)")
    add_run_options(parser, replicates=20, fewest=2, each="variant")
    parser.set_defaults(func=decompose_command)


def decompose_command(arguments: argparse.Namespace) -> int:
    scenario = load_scenario(arguments.scenario)
    parts = split_parts(scenario, arguments.parts)
    variants = decomposition_variants(scenario, parts)
    days = scenario.config.run.days + scenario.config.run.burn_in
    extra = len(parts) + 2 if arguments.interception else 0  # baseline, full, each alone
    check_experiment_size((len(variants) + extra) * arguments.replicates, days)
    check_output_folder(arguments.out)
    with UnfinishedFolder.claim(arguments.out, f"decompose-{scenario.slug}") as folder:
        note_stale_folders(arguments.out)
        try:
            runs = run_paired([v.scenario for v in variants], arguments)
        except BaseException:
            folder.discard()  # nothing finished is worth keeping without its partners
            raise
        if runs is None:
            folder.discard()
            return 1
        labelled = {variant.label: runs[index] for index, variant in enumerate(variants)}

        rows = contributions(PRIMARY_METRICS, parts, labelled)
        shares, frozen = [], []
        if arguments.interception:
            safety = statistics.fmean(run[SAFETY_OUTCOME] for run in labelled[BASELINE])
            frozen = frozen_variants(variants, parts, safety)
            try:
                again = run_paired([v.scenario for v in frozen], arguments)
            except BaseException:
                folder.discard()
                raise
            if again is None:
                folder.discard()
                return 1
            labelled.update({variant.label: again[index]
                             for index, variant in enumerate(frozen)})
            catch = frozen[0].scenario.config.get("errors.colleague_catch")
            shares = interception_shares(parts, labelled, catch)
        write_decomposition(folder.path, scenario, parts, variants, rows, arguments, shares,
                            frozen)
        destination = folder.publish()
    print(f"Decomposition of {scenario.name}: {len(parts)} parts, {len(variants)} variants x "
          f"{arguments.replicates} paired replicates.")
    for item in shares[:1]:
        print("Share of the full bundle's harm effect through colleague interception: "
              + (f"{100 * item.share:.0f}% (95% {100 * item.low:.0f}% to "
                 f"{100 * item.high:.0f}%)" if item.estimable else
                 "n/a (the harm effect is not clearly non-zero)") + ".")
    print(f"Results: {destination}")
    return 0


def run_paired(scenarios: Sequence[Scenario],
               arguments: argparse.Namespace) -> list[list[dict[str, float]]] | None:
    """Every scenario over the same replicate seeds; per scenario, one window summary per
    replicate in seed order. None (after saying why) if any run failed."""

    evaluator = make_evaluator(arguments.workers, jobs=len(scenarios) * arguments.replicates)
    results = run_experiment(scenarios, replicates=arguments.replicates,
                             root_seed=arguments.seed, window=arguments.window,
                             evaluator=evaluator, quiet=getattr(arguments, "quiet", False))
    if results.failures:
        print_error(f"{len(results.failures)} run(s) failed; no results written")
        return None
    table = summary_table(results).sort_values(["scenario", "replicate"], kind="stable")
    return [table[table["scenario"] == label].drop(columns=["scenario", "replicate", "seed"])
            .to_dict("records") for label in results.labels]


def write_decomposition(folder: Path, scenario: Scenario, parts: Sequence[Part],
                        variants: Sequence[Variant], rows: Sequence[Contribution],
                        arguments: argparse.Namespace,
                        shares: Sequence[InterceptionShare] = (),
                        frozen: Sequence[Variant] = ()) -> None:
    write_table(rows, folder / "decomposition.csv")
    decomposition_figure(rows, [part.name for part in parts], PRIMARY_METRICS, folder)
    (folder / "scenarios").mkdir()
    for number, variant in enumerate(variants):
        name = f"{number:02d}-{safe_name(variant.label)}.yaml"
        (folder / "scenarios" / name).write_text(variant.scenario.to_yaml(), encoding="utf-8")
    if shares:
        write_interception(shares, folder / "interception.csv")
        (folder / "scenarios" / "interception").mkdir()
        for number, variant in enumerate(frozen):
            name = f"{number:02d}-{safe_name(variant.label)}.yaml"
            (folder / "scenarios" / "interception" / name).write_text(
                variant.scenario.to_yaml(), encoding="utf-8")
    source = str(scenario.source or arguments.scenario)
    (folder / "report.md").write_text(
        decompose_report.report(scenario.name, source, parts, f"{arguments.parts}", rows,
                                PRIMARY_METRICS, arguments.seed, arguments.replicates,
                                arguments.window, shares),
        encoding="utf-8")


# --- calibrate ------------------------------------------------------------------------------

MAX_TRIALS = 10_000


def register_calibrate(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "calibrate", help="fit parameters to level targets and effect bands",
        description="Fit the parameters a calibration file names to its targets (levels of "
                    "the default hospital, effect bands of library scenarios) with Optuna's "
                    "TPE sampler, every candidate over the same paired replicates.")
    parser.add_argument("calibration", metavar="CALIBRATION.yaml")
    parser.add_argument("--trials", type=whole_number("--trials", 1, MAX_TRIALS), default=40,
                        help="candidates to try (default 40)")
    add_run_options(parser, replicates=6, fewest=1, each="candidate",
                    seeds="both the sampler and the replicates")
    parser.set_defaults(func=calibrate_command)


def calibrate_command(arguments: argparse.Namespace) -> int:
    calibration = read_calibration(arguments.calibration)
    check_output_folder(arguments.out)
    seeds = replicate_seeds(arguments.seed, arguments.replicates)
    command = shlex.join(["python", "run.py", "calibrate", str(arguments.calibration),
                          "--trials", str(arguments.trials), "--replicates",
                          str(arguments.replicates), "--seed", str(arguments.seed)])

    def progress(trial: int, loss: float, best: float) -> None:
        print(f"trial {trial + 1}/{arguments.trials}: loss {loss:.4g} (best {best:.4g})",
              file=sys.stderr)

    with UnfinishedFolder.claim(arguments.out,
                                f"calibrate-{safe_name(calibration.name)}") as folder:
        note_stale_folders(arguments.out)
        try:
            result = fit(calibration, arguments.trials, seeds, arguments.seed,
                         arguments.workers, progress)
            write_fit(folder.path, result, command)
        except BaseException:
            folder.discard()  # a fit without its best candidate is not worth keeping
            raise
        destination = folder.publish()
    met = sum(item.inside for item in result.best_achieved)
    print(f"Best loss {result.best_loss:.4g}: {met} of {len(result.best_achieved)} targets met.")
    for key, value in result.best_values.items():
        print(f"  {key} = {value:.6g}")
    print(f"Results: {destination}")
    return 0


# --- effect-sensitivity ---------------------------------------------------------------------

MAX_TRAJECTORIES = 1000
MAX_SCREEN_REPLICATES = 100


def register_effect_sensitivity(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "effect-sensitivity", help="which behavioural coefficients a scenario's effect hangs on",
        description="Morris screen of behavioural coefficients whose outcome is each "
                    "scenario's paired effect against the baseline (harm: relative change, "
                    "reporting: ratio), averaged over paired seeds at every design point.")
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                        help="library labels, bundled scenario names or files (default: "
                             + ", ".join(item.label for item in LIBRARY) + ")")
    parser.add_argument("--coefficients", metavar="KEY,KEY,...", default=None,
                        help="behavioural coefficients to screen (default: the documented "
                             "subset, sim.evidence.effect_sensitivity.COEFFICIENTS)")
    parser.add_argument("--trajectories", type=whole_number("--trajectories", 2,
                                                            MAX_TRAJECTORIES),
                        default=DEFAULT_TRAJECTORIES,
                        help=f"Morris trajectories (default {DEFAULT_TRAJECTORIES})")
    parser.add_argument("--levels", type=whole_number("--levels", 2, 1000),
                        default=DEFAULT_LEVELS,
                        help=f"Morris levels, even (default {DEFAULT_LEVELS})")
    parser.add_argument("--span", type=decimal_number("--span", *SPAN_RANGE), default=None,
                        help="each coefficient's range: its default give or take this share "
                             "of its size, within its documented range (default 0.5)")
    parser.add_argument("--window", type=whole_number("--window", 1, 100_000), default=180,
                        help="effects over the last N days of each run (default 180)")
    parser.add_argument("--set", dest="overrides", metavar="KEY=VALUE", action="append",
                        default=[], help="a change to every run, baseline included (e.g. "
                                         "hospital.wards=4 or run.days=180)")
    parser.add_argument("--write", type=Path, metavar="FILE",
                        help="also write the section 'What the headline answers hang on' "
                             "into FILE (docs/VALIDATION.md), replacing it if present")
    parser.add_argument("--from-results", type=Path, metavar="FOLDER", default=None,
                        help="run nothing: print (and with --write, write) the section from a "
                             "finished effect-sensitivity results folder")
    add_run_options(parser, replicates=DEFAULT_REPLICATES, fewest=1, each="design point")
    parser.set_defaults(func=effect_sensitivity_command)


def effect_sensitivity_line(arguments: argparse.Namespace) -> str:
    """The command as a reader would type it again (workers and --out do not change it)."""
    words = ["python", "run.py", "effect-sensitivity", *arguments.scenarios]
    if arguments.coefficients:
        words += ["--coefficients", arguments.coefficients]
    for option in ("trajectories", "levels", "span", "window", "replicates", "seed"):
        value = getattr(arguments, option)
        if value is not None:
            words += [f"--{option}", f"{value:g}" if isinstance(value, float) else str(value)]
    for item in arguments.overrides:
        words += ["--set", item]
    if arguments.write is not None:
        words += ["--write", str(arguments.write)]
    return shlex.join(words)


def effect_sensitivity_command(arguments: argparse.Namespace) -> int:
    if arguments.from_results is not None:
        if arguments.write is not None:
            check_write_target(arguments.write)
        return write_section(screen.read_results(arguments.from_results), arguments,
                             str(arguments.from_results))
    check_overrides(arguments.overrides)
    frame = tuple(parse_override(item) for item in arguments.overrides)
    scenarios = (tuple(screen.library_scenario(name) for name in arguments.scenarios)
                 if arguments.scenarios else screen.LIBRARY)
    options: dict[str, object] = {}
    if arguments.coefficients is not None:
        options["coefficients"] = tuple(key.strip() for key in arguments.coefficients.split(",")
                                        if key.strip())
    if arguments.span is not None:
        options["span"] = arguments.span
    if arguments.levels % 2:
        raise UsageError(f"--levels: expected an even number (Morris steps span half the "
                         f"levels), got {arguments.levels}")
    setup = screen.Setup(scenarios=scenarios, trajectories=arguments.trajectories,
                         levels=arguments.levels, replicates=arguments.replicates,
                         seed=arguments.seed, window=arguments.window, frame=frame,
                         **options)  # type: ignore[arg-type]
    screen.check_setup(setup)
    sweep = screen.make_sweep(setup)  # checks every coefficient's name and range
    if arguments.window > sweep.base.config.run.days:
        raise UsageError(f"--window: {arguments.window} days is longer than the "
                         f"{sweep.base.config.run.days} days after burn-in")
    # Each run keeps only its outcomes over the window, not its daily series, so the screen
    # is limited like a sweep (in runs), not like `compare` (in run-days held in memory).
    if setup.runs > MAX_RUNS:
        raise UsageError(f"--replicates: {setup.runs:,} runs ({setup.points:,} points x "
                         f"{setup.replicates} paired seeds x {len(setup.scenarios) + 1} "
                         f"variants); the limit is {MAX_RUNS:,}: use fewer trajectories, "
                         "replicates or scenarios")
    if arguments.write is not None:
        check_write_target(arguments.write)
    check_output_folder(arguments.out)
    command = effect_sensitivity_line(arguments)
    print(f"Effect sensitivity: {len(setup.scenarios)} scenarios, {len(setup.coefficients)} "
          f"coefficients, {setup.points} points x {setup.replicates} paired seeds: "
          f"{setup.runs:,} runs.", file=sys.stderr)
    with UnfinishedFolder.claim(arguments.out, "effect-sensitivity") as folder:
        note_stale_folders(arguments.out)
        try:
            result = screen.run_screen(setup, arguments.workers)
            screen.write_results(result, folder.path, command)
        except BaseException:
            folder.discard()  # a screen without all its points has no indices
            raise
        destination = folder.publish()
    result.command = command
    return write_section(result, arguments, str(destination))


def write_section(result: EffectSensitivity, arguments: argparse.Namespace,
                  destination: str) -> int:
    """Print the section, and write it into --write's file (replacing it if present)."""

    text = section(result, result.command)
    if arguments.write is not None:
        old = (arguments.write.read_text(encoding="utf-8") if arguments.write.is_file()
               else "")
        write_atomically(arguments.write, with_section(old, text))
        print(f"Section written: {arguments.write}")
    print(text)
    print(f"Results: {destination}")
    return 0
