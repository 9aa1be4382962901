"""`python run.py validate FILE...`: check scenario files without running them.

Prints `ok: FILE (name)` for each valid file and one `error: ...` line on stderr for each bad
one; exits 2 if any file is invalid. With `--resolved`, prints each valid scenario fully
resolved (extends, defaults and overrides applied), ready to save and rerun.
"""

from __future__ import annotations

import argparse
import sys

from sim.errors import UsageError
from sim.scenario import list_scenarios, load_scenario
from sim.scenario.arguments import SET_HELP


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
    failed = 0
    for file in files:
        try:
            scenario = load_scenario(file, arguments.overrides)
        except UsageError as error:
            failed += 1
            print(f"error: {error}", file=sys.stderr)
            continue
        if arguments.resolved:
            print(("---\n" if len(files) > 1 else "") + scenario.to_yaml())
        else:
            print(f"ok: {file} ({scenario.name})")
    return 2 if failed else 0
