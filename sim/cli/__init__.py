"""The `run.py` command line: one subcommand per module, each registering itself.

Exit codes:
    0    success
    1    the work could not be completed: some runs failed, results could not be written, or an
         internal error (one line on screen, the traceback in a log file it names); for
         check-model, a check of the model failed
    2    bad input or usage (one clear line, nothing simulated or written)
    130  interrupted (Ctrl-C); finished runs are kept for --resume
"""

from __future__ import annotations

import argparse
import importlib
import sys

from sim.errors import UsageError

# Each module defines `register(subparsers)`, adding its subcommands with `func=` defaults.
COMMAND_MODULES = ("sim.cli.simulate", "sim.cli.validate", "sim.cli.experiment", "sim.cli.sweep",
                   "sim.cli.evidence", "sim.cli.app", "sim.cli.unfinished",
                   "sim.cli.hospital")
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="run.py", description=(
        "Hospital safety-culture simulation. With no command, runs the main job on built-in "
        "defaults."), epilog=(
        "exit codes: 0 success; 1 runs failed, results could not be written or an internal "
        "error (see the log named), or a check-model check failed; 2 bad input; "
        "130 interrupted"))
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
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug or the environment: one line, details in a log
        return internal_error(error)


def internal_error(error: Exception) -> int:
    from sim.cli.error_log import one_line, write_error_log

    log = write_error_log(error)
    where = f"details in {log}" if log else "no log could be written"
    print(f"error: internal error ({one_line(error)}); {where}", file=sys.stderr)
    return EXIT_FAILED
