"""Evaluators: where the runs of an experiment execute, behind one interface.

An evaluator is a context manager with `evaluate(function, arguments)`, which yields one
`Outcome` per call as calls finish (in any order). A failed call becomes an outcome with an
error message rather than an exception, so that the other runs carry on. Three backends:
in this process (one worker), a local process pool, and an existing Dask distributed cluster
through its `concurrent.futures` executor.

Losing the workers is not a failed run: a pool process killed (by the system when memory runs
out, say), a Dask scheduler gone or a cluster left with no workers raises `WorkersLost`, so
the command stops as on a full disk, keeping the runs finished so far for `--resume`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import logging
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self

from sim.errors import UsageError, WorkersLost
from sim.experiment.worker_lifetime import start_worker

PRELOAD = ["sim.experiment.jobs", "sim.scenario", "sim.core.model"]
# How long a Dask scheduler has to answer before the address is refused, and how long a
# running cluster may be out of reach or without workers before the command stops.
DASK_TIMEOUT_SECONDS = 10.0
# How often a wait for the next finished run looks at the workers.
POLL_SECONDS = 1.0
# How long a killed worker process may take to be gone before the pool is shut down.
WORKER_EXIT_SECONDS = 10.0


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
        waiting: set[cf.Future] = set(index_of)
        while waiting:
            done, waiting = cf.wait(waiting, timeout=POLL_SECONDS,
                                    return_when=cf.FIRST_COMPLETED)
            if not done:
                self.check_workers()
            for future in sorted(done, key=index_of.__getitem__):
                yield self.outcome(index_of[future], future)
        self.pending = []

    def outcome(self, index: int, future: cf.Future) -> Outcome:
        try:
            error = future.exception()
        except cf.CancelledError:  # only the executor cancels: it was shut down or lost
            raise WorkersLost(self.lost_workers(None)) from None
        if error is None:
            return Outcome(index, future.result())
        if self.is_lost(error):
            raise WorkersLost(self.lost_workers(error)) from error
        return failure(index, error)

    def is_lost(self, error: BaseException) -> bool:
        """True if `error` means the workers were lost, not that the run failed."""
        return isinstance(error, cf.BrokenExecutor | cf.CancelledError)

    def lost_workers(self, error: BaseException | None) -> str:
        return "the workers were lost" + (f" ({one_line(error)})" if error else "")

    def check_workers(self) -> None:
        """Called while no run has finished for a while: raise WorkersLost if no worker is
        left to finish them."""
        return None

    def unfinished(self) -> bool:
        return any(not future.done() for future in self.pending)

    def cancel_pending(self) -> None:
        # Interrupted or failed mid-way: do not start runs nobody will read.
        for future in self.pending:
            future.cancel()


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
                                               initializer=start_worker,
                                               initargs=(os.getpid(),))

    def lost_workers(self, error: BaseException | None) -> str:
        return ("a worker process was killed (by the system when memory ran out, or by a "
                "signal)")

    def close(self) -> None:
        if self.unfinished():
            # Stopped or failed mid-way: nobody will read the runs still going, so their
            # workers are stopped now rather than left to finish them.
            self.cancel_pending()
            processes = list(getattr(self.executor, "_processes", {}).values())
            for process in processes:
                process.kill()
            for process in processes:
                process.join(WORKER_EXIT_SECONDS)
            # A worker killed while sending its result leaves half a message in the result
            # pipe, and the pool's manager thread waits for the rest for ever, since this
            # process still holds the pipe's writing end (nothing here writes to it). Closed,
            # the wait ends at once and the pool shuts down as broken.
            result_queue = getattr(self.executor, "_result_queue", None)
            if result_queue is not None:
                result_queue._writer.close()
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
            from sim.experiment.dask_relay import RelayingExecutor

            self.executor = RelayingExecutor(self.client, pure=False)
        except BaseException:
            self.client.close()  # an unclosed client holds the process for its timeout at exit
            raise
        self.without_workers_since: float | None = None
        # A lost scheduler is reported in one line with the resume command; distributed's
        # own tracebacks about the lost connection would bury it.
        self.quieted = {name: logging.getLogger(name).level for name in DASK_LOGGERS}
        for name in DASK_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)

    def is_lost(self, error: BaseException) -> bool:
        from distributed import KilledWorker

        from sim.experiment.dask_relay import ResultLost

        # KilledWorker: every worker that took the run died (killed, or out of memory);
        # ResultLost: the run finished but its value went with its worker or connection.
        return (super().is_lost(error) or isinstance(error, KilledWorker | ResultLost)
                or self.client.status not in ("running", "connecting", "newly-created"))

    def lost_workers(self, error: BaseException | None) -> str:
        return f"the Dask cluster at {self.address} was lost" + (
            f" ({one_line(error)})" if error is not None and one_line(error) != "" else "")

    def check_workers(self) -> None:
        """A cluster whose scheduler has gone, or which has had no worker for longer than
        the timeout, will never finish the runs."""
        if self.client.status not in ("running", "connecting", "newly-created"):
            raise WorkersLost(f"the Dask scheduler at {self.address} was lost")
        now = time.monotonic()
        workers = self.worker_count()
        if workers:
            self.without_workers_since = None
            return
        if self.without_workers_since is None:
            self.without_workers_since = now
        elif now - self.without_workers_since >= self.timeout:
            raise WorkersLost(f"the Dask cluster at {self.address} has had no workers for "
                              f"{self.timeout:g} s")

    def worker_count(self) -> int:
        """Workers the scheduler knows now; 0 if it does not answer within the timeout (a
        silent scheduler is as good as none)."""
        update = getattr(self.client, "_update_scheduler_info", None)
        try:
            if update is None:
                return len(self.client.scheduler_info().get("workers", {}))
            self.client.sync(update, n_workers=-1, callback_timeout=self.timeout)
            return len(getattr(self.client, "_scheduler_identity", {}).get("workers", {}))
        except Exception:  # the connection is going or the scheduler is silent
            return 0

    def close(self) -> None:
        self.cancel_pending()
        try:
            self.executor.shutdown(wait=False)
            self.client.close(timeout=self.timeout)
        except Exception:  # a lost scheduler: nothing is left to close
            pass
        finally:
            for name, level in getattr(self, "quieted", {}).items():
                logging.getLogger(name).setLevel(level)


DASK_LOGGERS = ("distributed", "distributed.client", "distributed.batched", "tornado")


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

    # Distributed retries a refused connection until its own timeout and then raises an
    # OSError; given twice the time, it never does first, so the one deadline is the caller's
    # `asyncio.wait_for` and a scheduler that does not answer in time always reads the same.
    comm = await connect(address, timeout=2 * timeout)
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
