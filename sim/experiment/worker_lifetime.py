"""Worker processes and servers end with the command that started them, however it ends.

A command stopped by Ctrl-C or a terminate signal stops its workers itself; one killed outright
(SIGKILL, an out-of-memory kill) cannot, so each child watches its parent instead. On Linux the
kernel sends the child a signal when its parent dies (prctl PR_SET_PDEATHSIG); everywhere, a
watchdog thread in the worker checks once a second that the command is still alive.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 1.0


def die_with_parent(signal_number: int = signal.SIGKILL) -> None:
    """Ask the kernel to send `signal_number` to this process when its parent ends (Linux
    only; elsewhere nothing). Safe to call in a child between fork and exec."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal_number), 0, 0, 0)


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user took the number: ours is gone
        return False
    return True


def watch_command(command_pid: int, seconds: float = WATCH_SECONDS) -> None:
    """Start a daemon thread that ends this process as soon as the command `command_pid`
    (its parent, or its parent's parent under a fork server) has ended."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(seconds)
            if os.getppid() != parent or not is_alive(command_pid):
                os._exit(1)  # the command is gone: nobody will read this run

    threading.Thread(target=watch, name="watch-command", daemon=True).start()


def start_worker(command_pid: int) -> None:
    """Initializer of a pool worker: Ctrl-C (sent to the whole terminal's process group) is
    the command's to handle (it cancels the work and stops the workers); a terminate signal
    ends the worker, as the pool expects when it stops workers; and the worker ends by itself
    if the command dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    watch_command(command_pid)
