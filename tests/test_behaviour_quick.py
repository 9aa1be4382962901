"""The direction and rough size of the main facts in a small hospital, fast enough for every
`make test`: twelve paired replicates of a two-ward hospital, each effect judged as
`run.py check-model` judges a fact (the whole 95% interval inside the range).

The ranges are wider than the published ones of `sim.evidence.facts` (a quarter of the hospital
and 240 days are noisier than the full check), but each excludes no effect and an effect
several times too large, so a mechanism that stops acting, or acts the wrong way, fails here.
The full-size facts, levels and bands are the validation tier (`make validate`).
"""

import pytest

from sim.evidence.bands import Band
from sim.evidence.effects import band_variants, judge_bands, run_variants
from sim.evidence.facts import AUDIT_DRIVE, CLINICIAN_LED, HEAVY_BURDEN, PUNITIVE
from sim.experiment.jobs import replicate_seeds

SMALL_HOSPITAL = (("hospital.wards", 2), ("run.burn_in", 90), ("run.days", 240))
SEEDS = replicate_seeds(7, 12)


def quick(label: str, metric: str, measure: str, low: float | None, high: float | None,
          overrides: tuple[tuple[str, float], ...]) -> Band:
    return Band("baseline", metric, measure, low, high, "small-hospital check",
                overrides=overrides, label=label, directional=True)


QUICK_FACTS = (
    quick("F1 punitive management", "reporting_rate", "relative", -0.7, -0.08, PUNITIVE),
    quick("F1 punitive management", "psychological_safety", "relative", -0.3, -0.02, PUNITIVE),
    quick("F4 audits", "measured_compliance", "points", 0.01, 0.4, AUDIT_DRIVE),
    quick("F5 more regulatory burden", "workarounds", "relative", 0.2, 3.0, HEAVY_BURDEN),
    quick("F5 more regulatory burden", "burnout_prevalence", "relative", 0.1, 1.5, HEAVY_BURDEN),
    quick("F5 more regulatory burden", "preventable_adverse_events", "relative", 0.03, 0.6,
          HEAVY_BURDEN),
    quick("F6 clinician-led improvement", "obstacle_encounters", "relative", -0.7, -0.05,
          CLINICIAN_LED),
)
# Audits change what auditors see, not what clinicians do (compliance theatre, M12): true
# compliance moves by less than 8 points while measured compliance rises.
UNMOVED = Band("baseline", "true_compliance", "points", -0.08, 0.08, "small-hospital check",
               overrides=AUDIT_DRIVE, label="F4 audits")


@pytest.fixture(scope="module")
def results():
    bands = [*QUICK_FACTS, UNMOVED]
    runs = run_variants(band_variants(bands, SMALL_HOSPITAL), SEEDS)
    return dict(zip(bands, judge_bands(bands, runs, SMALL_HOSPITAL), strict=True))


@pytest.mark.parametrize("band", [*QUICK_FACTS, UNMOVED],
                         ids=[f"{b.name}-{b.metric}" for b in (*QUICK_FACTS, UNMOVED)])
def test_fact_holds_in_a_small_hospital(band, results):
    result = results[band]
    assert result.replicates == len(SEEDS)
    assert result.passed, result.failure()
