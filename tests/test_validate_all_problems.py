"""`validate` reports every problem in every file, one line each, then exits 2."""

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.problems import scenario_problems

THREE_MISTAKES = """\
name: three mistakes
management: {punitiveness: 7, feedback_probabilty: 0.5}
interventions:
  - {name: late, start: 9999, set: {management.punitiveness: 0.1}}
"""
TIMING = """\
name: timing
run: {days: 30}
interventions:
  - {name: a, start: 40, set: {management.punitiveness: 0.1}}
  - {name: a, start: 5}
"""


def write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text)
    return str(folder / name)


def test_every_problem_of_every_file_then_exit_2(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    first = write(tmp_path, "first.yaml", THREE_MISTAKES)
    second = write(tmp_path, "second.yaml", "name: x\nhospital: {wards: 0}\n")
    assert main(["validate", first, second, "baseline"]) == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    assert sum(first in line for line in lines) == 3
    assert any("management.punitiveness" in line for line in lines)
    assert any("did you mean 'feedback_probability'" in line for line in lines)
    assert any("interventions[0].start" in line for line in lines)
    assert sum(second in line and "hospital.wards" in line for line in lines) == 1
    assert "ok: baseline" in out


def test_timing_duplicates_and_missing_fields_are_all_found(tmp_path: Path) -> None:
    problems = scenario_problems(write(tmp_path, "timing.yaml", TIMING))
    assert any("interventions[0].start" in p and "after the run ends" in p for p in problems)
    assert any("interventions[1].name" in p and "duplicate" in p for p in problems)
    assert any("interventions[1]" in p and "missing 'set'" in p for p in problems)


def test_a_bad_set_is_reported_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "baseline", "just_culture",
                 "--set", "management.punitiveness=3"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "got 3" in err


def test_a_valid_file_has_no_problems() -> None:
    assert scenario_problems("baseline") == []
