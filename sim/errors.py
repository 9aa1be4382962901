"""Errors that reach the user as one clear message and exit code 2, never as a traceback."""


class UsageError(Exception):
    """Bad input or usage: a bad scenario file, an unknown option value, a missing file."""
