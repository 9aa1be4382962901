"""Fitting hospitals with the real model (validation tier: minutes): a fitted fictional
hospital reproduces its own figures within sampling error, and of two hospitals that differ
only in how staff see the response to error, the one seeing more blame is fitted to managers
who blame more and so reports less."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.evidence.effects import interval
from sim.experiment.jobs import replicate_seeds
from sim.hospital.fit import (
    HospitalFit,
    fit_hospital,
    reports_per_1000_bed_days,
    run_candidate,
)
from sim.hospital.hospital_file import read_hospital

pytestmark = pytest.mark.slow

HOSPITAL = """\
name: {name}
beds: 84
occupancy: 0.88
wards: 3
survey:
  instrument: SOPS 2.0
  composites:
    response_to_error: {{percent_positive: {response}, respondents: 150}}
workforce:
  nurse_turnover_percent: 15
  burnout: {{percent: 27, respondents: 70}}
"""


def fitted(folder: Path, name: str, response: int) -> HospitalFit:
    path = folder / f"{name}.yaml"
    path.write_text(HOSPITAL.format(name=name, response=response))
    return fit_hospital(read_hospital(path), trials=8, replicates=4, seed=11, workers=2)


@pytest.fixture(scope="module")
def blaming_and_learning(tmp_path_factory: pytest.TempPathFactory
                         ) -> tuple[HospitalFit, HospitalFit]:
    folder = tmp_path_factory.mktemp("hospitals")
    return fitted(folder, "Blaming", 22), fitted(folder, "Learning", 62)


def test_fitted_hospitals_reproduce_their_figures_within_sampling_error(
        blaming_and_learning: tuple[HospitalFit, HospitalFit]) -> None:
    for result in blaming_and_learning:
        assert result.inside_count == len(result.validation), result.quality


def test_more_blame_on_the_survey_means_fewer_reports_after_fitting(
        blaming_and_learning: tuple[HospitalFit, HospitalFit]) -> None:
    low, high = blaming_and_learning
    assert (low.best_values["management.punitiveness"]
            > high.best_values["management.punitiveness"])
    seeds = replicate_seeds(99, 8)  # seeds neither fit used
    differences = [
        reports_per_1000_bed_days(a, low.changes) - reports_per_1000_bed_days(b, high.changes)
        for a, b in zip(run_candidate(low.changes, seeds, 2, 180),
                        run_candidate(high.changes, seeds, 2, 180), strict=True)]
    mean, _, upper = interval(differences)
    assert upper < 0, (mean, upper)
