"""A `concurrent.futures` view of Dask tasks that reports each task's outcome as it was.

`distributed`'s own `Client.get_executor()` fetches a finished task's value and then reads the
task's status again; if the worker holding the value closes in between, the status is no
longer "finished" and the value is unpacked as if it were an error, so a run that succeeded is
reported as a failed one ("cannot unpack non-iterable ..."). Here the outcome comes from one
read: the value, the task's own error, a cancellation, or `ResultLost` when the value could
not be fetched (which the caller treats as a lost cluster, not as a failed run).
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
from typing import Any

from distributed.cfexecutor import ClientExecutor


class ResultLost(Exception):
    """A task's value could not be fetched from the cluster: the cluster failed, not the
    run."""


async def relay(future: Any, cf_future: cf.Future) -> None:
    """Wait for the Dask `future` and hand what it ended with to `cf_future`."""
    try:
        outcome = await future._result(raiseit=False)
    except BaseException as error:  # fetching the value failed: the connection or the worker
        if not cf_future.done():
            cf_future.set_exception(ResultLost(f"{type(error).__name__}: {error}"))
        return
    if cf_future.done():
        return
    # Judged by what came back, never by the status read again: that can have moved on.
    if isinstance(outcome, cf.CancelledError | asyncio.CancelledError):
        cf_future.cancel()
        cf_future.set_running_or_notify_cancel()  # wakes wait() and as_completed()
    elif is_task_error(outcome):
        cf_future.set_exception(outcome[1].with_traceback(outcome[2]))
    else:
        cf_future.set_result(outcome)


def is_task_error(outcome: Any) -> bool:
    """True if `outcome` is the (type, error, traceback) that a failed task leaves."""
    return (isinstance(outcome, tuple) and len(outcome) == 3
            and isinstance(outcome[1], BaseException))


class RelayingExecutor(ClientExecutor):
    """`ClientExecutor` whose futures are settled by `relay`."""

    def _wrap_future(self, future: Any) -> cf.Future:
        cf_future: cf.Future = cf.Future()

        def cancel_task(done: cf.Future) -> None:
            # Cancelling the concurrent.futures side cancels the Dask task too.
            if done.cancelled() and future.status != "cancelled":
                future.cancel()

        cf_future.add_done_callback(cancel_task)
        self._client.loop.add_callback(relay, future, cf_future)
        return cf_future
