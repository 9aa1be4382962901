"""The `run.py` command line: one subcommand per module, each registering itself.

Exit codes: 0 success; 2 bad input or usage (one clear message, no traceback); 1 unexpected
error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from sim.errors import UsageError

# Each module defines `register(subparsers)`, adding its subcommands with `func=` defaults.
COMMAND_MODULES = ("sim.cli.simulate", "sim.cli.validate", "sim.cli.experiment", "sim.cli.app")


class Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="run.py", description=(
        "Hospital safety-culture simulation. With no command, runs the main job on built-in "
        "defaults."))
    subparsers = parser.add_subparsers(dest="command", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        parser = build_parser()
        arguments = parser.parse_args(argv)
        handler = getattr(arguments, "func", None)
        if handler is None:
            from sim.cli.experiment import main_job
            return main_job()
        return int(handler(arguments) or 0)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; no results were left that look complete", file=sys.stderr)
        return 130
