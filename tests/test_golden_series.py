"""The default hospital's daily series, for one year after burn-in, are those recorded here.

A change that is meant to leave behaviour alone (moving code, holding state differently,
speeding a pass up) must leave these hashes alone. A change that moves behaviour on purpose
(a new rule, a recalibrated coefficient, a new draw) updates them in the same commit, and its
message says why; `python -m tests.test_golden_series` prints the new ones.
"""

from __future__ import annotations

import hashlib

import pytest

from sim.scenario import build_model, load_scenario

DAYS_AFTER_BURN_IN = 365
RECORDED = {
    1: "b0e40d68aa611f6a0ae91a6fa65666ec38a794397e7b775773b6f09210d3dbad",
    2: "2486a5f4263ddd2ab8f412a81f3c2fd35de0c868c864d085eeb4c302bbcfae86",
    3: "e74a8724d90c8561e21d51e983759d91afe582ce1a137e70007169ed07d8b9e0",
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
