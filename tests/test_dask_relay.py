"""Each Dask task's outcome reaches the runs as it was read, even if the task's status moves on
afterwards (its worker closing after the value was fetched)."""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
from typing import Any

import pytest

pytest.importorskip("distributed")

from sim.experiment.dask_relay import ResultLost, relay


class TaskAfterItsWorkerClosed:
    """A Dask future whose `_result` returns `outcome` (or raises `error`), and whose status
    reads "lost" afterwards, as when its worker closes just after the value was fetched."""

    status = "lost"

    def __init__(self, outcome: Any = None, error: BaseException | None = None) -> None:
        self.outcome, self.error = outcome, error

    async def _result(self, raiseit: bool = True) -> Any:
        assert raiseit is False
        if self.error is not None:
            raise self.error
        return self.outcome

    def cancelled(self) -> bool:
        return False


def relayed(future: TaskAfterItsWorkerClosed) -> cf.Future:
    cf_future: cf.Future = cf.Future()
    asyncio.run(relay(future, cf_future))
    return cf_future


def test_a_value_fetched_before_the_worker_closed_is_the_result() -> None:
    value = {"days": [1, 2, 3]}
    assert relayed(TaskAfterItsWorkerClosed(value)).result(timeout=0) is value


def test_the_task_s_own_error_is_raised_as_it_was() -> None:
    error = ZeroDivisionError("in the model")
    future = relayed(TaskAfterItsWorkerClosed((ZeroDivisionError, error, None)))
    assert future.exception(timeout=0) is error


def test_a_cancelled_task_cancels_the_run() -> None:
    future = relayed(TaskAfterItsWorkerClosed(cf.CancelledError("scheduler-connection-lost")))
    assert future.cancelled()


def test_a_value_that_cannot_be_fetched_is_a_lost_result_not_a_failed_run() -> None:
    future = relayed(TaskAfterItsWorkerClosed(error=OSError("Stream is closed")))
    error = future.exception(timeout=0)
    assert isinstance(error, ResultLost) and "Stream is closed" in str(error)
