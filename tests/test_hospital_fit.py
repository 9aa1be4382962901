"""Fitting a hospital: the loss weighs figures by their sampling error, coefficients the data
cannot reach are reported as not pinned down, and a hospital whose staff see more blame is
fitted to more punitive management and so reports less. The search logic is tested on a
stand-in for the model (fast); the full model is fitted in the validation tier."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from sim.hospital import fit as fitting
from sim.hospital.fit import Figure, achieved, binomial_se, fit_hospital
from sim.hospital.fit_report import write_fit
from sim.hospital.hospital_file import read_hospital
from sim.scenario import load_scenario
from sim.scenario.layering import apply_to, layer_on_reference

HOSPITAL = """\
name: {name}
beds: 112
wards: 4
survey:
  instrument: SOPS 2.0
  composites:
    response_to_error: {{percent_positive: {response}, respondents: 400}}
incidents: {{reports: {reports}, bed_days: 36000}}
workforce:
  nurse_turnover_percent: 15
  burnout: {{percent: 30, respondents: 200}}
"""


def stand_in(changes: dict, seeds: Sequence[int], workers: int | None,
             days: int) -> list[dict[str, float]]:
    """A smooth stand-in for the model: blame lowers the nonpunitive share and reporting;
    the reporting intercept raises reporting; burnout follows the strain threshold; the
    leaving rate sets turnover. Replicates differ by a little seeded noise."""
    blame = changes.get("management.punitiveness", 0.5)
    intercept = changes.get("reporting.intercept", -4.2)
    threshold = changes.get("burnout.strain_threshold", 0.98)
    leaving = changes.get("turnover.leaving_rate", 0.12)
    staff = changes["hospital.wards"] * (changes["hospital.nurses_per_ward"]
                                         + changes["hospital.doctors_per_ward"])
    runs = []
    for seed in seeds:
        noise = ((seed % 7) - 3) * 0.002
        reports = 200 * math.exp(intercept + 4.2) * (1.4 - blame) * (1 + noise)
        runs.append({"sops_response_to_error": 0.85 - 0.9 * blame + noise,
                     "staff_reports": reports, "patients": 100.0,
                     "burnout_prevalence": max(0.0, 1.2 - threshold) + noise,
                     "leavers": leaving * 1.2 * staff * 180 / 365, "adverse_events": 40.0,
                     "admissions": 500.0})
    return runs


@pytest.fixture
def stand_in_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fitting, "run_candidate", stand_in)


def hospital_file(tmp_path: Path, name: str = "A", response: int = 40,
                  reports: int = 1600) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(HOSPITAL.format(name=name, response=response, reports=reports))
    return path


def test_a_figure_measured_on_fewer_people_weighs_less() -> None:
    assert binomial_se(0.5, 400) == pytest.approx(0.025)
    assert binomial_se(0.5, 40) > 3 * binomial_se(0.5, 400)
    precise = Figure("x", "x", 0.5, 0.025, "%", lambda run, _: run["v"])
    rough = Figure("x", "x", 0.5, 0.079, "%", lambda run, _: run["v"])
    runs = [{"v": 0.6}, {"v": 0.6}]
    assert achieved([precise], runs, {})[0].chi_square > 9 * achieved([rough], runs, {})[
        0].chi_square


def test_the_fit_lands_on_the_hospitals_figures(tmp_path: Path, stand_in_model: None) -> None:
    hospital = read_hospital(hospital_file(tmp_path, response=31))
    result = fit_hospital(hospital, trials=40, replicates=3, seed=3)
    assert result.inside_count == len(result.validation) == 4
    # 0.85 - 0.9 x blame = 0.31 at a blame of 0.6.
    assert result.best_values["management.punitiveness"] == pytest.approx(0.6, abs=0.05)


def test_more_blame_on_the_survey_is_fitted_as_more_punitive_management(
        tmp_path: Path, stand_in_model: None) -> None:
    low = fit_hospital(read_hospital(hospital_file(tmp_path, "low", response=25)), trials=30,
                       replicates=3, seed=5)
    high = fit_hospital(read_hospital(hospital_file(tmp_path, "high", response=65)),
                        trials=30, replicates=3, seed=5)
    assert (low.best_values["management.punitiveness"]
            > high.best_values["management.punitiveness"] + 0.3)


def test_a_coefficient_no_figure_reaches_is_reported_as_not_pinned_down(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def deaf_to_turnover(changes: dict, seeds: Sequence[int], workers: int | None,
                         days: int) -> list[dict[str, float]]:
        runs = stand_in(changes, seeds, workers, days)
        for run in runs:
            run["leavers"] = 0.15 * 1.2 * 112 * 180 / 365 * 0 + 3.0  # leaving rate ignored
        return runs

    monkeypatch.setattr(fitting, "run_candidate", deaf_to_turnover)
    result = fit_hospital(read_hospital(hospital_file(tmp_path)), trials=12, replicates=3,
                          seed=2)
    flat = [profile.key for profile in result.flat]
    assert flat == ["turnover.leaving_rate"]
    assert "not pinned down by the data: turnover.leaving_rate" in result.quality


def test_the_fitted_hospital_is_written_and_loads_as_a_scenario(
        tmp_path: Path, stand_in_model: None) -> None:
    hospital = read_hospital(hospital_file(tmp_path))
    result = fit_hospital(hospital, trials=6, replicates=2, seed=1)
    folder = tmp_path / "results"
    folder.mkdir()
    write_fit(folder, result, "python run.py fit-hospital A.yaml", "A.yaml")
    assert {path.name for path in folder.iterdir()} >= {
        "fit.csv", "coefficients.csv", "trials.csv", "fit.png", "fit_report.md",
        "scenario.yaml", "fit_summary.json", "standing.png"}
    scenario = load_scenario(folder / "scenario.yaml")
    assert scenario.config.hospital.wards == 4
    assert scenario.config.management.punitiveness == pytest.approx(
        result.best_values["management.punitiveness"], abs=1e-6)
    assert "Fit quality" in (folder / "fit_report.md").read_text()


def test_interventions_are_applied_to_the_reference_hospital(tmp_path: Path) -> None:
    fitted = tmp_path / "fitted.yaml"
    fitted.write_text("name: Fitted\nhospital: {wards: 3}\nmanagement: {punitiveness: 0.8}\n")
    reference = load_scenario(fitted)
    walkrounds = load_scenario("walkrounds")
    layered = apply_to(reference, walkrounds)
    assert layered.config.hospital.wards == 3
    assert layered.config.management.punitiveness == 0.8
    assert [i.name for i in layered.interventions] == [i.name for i in walkrounds.interventions]
    # On the default hospital, layering changes nothing.
    baseline = load_scenario("baseline")
    same = layer_on_reference([baseline, walkrounds])[1]
    assert same.to_dict() == walkrounds.to_dict()
    # A reference that runs interventions of its own is not a hospital as it stands.
    assert layer_on_reference([walkrounds, baseline])[1] is baseline


def test_the_installed_hospital_carries_its_fit_summary(tmp_path: Path,
                                                        stand_in_model: None) -> None:
    from sim.hospital.fit_report import install_scenario
    from sim.hospital.standing import read_fit_summary, standing_chart

    result = fit_hospital(read_hospital(hospital_file(tmp_path)), trials=4, replicates=2,
                          seed=1)
    folder = tmp_path / "results"
    folder.mkdir()
    write_fit(folder, result, "command", "A.yaml")
    destination = tmp_path / "scenarios" / "hospitals" / "A.yaml"
    install_scenario(folder, destination)
    summary = read_fit_summary(load_scenario(destination).source)
    assert summary is not None and summary["quality"] == result.quality
    assert summary["composites"][0]["key"] == "response_to_error"
    assert summary["composites"][0]["reference"] == 61
    assert standing_chart(summary).axes[0].get_xlim() == (0.0, 100.0)
