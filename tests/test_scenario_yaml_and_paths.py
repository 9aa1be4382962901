"""What a scenario or sweep file says is read as its author meant or refused by name: YAML 1.1's
base-60 numbers, octals and yes/on booleans, exponents without a dot or sign, durations in
months, weeks or days, and every path a file names kept inside one sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import UsageError
from sim.scenario import load_scenario
from sim.scenario.interventions import DAYS_PER_MONTH, MAX_INTERVENTIONS

SMALL = "hospital: {wards: 2}\nrun: {days: 200, burn_in: 10}\n"


def scenario_file(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def refused(path: Path | str, *expected: str) -> str:
    with pytest.raises(UsageError) as error:
        load_scenario(path)
    message = str(error.value)
    assert "\n" not in message
    for text in expected:
        assert text in message, message
    return message


@pytest.mark.parametrize("written, expected", [
    ("1:30", "base-60 number 90"),
    ("010", "leading zero as an octal"),
    ("yes", "take it as true or false"),
    ("on", "take it as true or false"),
    ("y", "take it as true or false"),
])
def test_yaml_1_1_oddities_in_a_number_are_refused_by_name(written: str, expected: str,
                                                           tmp_path: Path) -> None:
    path = scenario_file(tmp_path, f"hospital: {{wards: {written}}}\n")
    refused(path, "hospital.wards: expected a whole number", f"text {written!r}", expected)


def test_yes_and_on_are_refused_where_true_or_false_is_expected(tmp_path: Path) -> None:
    from sim.sweep.spec import load_sweep

    scenario_file(tmp_path, SMALL, "base.yaml")
    path = scenario_file(tmp_path, "base: base.yaml\ndesign: {method: sobol, samples: 64, "
                         "second_order: on}\nparameters: {management.punitiveness: "
                         "{low: 0.1, high: 0.9}}\noutcomes: [adverse_events]\n", "sweep.yaml")
    with pytest.raises(UsageError, match=r"design.second_order: expected true or false, got "
                                         r"text 'on' \(write true or false"):
        load_sweep(path)


def test_true_false_and_plain_numbers_still_read_as_before(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "hospital: {wards: 2, attendance: 0.8}\n"
                         "management: {punitiveness: 1.0e-1}\nrun: {days: 1_000}\n")
    scenario = load_scenario(path)
    assert scenario.config.hospital.wards == 2 and scenario.config.run.days == 1000
    assert scenario.config.management.punitiveness == pytest.approx(0.1)


@pytest.mark.parametrize("written, expected", [
    ("1.0e308", "write the exponent with its sign, like 1.0e+308"),
    ("1e+3", "an exponent needs a dot in the number, like 1.0e+3"),
    ("'0.5'", "remove the quotes"),
])
def test_numbers_read_as_text_get_the_right_hint(written: str, expected: str,
                                                 tmp_path: Path) -> None:
    path = scenario_file(tmp_path, f"management: {{punitiveness: {written}}}\n")
    message = refused(path, "management.punitiveness: expected a number", expected)
    assert "dot" not in message or "dot" in expected


@pytest.mark.parametrize("written, day", [
    ("3 months", round(3 * DAYS_PER_MONTH)),
    ("1 month", 30),
    ("6 weeks", 42),
    ("10 days", 10),
    ("45", 45),
])
def test_timings_may_be_written_in_months_weeks_or_days(written: str, day: int,
                                                        tmp_path: Path) -> None:
    path = scenario_file(tmp_path, SMALL + f"interventions:\n  - {{name: a, start: {written}, "
                         "set: {management.punitiveness: 0.2}}\n")
    scenario = load_scenario(path)
    assert scenario.interventions[0].start == day
    assert scenario.to_dict()["interventions"][0]["start"] == day  # resolved: whole days
    assert DAYS_PER_MONTH == 30.4375


@pytest.mark.parametrize("written, expected", [
    ("3 monts", "a duration such as '3 months'"),
    ("0.2 days", "0.2 days is 0 days; expected 1 to"),
    ("200 months", "200 months is 6,088 days"),
])
def test_bad_durations_are_refused_in_one_line(written: str, expected: str,
                                               tmp_path: Path) -> None:
    path = scenario_file(tmp_path, SMALL + f"interventions:\n  - {{name: a, start: {written}, "
                         "set: {management.punitiveness: 0.2}}\n")
    refused(path, "interventions[0].start", expected)


def test_too_many_interventions_are_refused_by_their_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = "".join(f"  - {{name: i{index}, start: 5, set: {{management.punitiveness: 0.2}}}}\n"
                    for index in range(MAX_INTERVENTIONS * 5))
    path = scenario_file(tmp_path, "interventions:\n" + items)
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"{MAX_INTERVENTIONS * 5} interventions; at most" in error


def test_a_file_too_large_for_a_scenario_is_refused_unread(tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "description: " + "x" * 300_000 + "\n")
    refused(path, "a scenario file may be at most")


# --- one sandbox for every path a file names ------------------------------------------------------

SWEEP = """\
base: {base}
design: {{method: grid, levels: 2}}
parameters: {{management.punitiveness: {{low: 0.2, high: 0.8}}}}
outcomes: [adverse_events]
"""


@pytest.mark.parametrize("base, expected", [
    ("/etc/passwd", "an absolute path is not allowed"),
    ("~/secret.yaml", "an absolute path is not allowed"),
    ("../outside.yaml", "is outside the scenario's folder"),
    ("../../../../../../etc/passwd", "is outside the scenario's folder"),
    ("link.yaml", "is outside the scenario's folder"),
    ("notes.txt", "is not a scenario file"),
    ("missing.yaml", "file not found"),
])
def test_a_sweeps_base_goes_through_the_same_sandbox_as_extends(
        base: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (tmp_path / "outside.yaml").write_text("secret: the content of another file\n")
    (own / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    (own / "notes.txt").write_text("secret: not a scenario\n")
    sweep = own / "sweep.yaml"
    sweep.write_text(SWEEP.format(base=json.dumps(base)))
    assert main(["validate", str(sweep)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "sweep.yaml: base:" in error and expected in error, error
    assert "secret" not in error and "root:" not in error


def test_a_sweeps_base_may_be_beside_it_below_it_or_bundled(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    (tmp_path / "sub").mkdir()
    scenario_file(tmp_path, SMALL, "beside.yaml")
    scenario_file(tmp_path / "sub", SMALL, "below.yaml")
    for base in ("beside.yaml", "sub/below.yaml", "baseline", "just_culture.yaml"):
        (tmp_path / "sweep.yaml").write_text(SWEEP.format(base=base))
        assert main(["validate", str(tmp_path / "sweep.yaml")]) == 0, capsys.readouterr().err


def test_a_sweep_without_a_design_is_told_so(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sweep.yaml"
    path.write_text("base: baseline\nparameters: {management.punitiveness: "
                    "{low: 0.2, high: 0.8}}\noutcomes: [adverse_events]\n")
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err
    assert "design: missing" in error and "unknown key" not in error, error


def test_a_sobol_design_too_small_for_its_indices_is_warned_about(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sweep.yaml"
    text = ("base: baseline\ndesign: {method: sobol, samples: 4}\nparameters: "
            "{management.punitiveness: {low: 0.2, high: 0.8}}\noutcomes: [adverse_events]\n")
    path.write_text(text)
    assert main(["validate", str(path)]) == 0
    assert "warning:" in capsys.readouterr().err
    path.write_text(text.replace("samples: 4", "samples: 64"))
    assert main(["validate", str(path)]) == 0
    assert "warning:" not in capsys.readouterr().err


def test_the_extends_depth_limit_is_stated_in_the_error(tmp_path: Path) -> None:
    from sim.scenario.scenario import MAX_EXTENDS_DEPTH

    for level in range(MAX_EXTENDS_DEPTH + 2):
        (tmp_path / f"l{level}.yaml").write_text(f"extends: l{level + 1}.yaml\n"
                                                 if level <= MAX_EXTENDS_DEPTH else "{}\n")
    refused(tmp_path / "l0.yaml", f"more than {MAX_EXTENDS_DEPTH} levels of extends")
    doc = (Path(__file__).resolve().parents[1] / "docs" / "scenarios.md").read_text()
    assert f"{MAX_EXTENDS_DEPTH} levels" in doc
