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
    1: "57d1f86f221417c2a5a91275403fdd682583f3f433510dd5ea7c387f12ba80f6",
    2: "5b7d89cb3b78812f1b4d7a6e1f2e2a35b597339a457f59f55b08699f1719f1e6",
    3: "fc5b81a07dec0f97f2f1dd7282eda545d58e6dd0bdfc49c6fb7787156b304c65",
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
