"""`python run.py validate FILE...`: check scenario, sweep and calibration files without
running them.

A file with a `design` is a sweep (docs/sweeps.md), one with `targets` a calibration
(docs/evidence.md), one with a `survey` a hospital file (docs/your_hospital.md); anything else
is a scenario. Prints `ok: FILE (name)` for each valid file.
For each bad scenario it prints one `error: ...` line on stderr per problem, every problem of
every file (sim.scenario.problems); for a bad sweep or calibration file, its first problem.
Exits 2 if any file is invalid. With `--resolved`, prints each valid scenario fully resolved
(extends, defaults and overrides applied), ready to save and rerun.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.error_log import print_error
from sim.errors import UsageError
from sim.evidence.calibration_file import read_calibration
from sim.hospital.hospital_file import HospitalFileError, read_hospital
from sim.scenario import list_scenarios, load_scenario
from sim.scenario.arguments import SET_HELP
from sim.scenario.problems import override_problems, scenario_problems
from sim.scenario.yaml_io import read_yaml_file
from sim.sweep.design import design_warning, point_count
from sim.sweep.spec import load_sweep


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate", help="check scenario, sweep or calibration files without running them",
        description="Check scenario, sweep or calibration YAML files without running them "
                    "(all bundled scenarios when no file is given).")
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="scenario, sweep or calibration YAML files")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help=SET_HELP)
    parser.add_argument("--resolved", action="store_true",
                        help="print each valid scenario fully resolved, as YAML")
    parser.set_defaults(func=validate_files)


def validate_files(arguments: argparse.Namespace) -> int:
    files = arguments.files or [str(path) for path in list_scenarios()]
    if not files:
        raise UsageError("validate: no scenario files given and none bundled")
    # A bad --set is reported once, and the files are checked with the others.
    problems, overrides = override_problems(arguments.overrides)
    for problem in problems:
        print_error(str(problem))
    failed = len(problems)
    for file in files:
        kind = file_kind(file)
        if kind != "scenario":
            failed += not check_other_file(file, kind)
            continue
        try:
            scenario = load_scenario(file, overrides)
        except UsageError:
            failed += 1
            for problem in scenario_problems(file, overrides):
                print_error(str(problem))
            continue
        if arguments.resolved:
            print(("---\n" if len(files) > 1 else "") + scenario.to_yaml())
        else:
            print(f"ok: {file} ({scenario.name})")
    return 2 if failed else 0


# Keys only a sweep file has (a scenario has none of them).
SWEEP_ONLY_KEYS = {"design", "base", "parameters", "outcomes", "exclude", "span"}


def file_kind(file: str) -> str:
    """`sweep`, `calibration` or `scenario`, from the file's top-level keys."""

    try:
        data = read_yaml_file(Path(file), file)
    except UsageError:
        return "scenario"  # unreadable: the scenario checks say why, with every problem
    if isinstance(data, dict) and "targets" in data and "design" not in data:
        return "calibration"
    if isinstance(data, dict) and SWEEP_ONLY_KEYS & set(data):
        return "sweep"  # its checks say what is missing (a sweep without `design:`, say)
    if isinstance(data, dict) and "survey" in data:
        return "hospital"
    return "scenario"


def check_other_file(file: str, kind: str) -> bool:
    """Check a sweep or calibration file; print `ok` or its first problem. True if valid."""
    if kind == "hospital":
        return check_hospital_file(file)
    try:
        if kind == "sweep":
            sweep = load_sweep(file)
            warning = design_warning(sweep)
            if warning:
                print(f"warning: {file}: {warning}", file=sys.stderr)
            described = (f"sweep {sweep.name}: {point_count(sweep) * sweep.replicates:,} runs "
                         f"of a {sweep.design} design")
        else:
            calibration = read_calibration(file)
            described = (f"calibration {calibration.name}: {len(calibration.parameters)} "
                         "parameters")
    except UsageError as error:
        print_error(str(error))
        return False
    print(f"ok: {file} ({described})")
    return True


def check_hospital_file(file: str) -> bool:
    """Check a hospital file (hospitals/*.yaml); print `ok` or every problem, one line each."""

    try:
        hospital = read_hospital(file)
    except HospitalFileError as error:
        for problem in error.problems:
            print_error(str(problem))
        return False
    except UsageError as error:
        print_error(str(error))
        return False
    print(f"ok: {file} (hospital {hospital.name}: {hospital.beds} beds, "
          f"{len(hospital.composites)} survey composites)")
    return True
