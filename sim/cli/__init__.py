"""The `run.py` command line: one subcommand per module, each registering itself.

Exit codes:
    0    success
    1    the work could not be completed: some runs failed, results could not be written, or an
         internal error (one line on screen, the traceback in a log file it names); for
         check-model, a check of the model failed
    2    bad input or usage (one clear line, nothing simulated or written)
    128+N  stopped by signal N: 130 Ctrl-C (SIGINT), 143 SIGTERM (`kill`, `timeout`, a job
         scheduler), 129 SIGHUP (the terminal closed); finished runs are kept for --resume
"""

from __future__ import annotations

import argparse
import importlib
import sys

from sim.cli.error_log import one_line, print_error, write_error_log
from sim.cli.experiment import main_job
from sim.cli.stopping import exit_code, stop_message, stop_signals_as_interrupts
from sim.errors import UsageError, WorkersLost

# Each module defines `register(subparsers)`, adding its subcommands with `func=` defaults.
COMMAND_MODULES = ("sim.cli.simulate", "sim.cli.validate", "sim.cli.experiment", "sim.cli.sweep",
                   "sim.cli.evidence", "sim.cli.app", "sim.app.lessons", "sim.cli.unfinished",
                   "sim.cli.hospital")
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")

    def _get_value(self, action: argparse.Action, arg_string: str) -> object:
        # An option's type check raises UsageError with its own one-line message; argparse
        # would replace it with "invalid value" (it catches every ValueError).
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as error:
            if isinstance(error.__context__, UsageError):
                raise error.__context__ from None
            raise


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="run.py", description=(
        "Hospital safety-culture simulation. With no command, runs the main job on built-in "
        "defaults."), epilog=(
        "exit codes: 0 success; 1 runs failed, results could not be written or an internal "
        "error (see the log named), or a check-model check failed; 2 bad input; "
        "128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)"))
    subparsers = parser.add_subparsers(dest="command", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        with stop_signals_as_interrupts():
            return run_command(argv)
    except KeyboardInterrupt as stop:  # a signal between the command's end and the return
        print(stop_message(stop), file=sys.stderr)
        return exit_code(stop)


def run_command(argv: list[str]) -> int:
    try:
        parser = build_parser()
        arguments = parser.parse_args(argv)
        handler = getattr(arguments, "func", None)
        if handler is None:
            return main_job()
        return int(handler(arguments) or 0)
    except UsageError as error:
        print_error(str(error))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as stop:
        print(stop_message(stop), file=sys.stderr)
        return exit_code(stop)
    except WorkersLost as error:  # a command without a results folder to resume
        print_error(f"{error}; nothing was written: run the command again")
        return EXIT_FAILED
    except Exception as error:  # a bug or the environment: one line, details in a log
        return internal_error(error)


def internal_error(error: Exception) -> int:
    log = write_error_log(error)
    where = f"details in {log}" if log else "no log could be written"
    print_error(f"internal error ({one_line(error)}); {where}")
    return EXIT_FAILED
