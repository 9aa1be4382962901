"""The default hospital lands inside the brief's baseline ranges (MODEL-BRIEF section 5).

Means over 12 replicate hospitals; a range is met when the mean lies in it and its 95% interval
is not wholly outside it.
"""

import pytest

from sim.evidence.effects import interval
from tests.helpers import summaries, values

BASELINE_RANGES = {
    # metric: (low, high), from the literature cited in docs/ODD.md
    "harm_capture": (0.05, 0.20),  # OIG 2012; Sari 2007; Cullen 1995
    "second_order_share": (0.04, 0.12),  # Tucker & Edmondson 2003: ~7%
    "burnout_nurses": (0.10, 0.35),  # Aiken 2012/2024
    "burnout_doctors": (0.40, 0.55),  # Shanafelt 2015/2019
    "nonpunitive_perception": (0.30, 0.60),  # AHRQ 2012: 44% positive
    "silent_staff_share": (0.35, 0.70),  # AHRQ 2008: 52% filed no report in a year
}


def in_range(sample: list[float], low: float, high: float) -> bool:
    mean, _, _ = interval(sample)
    return low <= mean <= high


@pytest.mark.parametrize("metric", sorted(BASELINE_RANGES))
def test_baseline_metric_in_published_range(metric):
    assert in_range(values(metric), *BASELINE_RANGES[metric])


def test_adverse_events_per_admission():
    """de Vries 2008 (9.2%), Brennan 1991 (3.7%), Sari 2007 (8.7%): 0.04-0.13."""
    rates = [run["adverse_events"] / run["admissions"] for run in summaries()]
    assert in_range(rates, 0.04, 0.13)


def test_preventable_share_of_adverse_events():
    """de Vries 2008: 43.5% preventable; range 0.3-0.6."""
    shares = [run["preventable_adverse_events"] / run["adverse_events"] for run in summaries()]
    assert in_range(shares, 0.3, 0.6)


def test_near_misses_reported_less_than_harm():
    """Evans 2006: near misses are reported at a lower rate than harm events."""
    for run in summaries():
        near_miss_reports = run["staff_reports"] - run["reported_adverse_events"]
        assert near_miss_reports / run["near_misses"] < run["harm_capture"]


def test_workaround_harm_is_a_minority_of_preventable_harm():
    """Brief section 9: errors come from care; workarounds add risk to the care they touch,
    they are not extra care. Switching their excess risk off removes a minority of harm."""
    without = values("preventable_adverse_events", overrides=(
        ("errors.workaround_error_odds", 1.0),))
    share = [1 - w / b for w, b in zip(without, values("preventable_adverse_events"),
                                       strict=True)]
    _, low, high = interval(share)
    assert low > 0.03 and high < 0.3


def test_nurses_file_most_staff_reports():
    """Nurses file 70-88% of staff reports in Australian and US data (brief, section 2)."""
    from sim.model import HospitalModel

    nurse_reports = all_reports = 0
    for seed in range(3):
        model = HospitalModel(seed=seed, storytelling=False).run()
        for clinician in model.clinician_list:
            all_reports += clinician.reports_filed
            nurse_reports += clinician.reports_filed * (clinician.role == "nurse")
    assert 0.7 <= nurse_reports / all_reports <= 0.92
