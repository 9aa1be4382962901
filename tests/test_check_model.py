"""`run.py check-model`: the reduced size CI runs end to end (table and report format), the
exit code, and the header that makes the report evidence."""

from __future__ import annotations

import pytest

import sim.evidence.validation as validation_module
from sim.cli import main
from sim.evidence.bands import BANDS
from sim.evidence.facts import FACT_BANDS
from sim.evidence.heldout import HELD_OUT_CHECKS
from sim.evidence.targets import LEVEL_TARGETS
from sim.evidence.validation import Finding, Validation, header_problems, report


@pytest.mark.validation
def test_quick_check_prints_every_check_and_writes_a_report(tmp_path, capsys):
    path = tmp_path / "VALIDATION.md"
    code = main(["check-model", "--quick", "--replicates", "2", "--workers", "2",
                 "--write", str(path)])
    assert code in (0, 1)  # a quick run is too small for its verdicts to mean anything
    out = capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert header_problems(text) == []
    assert "- seed: 1" in text
    assert "levels 2, facts 2 (F3 and F6 plateau 2), bands and stationarity 2" in text
    assert "held-out patterns 2 on their own seed 7" in text
    assert "--quick" in text.splitlines()[2]
    rows = [line for line in text.splitlines() if line.startswith("| ")
            and not line.startswith(("| check ", "| baseline metric "))]
    # every level target, fact, band and stationarity metric has a row with a verdict
    fact_rows = [line for line in rows if line.startswith("| F")]
    assert len(fact_rows) == len(FACT_BANDS) + 7  # F2: 2 claims, F3: 3, F6 plateau: 2
    assert sum(line.startswith(f"| {t.quantity} |") for t in LEVEL_TARGETS
               for line in rows) == len(LEVEL_TARGETS)
    calibration, held_out = text.split("## Part 2")
    held_out_rows = [line for line in held_out.splitlines() if line.startswith("| ")
                     and not line.startswith("| check ")]
    assert len(held_out_rows) == HELD_OUT_CHECKS
    assert len(rows) == len(LEVEL_TARGETS) + len(fact_rows) + len(BANDS) + 3 + HELD_OUT_CHECKS
    assert "## Part 1, calibration" in calibration
    assert all(line.rstrip().endswith(("| yes |", "| NO |")) for line in rows)
    assert ("| just_culture: reporting_rate | just_culture vs baseline | 1.20x to 2.00x |"
            in text)
    # the screen shows the same tables as the file
    assert "effect bands" in out and out.count("\n| ") == text.count("\n| ")
    assert ("result: all pass" in text) == (code == 0)


def fake(passed: bool) -> Validation:
    result = Validation(3, {"levels": 2, "facts": 2, "trends": 2, "bands": 2}, True)
    result.findings = [Finding("levels", "harm_capture", "baseline", "0.05 to 0.2",
                               "0.12 (0.1 to 0.14)", True),
                       Finding("bands", "x: y", "x vs baseline", "1.2x to 2.0x", "1.1x",
                               passed)]
    return result


@pytest.mark.parametrize("passed, code", [(True, 0), (False, 1)])
def test_exit_code_says_whether_every_check_passed(monkeypatch, tmp_path, capsys, passed,
                                                   code):
    monkeypatch.setattr(validation_module, "check_model", lambda *args: fake(passed))
    path = tmp_path / "V.md"
    assert main(["check-model", "--seed", "3", "--write", str(path)]) == code
    assert header_problems(path.read_text(encoding="utf-8")) == []
    assert ("1 check(s) fail" in capsys.readouterr().err) == (not passed)


def test_a_report_without_its_header_fields_is_caught():
    text = report(fake(True), "python run.py check-model --seed 3")
    assert header_problems(text) == []
    for field in ("seed", "date", "mesa"):
        broken = "\n".join(line for line in text.splitlines()
                           if not (line.startswith(f"- {field}:") or f"; {field}:" in line))
        assert any(field in problem for problem in header_problems(broken))


def test_writing_into_a_missing_folder_exits_2_before_any_run(tmp_path, capsys):
    assert main(["check-model", "--write", str(tmp_path / "no" / "V.md")]) == 2
    assert "does not exist" in capsys.readouterr().err
