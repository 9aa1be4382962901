"""The held-out patterns (`sim.evidence.heldout`): no coefficient was fitted to them, and they
run on root seed 7, never used for tuning. Slow tier: 10 paired replicates of the default
hospital per variant, two-year runs for withdrawal, hospitals of 4 and 12 wards for scale."""

import pytest

from sim.evidence.heldout import HELD_OUT_CHECKS, HELD_OUT_SEED, held_out_seeds, measure_held_out

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def checks():
    seeds, scale_seeds = held_out_seeds(HELD_OUT_SEED, 10)
    return {check.pattern: check
            for check in measure_held_out(seeds, scale_seeds=scale_seeds)}


def test_every_pattern_is_checked(checks):
    assert len(checks) == HELD_OUT_CHECKS


@pytest.mark.parametrize("pattern", [
    "regulation has an interior optimum",
    "walkrounds trial null (2 a month, usual follow-through)",
    "nonpunitive response stays the lowest composite under just culture",
    "patient reports from a near-zero baseline, as a rate",
    "effect per admission does not grow with wards (4 vs 12)",
    "the letter's bundle at 4, 8, 16 wards",
    "gains fall back over months after a programme stops",
])
def test_held_out_pattern_holds(checks, pattern):
    check = checks[pattern]
    assert check.passed, f"{check.pattern}: {check.claim}; measured {check.measured}"


# Patterns this version does not yet reproduce (docs/ODD.md, "What the model does not
# capture"). Strict: when a model change makes one hold, the test says so and must move up.
NOT_YET = {
    "just culture + closing the loop overlap (reporting_rate)":
        "complements here: feedback follows only a learning response, so closing the loop "
        "acts on the reports just culture turns from blame to learning (docs/ODD.md)",
    "just culture + closing the loop overlap (preventable_adverse_events)":
        "additive within the noise, not sub-additive: the combination's harm effect exceeds "
        "the parts' sum by +1.6% (-1.0% to +4.1%)",
}


@pytest.mark.parametrize("pattern", list(NOT_YET))
def test_held_out_pattern_not_yet_reproduced(checks, pattern, request):
    request.node.add_marker(pytest.mark.xfail(reason=NOT_YET[pattern], strict=True))
    check = checks[pattern]
    assert check.passed, f"{check.pattern}: {check.claim}; measured {check.measured}"
