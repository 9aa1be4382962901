"""The default hospital lands inside the brief's baseline ranges (MODEL-BRIEF section 5)."""

import pytest

from tests.helpers import evaluated

BASELINE_RANGES = {
    # metric: (low, high), from the literature cited in docs/ODD.md
    "harm_capture": (0.05, 0.20),  # OIG 2012; Sari 2007; Cullen 1995
    "second_order_share": (0.04, 0.12),  # Tucker & Edmondson 2003: ~7%
    "burnout_nurses": (0.10, 0.35),  # Aiken 2012/2024
    "burnout_doctors": (0.40, 0.55),  # Shanafelt 2015/2019
    "nonpunitive_perception": (0.30, 0.60),  # AHRQ 2012: 44% positive
}


@pytest.mark.parametrize("metric", sorted(BASELINE_RANGES))
def test_baseline_metric_in_published_range(metric):
    low, high = BASELINE_RANGES[metric]
    assert low <= evaluated(metric=metric) <= high


def test_adverse_events_per_admission():
    """de Vries 2008 (9.2%), Brennan 1991 (3.7%), Sari 2007 (8.7%): 0.04-0.13."""
    rate = evaluated(metric="adverse_events") / evaluated(metric="admissions")
    assert 0.04 <= rate <= 0.13


def test_preventable_share_of_adverse_events():
    """de Vries 2008: 43.5% preventable; range 0.3-0.6."""
    share = evaluated(metric="preventable_adverse_events") / evaluated(metric="adverse_events")
    assert 0.3 <= share <= 0.6


def test_near_misses_reported_less_than_harm():
    """Evans 2006: near misses are reported at a lower rate than harm events."""
    harm_reports = evaluated(metric="reported_adverse_events")
    near_miss_reports = evaluated(metric="staff_reports") - harm_reports
    near_miss_rate = near_miss_reports / evaluated(metric="near_misses")
    assert near_miss_rate < evaluated(metric="harm_capture")


def test_about_half_of_staff_file_no_report_in_a_year():
    """AHRQ 2008: 52% of staff filed no incident report in the past year."""
    share = evaluated(metric="silent_staff_share", first=365, last=365)
    assert 0.35 <= share <= 0.7


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
