"""Hospital files: the shipped example loads, every problem is reported by name in one pass,
and nothing item-level or personal is accepted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.hospital.hospital_file import HospitalFileError, read_hospital
from sim.hospital.sizing import sizing

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "hospitals" / "northfield_general.yaml"
GOOD = """\
name: Test Hospital
beds: 112
occupancy: 0.9
wards: 4
staff: {nurses: 80, doctors: 24}
survey:
  instrument: SOPS 2.0
  composites:
    response_to_error: {percent_positive: 40, respondents: 200}
incidents: {reports: 1500, bed_days: 36000, months: 12}
workforce:
  nurse_turnover_percent: 12
  vacancy_percent: 6
  burnout: {percent: 30, respondents: 90}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hospital.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(HospitalFileError) as caught:
        read_hospital(write(tmp_path, text))
    return caught.value.problems


def test_the_shipped_example_loads_with_its_figures() -> None:
    hospital = read_hospital(EXAMPLE)
    assert hospital.beds == 336 and len(hospital.wards) == 12
    assert hospital.composites["response_to_error"].percent == 36
    assert hospital.composites["response_to_error"].respondents == 409
    assert 40 < hospital.reports_per_1000_bed_days < 50


def test_the_template_is_refused_until_filled_in_naming_each_blank() -> None:
    with pytest.raises(HospitalFileError) as caught:
        read_hospital(ROOT / "hospitals" / "template.yaml")
    found = caught.value.problems
    assert len(found) > 10  # every blank, in one pass
    assert any("beds: expected a whole number" in line for line in found)
    assert all(line.startswith("hospitals/template.yaml") or "template.yaml" in line
               for line in found)


def test_sizing_gives_the_average_ward_and_the_time_to_fill_a_post(tmp_path: Path) -> None:
    changes = sizing(read_hospital(write(tmp_path, GOOD)))
    assert changes["hospital.wards"] == 4
    assert changes["hospital.beds_per_ward"] == 28
    assert changes["hospital.nurses_per_ward"] == 20
    assert changes["hospital.doctors_per_ward"] == 6
    assert changes["patients.target_occupancy"] == 0.9
    # Little's law: 6% vacant with 12% leaving a year means a post stays empty half a year.
    assert changes["turnover.vacancy_days"] == pytest.approx(182.5)


def test_ward_rows_must_add_up_to_the_beds(tmp_path: Path) -> None:
    text = GOOD.replace("wards: 4", "wards:\n  - {name: A, beds: 28}\n  - {name: B, beds: 30}")
    found = problems(tmp_path, text)
    assert any("wards: the ward rows hold 58 beds, but beds says 112" in line for line in found)


@pytest.mark.parametrize(("change", "expected"), [
    (("response_to_error:", "responce_to_error:"),
     "survey.composites.responce_to_error: unknown key; did you mean 'response_to_error'?"),
    (("percent_positive: 40", "percent_positive: 140"),
     "survey.composites.response_to_error.percent_positive: out of range: expected 0 to 100"),
    (("respondents: 200", "respondents: 0"),
     "survey.composites.response_to_error.respondents: 0 respondents"),
    (("nurse_turnover_percent: 12", "nurse_turnover_percent: -3"),
     "workforce.nurse_turnover_percent: out of range"),
    (("instrument: SOPS 2.0", "instrument: HSOPS 9"), "survey.instrument: expected one of"),
    (("response_to_error:", "safety_climate:"),
     "survey.composites.safety_climate: a SAQ composite, but this survey is SOPS 2.0"),
    (("beds: 112", "beds: 2"), "wards: 4 wards cannot share 2 beds"),
])
def test_each_bad_figure_is_refused_by_name(tmp_path: Path, change: tuple[str, str],
                                            expected: str) -> None:
    found = problems(tmp_path, GOOD.replace(*change))
    assert any(expected in line for line in found), found


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    text = GOOD.replace("percent_positive: 40", "percent_positive: 140").replace(
        "beds: 112", "beds: -1").replace("reports: 1500", "reports: lots")
    assert len(problems(tmp_path, text)) >= 3


def test_missing_required_parts_are_named(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Nowhere\nbeds: 20\n")
    assert any("wards: missing" in line for line in found)
    assert any("survey: missing" in line for line in found)


@pytest.mark.parametrize("personal", [
    "survey:\n  instrument: SOPS 2.0\n  responses:\n    - {respondent_id: 17, item_a1: 4}\n",
    "employees:\n  - {name: A. Nurse, burned_out: true}\n",
])
def test_item_level_or_personal_data_is_refused(tmp_path: Path, personal: str) -> None:
    text = GOOD.split("survey:")[0] + personal + "incidents: {reports: 10, bed_days: 3000}\n"
    found = problems(tmp_path, text)
    assert any("aggregate figures only" in line for line in found), found


def test_the_command_refuses_a_bad_file_with_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = write(tmp_path, GOOD.replace("percent_positive: 40", "percent_positive: 140")
                .replace("respondents: 90", "respondents: 0"))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "fit-hospital", str(bad),
                             "--out", str(out), "--scenarios", str(tmp_path / "installed")],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert "Traceback" not in result.stderr
    assert not out.exists() and not (tmp_path / "installed").exists()


def test_validate_checks_hospital_files() -> None:
    good = subprocess.run([sys.executable, str(ROOT / "run.py"), "validate", str(EXAMPLE)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert good.returncode == 0 and "ok:" in good.stdout and "336 beds" in good.stdout
    bad = subprocess.run([sys.executable, str(ROOT / "run.py"), "validate",
                          str(ROOT / "hospitals" / "template.yaml")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) > 10
