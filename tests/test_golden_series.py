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
    1: "9bfda846cbb598a6db4d78cd5034547ee6941768adc1133c55b9bcc33dd3a6ac",
    2: "a5228bb124f6bcf899bb6709af23c66ca9e0bf44bb965015fd027729b70f7d30",
    3: "805068b6f6a35d838acf4c43a052529b8b017986cf98efc1dd30277c0ee187b0",
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
