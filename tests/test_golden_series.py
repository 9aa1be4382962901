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
    1: "548f7c7fa09728a7ebe4c7f4937a30cdf03e41cd70369ea9d693af1d60067540",
    2: "7349a575bfa8edbc6bd2e8322b6ee047f15fe6374dffa94eef0062b106bd20b2",
    3: "e71c968a036f07d1d419c563c21fd2e5c7500a406028c822219e78eacc5d57cb",
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
