"""The held-out patterns (`sim.evidence.heldout`): no coefficient was fitted to them, and they
run on root seed 7, never used for tuning. Slow tier: 10 paired replicates of the default
hospital per variant, two-year runs for withdrawal, hospitals of 4 and 12 wards for scale."""

import pytest

from sim.evidence.heldout import HELD_OUT_CHECKS, HELD_OUT_SEED, measure_held_out
from sim.experiment.jobs import replicate_seeds

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def checks():
    return {check.pattern: check
            for check in measure_held_out(replicate_seeds(HELD_OUT_SEED, 10))}


def test_every_pattern_is_checked(checks):
    assert len(checks) == HELD_OUT_CHECKS


@pytest.mark.parametrize("pattern", [
    "regulation has an interior optimum",
    "walkrounds trial null (2 a month, usual follow-through)",
    "walkrounds saturate (4 vs 30 a month)",
    "walkrounds' harm effect saturates (4 vs 30 a month)",
    "nonpunitive response stays the lowest composite under just culture",
    "patient reports from a near-zero baseline, as a rate",
    "effect per admission does not grow with wards (4 vs 12)",
])
def test_held_out_pattern_holds(checks, pattern):
    check = checks[pattern]
    assert check.passed, f"{check.pattern}: {check.claim}; measured {check.measured}"
