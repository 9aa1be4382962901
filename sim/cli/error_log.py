"""Unexpected errors go to a log file; the screen gets one line that says where it is."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from pathlib import Path

LOG_NAME = "error.log"


def one_line(error: BaseException, limit: int = 200) -> str:
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def write_error_log(error: BaseException, folder: Path | None = None) -> Path | None:
    """Write the traceback to `folder`/error.log (or a new file in the temporary folder);
    None if even that cannot be written (a full disk)."""
    if folder is not None:
        path = Path(folder) / LOG_NAME
    else:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(tempfile.gettempdir()) / f"hospital-safety-culture-{stamp}-{os.getpid()}.log"
    try:
        path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    except OSError:
        return None
    return path


def print_error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
