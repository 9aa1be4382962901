"""The default hospital lands inside its published baseline ranges (docs/ODD.md, section 9).

Means over 12 replicate hospitals; a range is met when the mean lies in it. The ranges are data
in `sim.evidence.targets`, shared with `run.py check-model` and `run.py calibrate`.
"""

import pytest

from sim.core.model import HospitalModel
from sim.evidence.effects import interval
from sim.evidence.targets import (
    LEVEL_BY_QUANTITY,
    LEVEL_TARGETS,
    judge_levels,
    near_miss_reporting_ratio,
)
from tests.helpers import summaries, values


@pytest.mark.validation
@pytest.mark.parametrize("target", LEVEL_TARGETS, ids=[t.quantity for t in LEVEL_TARGETS])
def test_baseline_lands_in_published_range(target):
    (result,) = judge_levels([target], summaries())
    assert result.passed, (f"{target.quantity}: expected {target.expected} ({target.source}), "
                           f"measured {result.shown()}")


def test_a_level_outside_its_range_fails():
    target = LEVEL_BY_QUANTITY["harm_capture"]
    runs = [{"harm_capture": value} for value in (0.25, 0.27, 0.26)]
    (result,) = judge_levels([target], runs)
    assert not result.passed
    (inside,) = judge_levels([target], [{"harm_capture": value} for value in (0.1, 0.12)])
    assert inside.passed


@pytest.mark.validation
def test_near_misses_reported_less_than_harm():
    """Evans 2006: near misses are reported at a lower rate than harm events."""
    for run in summaries():
        assert near_miss_reporting_ratio(run) < 1.0


@pytest.mark.validation
def test_workaround_harm_is_a_minority_of_preventable_harm():
    """van der Veen 2018; Amalberti 2006: errors come from care; workarounds add risk to the
    care they touch, they are not extra care. Switching their excess risk off removes a
    minority of harm."""
    without = values("preventable_adverse_events", overrides=(
        ("errors.workaround_error_odds", 1.0),))
    share = [1 - w / b for w, b in zip(without, values("preventable_adverse_events"),
                                       strict=True)]
    _, low, high = interval(share)
    assert low > 0.03 and high < 0.3


@pytest.mark.validation
def test_nurses_file_most_staff_reports():
    """Nurses file 70-88% of staff reports in Australian and US data (Evans 2006)."""
    nurse_reports = all_reports = 0
    for seed in range(3):
        model = HospitalModel(seed=seed, storytelling=False).run()
        for clinician in model.clinician_list:
            all_reports += clinician.reports_filed
            nurse_reports += clinician.reports_filed * (clinician.role == "nurse")
    assert 0.7 <= nurse_reports / all_reports <= 0.92
