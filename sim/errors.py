"""Errors that reach the user as one clear message, never as a traceback.

`UsageError` is a `ValueError`: the Python API (sim.api) documents `ValueError` for every bad
argument, and the command line turns it into one line and exit code 2.
"""


class UsageError(ValueError):
    """Bad input or usage: a bad scenario file, an unknown option value, a missing file."""


class WorkersLost(Exception):
    """The workers were lost mid-run (a pool process killed, e.g. out of memory, or a Dask
    scheduler or every Dask worker gone): the command stops, keeping the runs finished so far,
    and publishes nothing."""


class Stopped(KeyboardInterrupt):
    """The command was asked to stop by a signal (Ctrl-C, a terminate or hang-up signal);
    handled like Ctrl-C, with exit code 128 + the signal's number."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number
