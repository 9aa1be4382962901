"""The default hospital's daily series, for one year after burn-in, are those recorded here.

A change that is meant to leave behaviour alone (moving code, holding state differently,
speeding a pass up) must leave these hashes alone. A change that moves behaviour on purpose
(a new rule, a recalibrated coefficient, a new draw) updates them in the same commit, and its
message says why; `python -m tests.test_golden_series` prints the new ones.
"""

from __future__ import annotations

import hashlib

import pytest

from sim.scenario import load_scenario
from sim.scenario.runtime import build_model

DAYS_AFTER_BURN_IN = 365
RECORDED = {
    1: "999ee07ef47f4b7045a055a01413a600f1030f10dce8422a13f4c8d2017dcae7",
    2: "fd962a810892997a79a8aed13534cd584e95f871c2ced9f5d847e4147ea5eeb8",
    3: "709afa484351913bb34e07bdf74d09e677ed0313d5efdecaf08682c73a6adcca",
}


def series_hash(seed: int) -> str:
    """SHA-256 of the default hospital's daily metrics (12 significant digits) after burn-in."""
    model = build_model(load_scenario("baseline"), seed, storytelling=False)
    model.run(model.config.run.burn_in + DAYS_AFTER_BURN_IN)
    daily = model.daily_data()
    after = daily[daily.day > 0]
    assert len(after) == DAYS_AFTER_BURN_IN
    return hashlib.sha256(after.to_csv(index=False, float_format="%.12g").encode()).hexdigest()


@pytest.mark.parametrize("seed", sorted(RECORDED))
def test_the_default_hospital_s_daily_series_are_unchanged(seed: int) -> None:
    assert series_hash(seed) == RECORDED[seed]


if __name__ == "__main__":
    for seed in sorted(RECORDED):
        print(f"    {seed}: \"{series_hash(seed)}\",")
