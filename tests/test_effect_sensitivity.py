"""`run.py effect-sensitivity`: a Morris screen whose outcome is a scenario's paired effect,
on a tiny hospital: the table's structure, a ranking that must hold, the written section and
bad input."""

from __future__ import annotations

import math

import pytest

from sim.cli import main
from sim.cli.evidence import keep_effect_sensitivity
from sim.evidence.effect_sensitivity import (
    LIBRARY_BY_LABEL,
    OUTCOME_MEASURES,
    Setup,
    kept_section,
    noise_floor,
    paired_effect,
    read_results,
    run_screen,
    section,
    with_section,
    write_results,
)

# Blame weighs on reporting, and just culture takes blame away: its reporting effect must
# hang on it. Survey noise only blurs what a staff survey reads; behaviour never sees it.
DRIVER, INERT = "reporting.blame_weight", "survey.response_noise"
TINY = (("hospital.wards", 2), ("run.days", 120), ("run.burn_in", 10))
TINY_WINDOW = 90  # days of each tiny run read: the year's last 90 of 120
TRAJECTORIES = 3  # the fewest that give SALib's bootstrap something to resample


@pytest.fixture(scope="module")
def screen():
    setup = Setup(scenarios=(LIBRARY_BY_LABEL["just_culture"],), coefficients=(DRIVER, INERT),
                  trajectories=TRAJECTORIES, replicates=2, frame=TINY, window=TINY_WINDOW)
    return run_screen(setup, workers=1)


def test_paired_effects_are_relative_changes_ratios_or_points():
    assert paired_effect("relative", 90.0, 100.0) == pytest.approx(-0.1)
    assert paired_effect("ratio", 0.3, 0.2) == pytest.approx(1.5)
    assert paired_effect("points", 0.3, 0.2) == pytest.approx(0.1)
    assert math.isnan(paired_effect("ratio", 0.3, 0.0))


def test_the_indices_table_has_a_ranked_row_per_scenario_outcome_and_coefficient(screen):
    table = screen.indices
    assert list(table.columns) == ["scenario", "outcome", "measure", "parameter", "mu",
                                   "mu_star", "mu_star_conf", "sigma", "rank"]
    assert len(table) == 1 * len(OUTCOME_MEASURES) * 2
    assert set(table["outcome"]) == set(OUTCOME_MEASURES)
    assert (table["measure"] == table["outcome"].map(OUTCOME_MEASURES)).all()
    for _, rows in table.groupby("outcome"):
        assert sorted(rows["rank"]) == [1, 2]
        assert rows.sort_values("rank")["mu_star"].is_monotonic_decreasing
    # one averaged effect per point, scenario and outcome, beside the point's values
    assert len(screen.effects) == screen.setup.points * len(OUTCOME_MEASURES)
    assert {DRIVER, INERT} <= set(screen.effects.columns)
    # every point ran the baseline and the scenario with the same seeds
    assert len(screen.runs) == screen.setup.runs
    assert screen.runs.groupby(["point", "replicate"])["seed"].nunique().eq(1).all()


def test_a_coefficient_that_drives_the_effect_ranks_above_one_the_model_ignores(screen):
    reporting = screen.indices[screen.indices["outcome"] == "reporting_rate"]
    mu_star = dict(zip(reporting["parameter"], reporting["mu_star"], strict=True))
    assert mu_star[INERT] == 0.0  # the same runs whatever its value
    assert mu_star[DRIVER] > mu_star[INERT]
    assert reporting.iloc[0]["parameter"] == DRIVER
    # run noise alone would give a positive mu*; the inert coefficient sits below it
    floor = noise_floor(screen, "just_culture", "reporting_rate")
    assert math.isfinite(floor) and floor > mu_star[INERT]


def test_the_section_is_written_replaced_and_kept_by_check_model(screen, tmp_path):
    text = section(screen, "python run.py effect-sensitivity just_culture")
    assert text.startswith("## What the headline answers hang on")
    assert f"`{DRIVER}`" in text and "| just_culture | reporting_rate |" in text
    report = with_section("# Validation\n\nbody\n", text)
    assert report.count("What the headline answers hang on") == 1
    again = with_section(report, text.replace("just_culture", "JC"))
    assert again.count("What the headline answers hang on") == 1 and "| JC |" in again
    path = tmp_path / "VALIDATION.md"
    path.write_text(again, encoding="utf-8")
    assert keep_effect_sensitivity(path, "# Validation\n\nnew\n").endswith(
        kept_section(again) + "\n")


@pytest.mark.parametrize("arguments, expected", [
    (["--coefficients", "management.punitiveness,errors.colleague_catch"],
     "not a behavioural coefficient"),
    (["--coefficients", "errors.colleague_catch"], "at least two"),
    (["--set", "errors.colleague_catch=0.2"], "vary it or fix it"),
    (["no_such_scenario"], "no_such_scenario"),
    (["--levels", "3"], "even number"),
    # 1,000 trajectories x 15 points x 8 variants: past the 100,000 runs of any screen.
    (["--trajectories", "1000", "--replicates", "1"], "the limit is 100,000"),
])
def test_bad_input_stops_with_one_line_and_writes_nothing(arguments, expected, tmp_path,
                                                          capsys):
    out = tmp_path / "out"
    assert main(["effect-sensitivity", *arguments, "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert expected in error and len(error.splitlines()) == 1
    assert not out.exists()


def test_a_screen_keeps_no_daily_series_so_its_limit_is_in_runs_not_run_days(
        tmp_path, monkeypatch, capsys):
    # 7,200 default runs of 455 days: 3.3 million run-days, three times what `compare` may
    # hold in memory, but a screen keeps a few numbers per run.
    started = []

    def stop(setup, workers):
        started.append(setup.runs)
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.evidence.effect_sensitivity.run_screen", stop)
    status = main(["effect-sensitivity", "--trajectories", "10", "--replicates", "6",
                   "--out", str(tmp_path / "out")])
    assert started == [7_200], capsys.readouterr().err
    assert status == 130


def test_a_results_folder_reads_back_to_the_same_section(screen, tmp_path, capsys):
    command = "python run.py effect-sensitivity just_culture"
    write_results(screen, tmp_path, command)
    assert {p.name for p in tmp_path.iterdir()} == {"indices.csv", "effects.csv", "runs.csv",
                                                    "setup.json", "report.md"}
    again = read_results(tmp_path)
    assert section(again, "") == section(screen, command)
    target = tmp_path / "VALIDATION.md"
    target.write_text("# Validation\n", encoding="utf-8")
    assert main(["effect-sensitivity", "--from-results", str(tmp_path), "--write",
                 str(target)]) == 0
    assert kept_section(target.read_text(encoding="utf-8")) is not None
    assert "What the headline answers hang on" in capsys.readouterr().out
