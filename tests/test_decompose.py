"""`run.py decompose`: a bundle split into its parts, the variants built from them, the
arithmetic of the contributions, and the command end to end on a tiny hospital."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import UsageError
from sim.evidence.decompose import (
    BASELINE,
    FULL,
    Part,
    contributions,
    decomposition_variants,
    split_parts,
)
from sim.scenario import load_scenario

LETTER_GROUPS = ["transparency", "clinicians", "patients", "management", "regulation"]
TINY = """name: tiny letter
extends: letter_recommendation
hospital:
  wards: 1
run:
  days: 60
  burn_in: 5
interventions:
  - name: Transparency, clinician- and patient-led improvement
    start: 5
    ramp: 5
"""
TWO_PROGRAMMES = """name: two programmes
management:
  punitiveness: 0.3
interventions:
  - name: Just culture
    start: 10
    set:
      management.punitiveness: 0.15
      management.feedback_probability: 0.6
  - name: Protected time
    start: 20
    ramp: 10
    set:
      clinicians.clinician_led_improvement: 0.6
  - name: Inquiry
    start: 30
    shock:
      magnitude: 0.5
"""


def changed_keys(scenario) -> set[str]:
    keys = set(scenario.changed_parameters()) - {"run.days", "run.burn_in", "hospital.wards"}
    return keys | {key for item in scenario.interventions for key in item.changes}


def test_the_letter_splits_into_its_parameter_groups():
    scenario = load_scenario("letter_recommendation")
    parts = split_parts(scenario)
    assert [part.name for part in parts] == LETTER_GROUPS
    management = parts[3]
    assert set(management.interventions[0].changes) == {
        "management.punitiveness", "management.feedback_probability",
        "management.fix_probability", "management.compliance_focus"}
    # the part keeps its intervention's timing
    assert (management.interventions[0].start, management.interventions[0].ramp) == (60, 60)


def test_variants_are_baseline_full_each_alone_and_each_removed():
    scenario = load_scenario("letter_recommendation")
    parts = split_parts(scenario)
    variants = {v.label: v.scenario for v in decomposition_variants(scenario, parts)}
    assert list(variants) == [BASELINE, FULL, *(f"{g} alone" for g in LETTER_GROUPS),
                              *(f"without {g}" for g in LETTER_GROUPS)]
    everything = changed_keys(scenario)
    assert changed_keys(variants[BASELINE]) == set() and not variants[BASELINE].interventions
    assert changed_keys(variants[FULL]) == everything
    for group in LETTER_GROUPS:
        mine = {key for key in everything if key.startswith(group + ".")}
        assert changed_keys(variants[f"{group} alone"]) == mine
        assert changed_keys(variants[f"without {group}"]) == everything - mine
    assert variants[FULL].to_dict()["interventions"] == scenario.to_dict()["interventions"]


def test_starting_values_and_shocks_are_parts_too(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(TWO_PROGRAMMES, encoding="utf-8")
    scenario = load_scenario(path)
    by_group = split_parts(scenario, "group")
    assert [part.name for part in by_group] == ["management", "clinicians", "Inquiry"]
    assert by_group[0].starting == (("management.punitiveness", 0.3),)
    by_item = split_parts(scenario, "intervention")
    assert [part.name for part in by_item] == ["starting values", "Just culture",
                                               "Protected time", "Inquiry"]
    variants = {v.label: v.scenario for v in decomposition_variants(scenario, by_item)}
    alone = variants["Inquiry alone"]
    assert [item.name for item in alone.interventions] == ["Inquiry"]
    assert alone.config.management.punitiveness == 0.5  # the default: starting values are out
    assert [i.name for i in variants["without Inquiry"].interventions] == [
        "Just culture", "Protected time"]


def test_a_scenario_with_one_part_cannot_be_decomposed():
    scenario = load_scenario("just_culture")  # management only
    with pytest.raises(UsageError, match="at least two parts"):
        decomposition_variants(scenario, split_parts(scenario))


def test_contributions_are_paired_differences_and_the_interaction_is_what_is_left():
    parts = [Part("a", (), ()), Part("b", (), ())]
    runs = {BASELINE: [{"x": 10.0}, {"x": 20.0}], FULL: [{"x": 16.0}, {"x": 27.0}],
            "a alone": [{"x": 12.0}, {"x": 22.0}], "b alone": [{"x": 11.0}, {"x": 21.0}],
            "without a": [{"x": 11.0}, {"x": 21.0}], "without b": [{"x": 12.0}, {"x": 22.0}]}
    rows = {(row.part, row.quantity): row for row in contributions(["x"], parts, runs)}
    assert rows[("", "full")].mean == pytest.approx(6.5)
    assert rows[("a", "alone")].mean == pytest.approx(2.0)
    assert rows[("a", "removed")].mean == pytest.approx(5.5)
    assert rows[("", "interaction")].mean == pytest.approx(6.5 - 2.0 - 1.0)
    assert rows[("a", "alone")].relative(2.0) == pytest.approx(2.0 / 15.0)
    assert rows[("a", "alone")].low == pytest.approx(2.0)  # no spread, a zero-width interval


def decompose(tmp_path: Path, workers: int, out: str) -> Path:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY, encoding="utf-8")
    assert main(["decompose", str(scenario), "--replicates", "2", "--window", "30",
                 "--workers", str(workers), "--out", str(tmp_path / out)]) == 0
    (folder,) = (tmp_path / out).iterdir()
    return folder


def test_decompose_writes_table_figure_report_and_variants(tmp_path, capsys):
    folder = decompose(tmp_path, 2, "out")
    assert "Results:" in capsys.readouterr().out
    assert {p.name for p in folder.iterdir()} >= {"decomposition.csv", "decomposition.png",
                                                  "decomposition.svg", "report.md",
                                                  "scenarios"}
    with open(folder / "decomposition.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    outcomes = {row["outcome"] for row in rows}
    assert "preventable_adverse_events" in outcomes and "reporting_rate" in outcomes
    assert len(rows) == len(outcomes) * (2 * len(LETTER_GROUPS) + 2)
    assert {row["quantity"] for row in rows} == {"full", "alone", "removed", "interaction"}
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert all(f"**{group}**" in report for group in LETTER_GROUPS)
    assert "Interaction (full - sum of parts alone)" in report
    assert len(list((folder / "scenarios").glob("*.yaml"))) == 2 + 2 * len(LETTER_GROUPS)
    # the same seed gives the same numbers with any number of workers
    again = decompose(tmp_path, 1, "again")
    assert ((again / "decomposition.csv").read_text()
            == (folder / "decomposition.csv").read_text())


@pytest.mark.parametrize("content, expected", [
    ("name: one\nextends: just_culture\n", "at least two parts"),
    ("name: bad\ninterventions:\n  - name: x\n    start: 5\n    set:\n      nope.key: 1\n",
     "unknown parameter"),
], ids=["one-part", "bad-key"])
def test_a_bad_scenario_exits_2_with_one_line(tmp_path, capsys, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    assert main(["decompose", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert expected in error and len(error.splitlines()) == 1 and "bad.yaml" in error
    assert not (tmp_path / "out").exists()
