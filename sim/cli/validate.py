"""`python run.py validate FILE...`: check scenario files without running them.

Prints `ok: FILE (name)` for each valid file and, for each bad one, one `error: ...` line on
stderr per problem, every problem of every file (sim.scenario.problems); exits 2 if any file is
invalid. With `--resolved`, prints each valid scenario fully
resolved (extends, defaults and overrides applied), ready to save and rerun.
"""

from __future__ import annotations

import argparse
import sys

from sim.errors import UsageError
from sim.scenario import list_scenarios, load_scenario
from sim.scenario.arguments import SET_HELP
from sim.scenario.problems import override_problems, scenario_problems


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate", help="check scenario files without running them",
        description="Check scenario YAML files without running them (all bundled scenarios "
                    "when no file is given).")
    parser.add_argument("files", nargs="*", metavar="FILE", help="scenario YAML files")
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
        print(f"error: {problem}", file=sys.stderr)
    failed = len(problems)
    for file in files:
        try:
            scenario = load_scenario(file, overrides)
        except UsageError:
            failed += 1
            for problem in scenario_problems(file, overrides):
                print(f"error: {problem}", file=sys.stderr)
            continue
        if arguments.resolved:
            print(("---\n" if len(files) > 1 else "") + scenario.to_yaml())
        else:
            print(f"ok: {file} ({scenario.name})")
    return 2 if failed else 0
