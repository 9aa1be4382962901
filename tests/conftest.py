"""Shared set-up: the model's compiled loops are prepared once, before any test runs.

On a fresh clone the first run compiles them (several seconds) and writes Numba's on-disk cache;
every later process, the tests' own subprocesses and servers included, loads them from it. Done
here, a test with a time bound measures the model rather than its first compilation.
"""

import pytest

from sim.compiled import prepare_compiled_loops


@pytest.fixture(scope="session", autouse=True)
def compiled_loops() -> None:
    prepare_compiled_loops()
