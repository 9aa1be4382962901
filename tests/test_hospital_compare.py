"""A comparison on a fitted hospital: every intervention runs in that hospital, and the report
names the hospital, says how far to trust its fit and shows where its survey stands."""

from __future__ import annotations

import json
from pathlib import Path

from sim.cli import main
from sim.hospital.standing import summary_path

FITTED = """\
name: Tiny General
description: A fitted hospital.
hospital: {wards: 2, nurses_per_ward: 6, doctors_per_ward: 2}
management: {punitiveness: 0.8}
run: {days: 30, burn_in: 5}
"""
PROGRAMME = """\
name: less blame
interventions:
  - name: just culture
    start: 10
    set: {management.punitiveness: 0.1}
"""
SUMMARY = {"hospital": "Tiny General", "quality": "4 of 5 figures reproduced within sampling "
           "error", "instrument": "SOPS 2.0", "survey_year": 2025,
           "not_pinned_down": ["clinicians.initial_trust"],
           "composites": [{"key": "response_to_error", "label": "Response to error",
                           "percent": 34, "respondents": 250, "reference": 61,
                           "fitted": True},
                          {"key": "teamwork", "label": "Teamwork", "percent": 80,
                           "respondents": 250, "reference": 81, "fitted": False}]}


def test_the_report_names_the_fitted_hospital_and_its_fit(tmp_path: Path) -> None:
    hospital = tmp_path / "hospitals" / "Tiny-General.yaml"
    hospital.parent.mkdir()
    hospital.write_text(FITTED)
    summary_path(hospital).write_text(json.dumps(SUMMARY))
    programme = tmp_path / "programme.yaml"
    programme.write_text(PROGRAMME)
    out = tmp_path / "out"
    assert main(["compare", str(hospital), str(programme), "--replicates", "2", "--window",
                 "20", "--seed", "3", "--quiet", "--workers", "1", "--out", str(out)]) == 0
    folder = next(p for p in out.iterdir() if not p.name.startswith("."))
    report = (folder / "report.html").read_text()
    top = report[:report.index("Summary for the board")]
    assert "Tiny General" in top and "4 of 5 figures reproduced within sampling error" in top
    assert "could not pin down clinicians.initial_trust" in top
    assert (folder / "hospital-standing.png").exists()
    assert "Where the hospital stands" in report
    # The programme ran in the fitted hospital: its size and its managers, not the default's.
    resolved = next(folder.glob("*less*blame*.yaml")).read_text()
    assert "wards: 2" in resolved and "nurses_per_ward: 6" in resolved
    assert "punitiveness: 0.8" in resolved
