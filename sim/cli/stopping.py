"""How a command stops: Ctrl-C, SIGTERM and SIGHUP all end it as an interrupt, with an exit
code of 128 + the signal's number and a message that says which."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from sim.errors import Stopped

# Signals that stop a command as Ctrl-C does: `kill`, `timeout` and job schedulers send
# SIGTERM; a closed terminal sends SIGHUP.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


def exit_code(stop: KeyboardInterrupt) -> int:
    """128 + the number of the signal that stopped the command (130 for Ctrl-C)."""
    return 128 + getattr(stop, "signal_number", signal.SIGINT)


def stop_message(stop: KeyboardInterrupt) -> str:
    number = getattr(stop, "signal_number", signal.SIGINT)
    return "interrupted" if number == signal.SIGINT else \
        f"stopped by {signal.Signals(number).name}"


@contextlib.contextmanager
def stop_signals_as_interrupts() -> Iterator[None]:
    """While a command runs, SIGTERM and SIGHUP raise `Stopped` as Ctrl-C raises
    KeyboardInterrupt, so that they clean up and say how to resume the same way. Only the main
    thread can install handlers; elsewhere (a notebook's worker thread) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(number: int, frame: object) -> None:
        for other in STOP_SIGNALS:  # a second signal must not cut the clean-up short
            signal.signal(other, signal.SIG_IGN)
        raise Stopped(number)

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
