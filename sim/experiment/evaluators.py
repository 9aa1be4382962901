"""Evaluators: where the runs of an experiment execute, behind one interface.

An evaluator is a context manager with `evaluate(function, arguments)`, which yields one
`Outcome` per call as calls finish (in any order). A failed call becomes an outcome with an
error message rather than an exception, so that the other runs carry on. Three backends:
in this process (one worker), a local process pool, and an existing Dask distributed cluster
through its `concurrent.futures` executor.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import multiprocessing
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self

from sim.errors import UsageError

PRELOAD = ["sim.experiment.jobs", "sim.scenario", "sim.model"]
# How long a Dask scheduler has to answer before the address is refused.
DASK_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Outcome:
    """The result of call number `index`, or the error it raised."""

    index: int
    value: Any = None
    error: str | None = None
    details: str = ""


def failure(index: int, error: BaseException) -> Outcome:
    details = "".join(traceback.format_exception(error))
    return Outcome(index, error=f"{type(error).__name__}: {error}", details=details)


class Evaluator:
    """Runs calls and yields their outcomes as they finish.

    Subclasses set up their workers in `open` and stop them in `close`; opening early (before
    anything is written) lets a command refuse an unusable backend before it starts.
    """

    description = "evaluator"
    workers = 1
    is_open = False

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> Self:
        self.open()
        self.is_open = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.is_open = False
        self.close()

    def evaluate(self, function: Callable[..., Any],
                 arguments: Sequence[tuple[Any, ...]]) -> Iterator[Outcome]:
        raise NotImplementedError


class SequentialEvaluator(Evaluator):
    """Every call in this process, one after another (no pickling, easiest to debug)."""

    description = "sequential (1 worker, in process)"

    def evaluate(self, function: Callable[..., Any],
                 arguments: Sequence[tuple[Any, ...]]) -> Iterator[Outcome]:
        for index, args in enumerate(arguments):
            try:
                value = function(*args)
            except Exception as error:
                yield failure(index, error)
            else:
                yield Outcome(index, value)


class ExecutorEvaluator(Evaluator):
    """Calls submitted to a `concurrent.futures.Executor`, all at once."""

    executor: cf.Executor

    def __init__(self) -> None:
        self.pending: list[cf.Future] = []

    def evaluate(self, function: Callable[..., Any],
                 arguments: Sequence[tuple[Any, ...]]) -> Iterator[Outcome]:
        index_of = {self.executor.submit(function, *args): index
                    for index, args in enumerate(arguments)}
        self.pending = list(index_of)
        for future in cf.as_completed(index_of):
            error = future.exception()
            if error is None:
                yield Outcome(index_of[future], future.result())
            else:
                yield failure(index_of[future], error)
        self.pending = []

    def cancel_pending(self) -> None:
        # Interrupted or failed mid-way: do not start runs nobody will read.
        for future in self.pending:
            future.cancel()


def ignore_interrupts() -> None:
    """Pool workers leave Ctrl-C to the parent, which cancels the work and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessPoolEvaluator(ExecutorEvaluator):
    """A pool of local worker processes."""

    def __init__(self, workers: int) -> None:
        super().__init__()
        self.workers = workers
        self.description = f"local process pool ({workers} workers)"

    def open(self) -> None:
        # forkserver: safe when the parent has threads (progress bar, Dask client).
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods
                                              else "spawn")
        if context.get_start_method() == "forkserver":
            # Import the model once in the server; workers fork from it ready to run.
            context.set_forkserver_preload(PRELOAD)
        self.executor = cf.ProcessPoolExecutor(self.workers, mp_context=context,
                                               initializer=ignore_interrupts)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class DaskEvaluator(ExecutorEvaluator):
    """An existing Dask distributed cluster, through `Client.get_executor()`.

    The workers must be able to import this package (same version), as for any Dask job.
    """

    def __init__(self, address: str, timeout: float | None = None) -> None:
        super().__init__()
        self.address = address
        self.timeout = DASK_TIMEOUT_SECONDS if timeout is None else timeout
        self.description = f"Dask distributed cluster at {address}"

    def open(self) -> None:
        try:
            from distributed import Client
        except ImportError as error:
            raise UsageError("--dask needs the optional Dask extra: "
                             "pip install 'hospital-safety-culture[dask]'") from error
        check_dask_address(self.address)
        check_scheduler_answers(self.address, self.timeout)
        try:
            self.client = Client(self.address, timeout=f"{self.timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise UsageError(f"--dask {self.address}: cannot reach the Dask scheduler "
                             f"({one_line(error)})") from None
        try:
            self.workers = max(1, sum(self.client.nthreads().values()))
            # pure=False: every job is a distinct task even if two scenarios are identical.
            self.executor = self.client.get_executor(pure=False)
        except BaseException:
            self.client.close()  # an unclosed client holds the process for its timeout at exit
            raise

    def close(self) -> None:
        self.cancel_pending()
        self.executor.shutdown(wait=False)
        self.client.close()


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def check_dask_address(address: str) -> None:
    """Refuse a malformed scheduler address or an unknown scheme up front."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        if scheme != "inproc":
            parse_host_port(location)
    except (ValueError, TypeError) as error:
        raise UsageError(f"--dask expects a scheduler address such as tcp://host:8786 "
                         f"({one_line(error)})") from None


def check_scheduler_answers(address: str, timeout: float) -> None:
    """Ask the address who it is, within `timeout` seconds; anything but a Dask scheduler
    answering in time is refused (a Client would wait without limit on a silent listener,
    and can choke on whatever another kind of server sends back)."""
    if address.startswith("inproc://"):
        return  # a scheduler in this very process: nothing can hang or answer wrongly
    try:
        identity = asyncio.run(asyncio.wait_for(scheduler_identity(address, timeout), timeout))
    except TimeoutError:
        raise UsageError(f"--dask {address}: no Dask scheduler answered within "
                         f"{timeout:g} s") from None
    except OSError as error:  # refused, unreachable, closed: distributed's errors are OSErrors
        raise UsageError(f"--dask {address}: cannot reach a Dask scheduler "
                         f"({one_line(error)})") from None
    except Exception:  # whatever else the other end does, the user gets one line
        identity = None
    if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
        raise UsageError(f"--dask {address}: something answered, but not a Dask scheduler")


async def scheduler_identity(address: str, timeout: float) -> Any:
    from distributed.comm import connect

    comm = await connect(address, timeout=timeout)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def make_evaluator(workers: int, dask_address: str | None = None,
                   jobs: int | None = None) -> Evaluator:
    """The evaluator for the command-line options: Dask if an address is given, else local
    (no more processes than there are jobs to run)."""
    if dask_address:
        return DaskEvaluator(dask_address)
    if workers < 1:
        raise UsageError(f"--workers must be at least 1 (got {workers})")
    if jobs is not None:
        workers = max(1, min(workers, jobs))
    return SequentialEvaluator() if workers == 1 else ProcessPoolEvaluator(workers)
