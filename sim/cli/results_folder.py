"""Results folders: claimed before the first simulated day, filled as runs finish, published.

A command first checks its output folder (`check_output_folder`), then claims a hidden
unfinished folder `.incomplete-<timestamp>-<label>` by creating it: creating a directory is
atomic, so two commands writing to the same parent at the same second get different names.
Work is written into it as it finishes; when everything is written it is renamed to
`<timestamp>-<label>`, so a folder appears under its final name only when complete, and an
existing folder is never overwritten.

While a command works in an unfinished folder it holds an advisory lock on the folder's lock
file. The kernel releases that lock when the process ends, however it ends (even SIGKILL), so
an unfinished folder whose lock can be taken belongs to no running command: it is stale, and
can be resumed or removed (`run.py unfinished`).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import itertools
import os
import shlex
import shutil
import time
from pathlib import Path
from typing import IO, Self

from sim.errors import UsageError
from sim.naming import safe_name

UNFINISHED_PREFIX = ".incomplete-"
LOCK_FILE = ".lock"
# An unfinished folder or file without a lock is someone's claim in progress for a moment
# only; older than this, it was left by a command that ended before locking (or an old one).
CLAIM_GRACE_SECONDS = 60
# Paths are limited to 4,096 bytes on Linux. The results folder's name (the unfinished prefix,
# a timestamp, a label of at most `sim.naming.MAX_LABEL_BYTES` and a counter) and the longest
# names written inside it (runs/.partial-... files, figures) need this much room below the
# output folder.
MAX_PATH_BYTES = 4096
ROOM_FOR_RESULTS_BYTES = 400


def timestamped_name(label: str, number: int = 1) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{safe_name(label)}" + (f"-{number}" if number > 1 else "")


def reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def check_output_folder(parent: Path, option: str = "--out") -> None:
    """Refuse an output folder that is a file, lies under a file, or cannot be written.

    Nothing is created: a folder that does not exist yet is fine if its nearest existing
    ancestor is a folder this user can write in (it is created when results are claimed).
    """
    parent = Path(parent)
    shown = f"{option} {parent}"
    check_path_length(parent, shown)
    try:
        existing = parent
        while not existing.exists():
            if existing.parent == existing:
                break
            existing = existing.parent
        if existing.exists() and not existing.is_dir():
            where = "is" if existing == parent else f"is inside {existing}, which is"
            raise UsageError(f"{shown}: {where} a file, not a folder")
        if not os.access(existing, os.W_OK | os.X_OK):
            what = "folder" if existing == parent else f"folder {existing}"
            raise UsageError(f"{shown}: cannot write in this {what} (permission denied)")
    except UsageError:
        raise
    except OSError as error:  # e.g. a name too long for the file system
        raise UsageError(f"{shown}: not a usable folder ({reason(error)})") from None
    except ValueError:  # a NUL character in the path
        raise UsageError(f"{shown}: not a usable folder name") from None


def check_path_length(parent: Path, shown: str) -> None:
    """Refuse an output folder so deep that the results written inside would not fit in a
    path, before anything is simulated (they would fail only at the figures)."""
    try:
        length = len(os.fsencode(os.path.abspath(parent)))
    except (OSError, ValueError):
        return  # a NUL character or the like: the checks that follow name it
    limit = MAX_PATH_BYTES - ROOM_FOR_RESULTS_BYTES
    if length > limit:
        raise UsageError(f"{shown[:60]}...: the path is {length:,} bytes long; at most "
                         f"{limit:,} leave room for the results folder and its files")


def make_output_folder(parent: Path, option: str = "--out") -> None:
    check_output_folder(parent, option)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{option} {parent}: cannot create the folder ({reason(error)})") \
            from None


class UnfinishedFolder:
    """A claimed, locked results folder that is still being written."""

    def __init__(self, path: Path, lock: IO[bytes]) -> None:
        self.path = path
        self.lock = lock

    @property
    def final_name(self) -> str:
        return self.path.name.removeprefix(UNFINISHED_PREFIX)

    @classmethod
    def claim(cls, parent: Path, label: str, option: str = "--out") -> Self:
        """Create and lock a fresh unfinished folder under `parent` (checked first)."""
        parent = Path(parent)
        make_output_folder(parent, option)
        for number in itertools.count(1):
            name = timestamped_name(label, number)
            if os.path.lexists(parent / name):  # a dangling link holds the name too
                continue
            path = parent / f"{UNFINISHED_PREFIX}{name}"
            try:
                path.mkdir()  # the atomic claim: exactly one command can create it
            except FileExistsError:
                continue
            except OSError as error:
                raise UsageError(f"{option} {parent}: cannot create a results folder there "
                                 f"({reason(error)})") from None
            lock = take_lock(path)
            if lock is not None:
                return cls(path, lock)
        raise AssertionError("unreachable")

    @classmethod
    def reopen(cls, path: Path, option: str = "--resume", needs: str | None = None) -> Self:
        """Lock an existing unfinished folder again, to finish it; `needs` is a file it must
        hold to be worth resuming (checked before anything is written into it)."""
        path = Path(path)
        hidden = path.with_name(UNFINISHED_PREFIX + path.name)
        if not path.name.startswith(UNFINISHED_PREFIX) and hidden.is_dir():
            path = hidden  # the user gave the name the results will have
        if path.is_symlink():
            raise UsageError(f"{option} {path}: a link, not an unfinished results folder "
                             "(give the folder itself)")
        if not path.is_dir():
            raise UsageError(f"{option} {path}: no such unfinished results folder")
        if not path.name.startswith(UNFINISHED_PREFIX):
            raise UsageError(f"{option} {path}: not an unfinished results folder (those are "
                             f"named {UNFINISHED_PREFIX}...; `run.py unfinished` lists them)")
        if needs is not None and not (path / needs).is_file():
            raise UsageError(f"{option} {path}: not a resumable experiment (no {needs}); "
                             "remove it with `run.py unfinished --remove`")
        lock = take_lock(path, create=False)
        if lock is None:
            raise UsageError(f"{option} {path}: in use by a command that is still running")
        return cls(path, lock)

    def publish(self) -> Path:
        """Rename to the final name (the next free one if another command took it)."""
        base = self.final_name
        for number in itertools.count(1):
            final = self.path.with_name(base if number == 1 else f"{base}-{number}")
            if os.path.lexists(final):  # a dangling link holds the name too
                continue
            try:
                os.rename(self.path, final)
            except OSError as error:
                if error.errno in (errno.EEXIST, errno.ENOTEMPTY):
                    continue  # taken between the check and the rename
                raise
            self.path = final
            break
        (self.path / LOCK_FILE).unlink(missing_ok=True)
        return self.path

    def discard(self) -> None:
        """Remove the folder (nothing in it is worth keeping)."""
        shutil.rmtree(self.path, ignore_errors=True)

    def release(self) -> None:
        self.lock.close()  # closing the file releases the lock

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def take_lock(folder: Path, *, create: bool = True, adopt: bool = True) -> IO[bytes] | None:
    """The folder's lock, held until the file is closed; None if another process holds it
    (or, unless `adopt`, if the folder has no lock file: nothing is written then)."""
    path = folder / LOCK_FILE
    try:
        handle = open(path, "ab" if create else "rb")  # noqa: SIM115 (held for the folder's life)
    except FileNotFoundError:
        if create or not adopt:
            if create:
                raise
            return None
        handle = open(path, "ab")  # noqa: SIM115 (a folder left by an older version)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def is_stale(path: Path) -> bool:
    """True if no running command works in this unfinished folder (or partial file). A link
    named like one is never a command's: commands create real folders."""
    if path.is_symlink():
        return True
    lock_path = path / LOCK_FILE
    try:
        locked_folder = path.is_dir() and lock_path.exists()
        marker = lock_path if locked_folder else path
        if time.time() - marker.stat().st_mtime < CLAIM_GRACE_SECONDS:
            return False  # possibly a claim in progress
    except OSError:
        return False
    if not locked_folder:
        return True
    lock = take_lock(path, create=False)
    if lock is None:
        return False
    lock.close()
    return True


def stale_unfinished(parent: Path) -> list[Path]:
    """Unfinished folders and partial files under `parent` that no running command owns."""
    try:
        candidates = sorted(Path(parent).glob(f"{UNFINISHED_PREFIX}*"))
    except OSError:
        return []
    return [path for path in candidates if is_stale(path)]


def remove_unfinished(path: Path) -> bool:
    """Remove a stale unfinished folder or file, holding its lock meanwhile; False if in use."""
    if not is_stale(path):
        return False
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)  # a link goes, never what it points to
        return True
    if not (path / LOCK_FILE).exists():  # never locked: a claim that ended at once
        shutil.rmtree(path)
        return True
    lock = take_lock(path, create=False, adopt=False)
    if lock is None:
        return False
    with lock:
        shutil.rmtree(path)
    return True


def resume_hint(command: list[str], folder: Path) -> str:
    return shlex.join(["python", *command, "--resume", str(folder)])
