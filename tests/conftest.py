"""Shared set-up: the model's compiled loops are prepared once, before any test runs.

On a fresh clone the first run compiles them (several seconds) and writes Numba's on-disk cache;
every later process, the tests' own subprocesses and servers included, loads them from it. Done
here, no test's subprocess or server waits on a compilation. (No test asserts on wall-clock
time; speed is measured in benchmarks/.)

The tests come in two tiers (pyproject.toml): `make test` runs those not marked `validation` or
`slow`; `make validate` runs those (CONTRIBUTING.md, "Setting up and running the tests").
"""

import pytest

from sim.core.model import prepare_compiled_loops


@pytest.fixture(scope="session", autouse=True)
def compiled_loops() -> None:
    prepare_compiled_loops()
