"""`run.py decompose`: a bundle split into its parts, the variants built from them, the
arithmetic of the contributions, and the command end to end on a tiny hospital."""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import UsageError
from sim.evidence.decompose import (
    BASELINE,
    FULL,
    HARM_OUTCOME,
    Part,
    catch_probability,
    contributions,
    decomposition_variants,
    frozen_label,
    frozen_variants,
    interception_shares,
    split_parts,
)
from sim.experiment.statistics import t_critical
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
    # the share of each programme's harm effect through colleague interception
    with open(folder / "interception.csv", encoding="utf-8") as handle:
        shares = list(csv.DictReader(handle))
    assert [row["programme"] for row in shares] == [FULL, *LETTER_GROUPS]
    assert {row["replicates"] for row in shares} == {"2"}
    assert "## Share of the harm effect through colleague interception" in report
    assert len(list((folder / "scenarios" / "interception").glob("*.yaml"))) == \
        2 + len(LETTER_GROUPS)
    # the same seed gives the same numbers with any number of workers
    again = decompose(tmp_path, 1, "again")
    assert ((again / "decomposition.csv").read_text()
            == (folder / "decomposition.csv").read_text())
    assert ((again / "interception.csv").read_text()
            == (folder / "interception.csv").read_text())


def paired_runs(baseline: list[float], programme: list[float], frozen_baseline: list[float],
                frozen_programme: list[float]) -> dict[str, list[dict[str, float]]]:
    def runs(values: list[float]) -> list[dict[str, float]]:
        return [{HARM_OUTCOME: value} for value in values]

    return {BASELINE: runs(baseline), FULL: runs(programme),
            frozen_label(BASELINE): runs(frozen_baseline),
            frozen_label(FULL): runs(frozen_programme)}


def test_the_interception_share_and_its_interval_come_from_paired_replicates():
    # modelled effects -18%, -20%, -22%; frozen -9%, -11%, -10%: share 1 - 0.5 = 0.5
    modelled, frozen = [-0.18, -0.2, -0.22], [-0.09, -0.11, -0.10]
    runs = paired_runs([100.0] * 3, [100 * (1 + e) for e in modelled], [200.0] * 3,
                       [200 * (1 + e) for e in frozen])
    (share,) = interception_shares([], runs, catch=0.3)
    ratio = sum(frozen) / sum(modelled)
    assert share.share == pytest.approx(1 - ratio) and share.share == pytest.approx(0.5)
    residuals = [f - ratio * m for f, m in zip(frozen, modelled, strict=True)]
    error = statistics.stdev(residuals) / (math.sqrt(3) * abs(statistics.fmean(modelled)))
    assert share.high - share.share == pytest.approx(t_critical(2) * error)
    assert share.share - share.low == pytest.approx(t_critical(2) * error)
    assert share.estimable and share.modelled[0] == pytest.approx(-0.2)
    # pairing matters: the same values in another order give another interval
    shuffled = paired_runs([100.0] * 3, [100 * (1 + e) for e in modelled], [200.0] * 3,
                           [200 * (1 + e) for e in reversed(frozen)])
    (other,) = interception_shares([], shuffled, catch=0.3)
    assert other.share == pytest.approx(share.share) and other.low != pytest.approx(share.low)
    # an effect whose interval includes zero has no share to speak of
    (noisy,) = interception_shares([], paired_runs([100.0] * 3, [90.0, 110.0, 99.0],
                                                   [100.0] * 3, [95.0, 104.0, 100.0]), 0.3)
    assert not noisy.estimable


def test_the_frozen_catch_probability_is_the_models_rule():
    from sim.core import mechanisms

    config = load_scenario("baseline").config
    for safety in (0.2, 0.45, 0.7):
        assert catch_probability(config, safety) == pytest.approx(
            mechanisms.colleague_catch_probability(config.errors, safety), rel=1e-12)


def test_where_colleagues_never_intercept_no_harm_effect_runs_through_interception(tmp_path):
    """Colleagues who never catch an error (colleague_catch 0): freezing interception changes
    no run, so every programme's share is exactly zero, interval and all."""
    from sim.evidence.effects import summarise_run
    from sim.experiment.jobs import replicate_seeds

    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    scenario = load_scenario(path)
    parts = split_parts(scenario)
    variants = [v for v in decomposition_variants(scenario, parts)
                if not v.label.startswith("without ")]
    for variant in variants:
        variant.scenario.config.set("errors.colleague_catch", 0.0)
    frozen = frozen_variants(variants, parts, baseline_safety=0.45)
    seeds = replicate_seeds(1, 3)
    runs = {v.label: [summarise_run(v.scenario.to_dict(), seed, 30) for seed in seeds]
            for v in [*variants, *frozen]}
    shares = interception_shares(parts, runs, catch=0.0)
    assert [item.programme for item in shares] == [FULL, *LETTER_GROUPS]
    moved = [item for item in shares if item.modelled[0] != 0.0]
    assert moved  # some programme changed harm in this tiny hospital
    for item in moved:
        assert item.frozen == item.modelled
        assert (item.share, item.low, item.high) == (0.0, 0.0, 0.0)


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
