"""What a board reads: the ranked first page, values in units, time to effect, value for money
and the second interval over plausible worlds, consistent between CSV and report."""

import math
import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.core.metrics import METRIC_BY_NAME, METRICS
from sim.experiment.assumptions import plausible_ranges
from sim.experiment.board_page import count_change
from sim.experiment.board_table import BOARD_METRICS, HARM, YEAR_DAYS

BASE = """\
name: base
hospital: {wards: 2, nurses_per_ward: 6, doctors_per_ward: 2}
run: {days: 70, burn_in: 5}
"""
OPTIONS = {
    "fix": "interventions:\n  - {name: just culture, start: 5, set: {management.punitiveness: "
           "0.05, management.feedback_probability: 0.9}}\n",
    "relief": "interventions:\n  - {name: less paperwork, start: 5, set: "
              "{regulation.admin_share: 0.15}}\n",
}
COSTS = """\
currency: EUR
price_year: 2024
willingness_to_pay: {value: 20000, source: user}
adverse_event_severity:
  minor: {share: 0.6, cost: 100, source: user}
  severe: {share: 0.4, cost: 8000, source: user}
extra_bed_days_per_event: {value: 8.5, source: "Vincent et al. 2001"}
bed_day: {value: 600, source: user}
replacement_per_leaver: {value: 30000, source: user}
interventions:
  fix: {setup: {value: 5000, source: user}, yearly: 1000}
  relief:
    staff_hours_per_year: {value: 100, source: user}
    hourly_wage: {value: 40, source: user}
"""
WINDOW = 60
WORLDS = 3


def write_inputs(folder: Path) -> list[str]:
    (folder / "base.yaml").write_text(BASE)
    for name, body in OPTIONS.items():
        (folder / f"{name}.yaml").write_text(f"name: {name}\nextends: base.yaml\n{body}")
    (folder / "costs.yaml").write_text(COSTS)
    return [str(folder / f"{name}.yaml") for name in ("base", *OPTIONS)]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("decisions")
    files = write_inputs(folder)
    assert main(["compare", *files, "--replicates", "3", "--window", str(WINDOW),
                 "--workers", "1", "--quiet", "--out", str(folder / "out"),
                 "--costs", str(folder / "costs.yaml"),
                 "--assumptions", str(WORLDS)]) == 0
    return next(path for path in (folder / "out").iterdir() if not path.name.startswith("."))


def read(results: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(results / name, keep_default_na=False, na_values=[""])


def test_board_ranks_options_by_preventable_harm_averted(results: Path) -> None:
    board = read(results, "board.csv")
    assert set(board["metric"]) == set(BOARD_METRICS)
    harm = board[board["metric"] == HARM].sort_values("rank")
    assert list(harm["rank"]) == list(range(1, len(OPTIONS) + 1))
    averted = -harm["change"].to_numpy()
    assert (np.diff(averted) <= 1e-9).all()  # the most harm averted first
    for _, rows in board.groupby("option"):
        assert rows["rank"].nunique() == 1


def test_board_counts_are_per_year_and_match_comparison_in_units(results: Path) -> None:
    board = read(results, "board.csv").set_index(["option", "metric"])
    comparison = read(results, "comparison.csv").set_index(["scenario", "metric"])
    for (option, name), row in board.iterrows():
        metric = METRIC_BY_NAME[name]
        factor = YEAR_DAYS / WINDOW if metric.kind == "count" else 1.0
        source = comparison.loc[(option, name)]
        assert row["change"] == pytest.approx(source["diff"] * factor, nan_ok=True)
        assert row["ci_low"] == pytest.approx(source["diff_ci_low"] * factor, nan_ok=True)
        assert ("per year" in row["unit"]) == (metric.kind == "count")


def test_comparison_csv_is_in_the_unit_it_names(results: Path) -> None:
    comparison = read(results, "comparison.csv").set_index(["scenario", "metric"])
    summary = read(results, "summary.csv")
    metrics = read(results, "metrics.csv").set_index("metric")
    for metric in METRICS:
        stored = summary[summary["scenario"] == "base"][metric.name].mean()
        shown = comparison.loc[("base", metric.name), "mean"]
        assert shown == pytest.approx(stored * metrics.loc[metric.name, "scale"], nan_ok=True)
        assert metrics.loc[metric.name, "unit"] == comparison.loc[("base", metric.name), "unit"]
    assert metrics.loc["reporting_rate", "stored_as"] == "share (0-1)"
    assert metrics.loc["psychological_safety", "stored_as"] == "belief (0-1)"
    assert metrics.loc["incidents", "scale"] == 1.0


def test_report_first_page_shows_the_csv_numbers(results: Path) -> None:
    html = (results / "report.html").read_text(encoding="utf-8")
    board_start = html.index('<section class="board">')
    board_html = html[board_start:html.index("</section>", board_start)]
    assert board_start < html.index("Summary in words") < html.index("What was compared")
    caveat = unescape(re.search(r'<p class="caveat">(.*?)</p>', board_html).group(1))
    assert caveat.count(". ") == 0 and caveat.endswith(".")  # one sentence
    assert "simulated" in caveat and "not a forecast" in caveat
    board = read(results, "board.csv")
    for _, row in board[board["metric"] == HARM].iterrows():
        main_text, interval = count_change(row["change"], row["ci_low"], row["ci_high"])
        assert f"<b>{main_text}</b>" in board_html
        if interval:
            assert interval in unescape(board_html)
    # Options appear in rank order, each with a one-line reading.
    ranked = list(board.sort_values("rank")["option"].drop_duplicates())
    positions = [board_html.index(f". {option}</th>") for option in ranked]
    assert positions == sorted(positions)
    assert board_html.count("<li>") == len(OPTIONS)


def test_time_to_effect_months_lie_within_the_run(results: Path) -> None:
    timing = read(results, "time_to_effect.csv")
    months = math.ceil(70 / 30)
    for column in ("month_material", "month_90_percent"):
        values = timing[column].dropna()
        assert ((values >= 1) & (values <= months)).all()
    by_month = read(results, "effect_by_month.csv")
    assert set(by_month["month"]) == set(range(1, months + 1))
    assert (by_month["diff_ci_low"].dropna() <= by_month["diff"].dropna() + 1e-9).all()


def test_value_table_adds_up(results: Path) -> None:
    value = read(results, "value.csv").set_index("option")
    assert list(value.index) == list(OPTIONS)
    assert value.loc["fix", "intervention_cost"] == pytest.approx(6000)
    assert value.loc["relief", "intervention_cost"] == pytest.approx(4000)
    for _, row in value.iterrows():
        assert row["incremental_cost"] == pytest.approx(row["intervention_cost"]
                                                        - row["cost_offsets"])
        assert row["net_monetary_benefit"] == pytest.approx(
            row["willingness_to_pay"] * row["events_averted"] - row["incremental_cost"])
        assert 0 <= row["probability_cost_effective"] <= 1
        if math.isfinite(row["cost_per_event_averted"]):
            assert row["events_averted_low"] > 0
    curves = read(results, "acceptability.csv")
    assert set(curves["from"]) == {"paired replicates", "plausible worlds"}
    assert curves["probability_cost_effective"].between(0, 1).all()
    html = (results / "report.html").read_text(encoding="utf-8")
    assert "Value for money" in html and "CHEERS 2022" in html and "acceptability" in html


def test_assumptions_give_a_second_interval_and_the_drivers(results: Path) -> None:
    samples = read(results, "assumptions.csv")
    assert len(samples) == WORLDS
    ranges = {c.key: c for c in plausible_ranges()}
    for key, coefficient in ranges.items():
        assert coefficient.low <= coefficient.default <= coefficient.high
        assert samples[key].between(coefficient.low, coefficient.high).all()
    board = read(results, "board.csv")
    assert (board["assumption_low"] <= board["assumption_high"]).all()
    shares = board["share_worlds_better"].dropna()
    assert shares.between(0, 1).all() and len(shares) == len(board)
    drivers = read(results, "assumption_drivers.csv")
    assert set(drivers["key"]) == set(ranges)
    assert (np.diff(drivers["strength"].to_numpy()) <= 1e-12).all()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda text: text.replace("price_year: 2024\n", ""), "price_year: missing"),
    (lambda text: text.replace("bed_day: {value: 600", "bed_day: {value: -1"),
     "bed_day.value: expected a number from 0"),
    (lambda text: text.replace("share: 0.4", "share: 0.5"), "adding up to 1"),
    (lambda text: text.replace("  fix: {setup", "  other: {setup"), "no costs for 'fix'"),
    (lambda text: text + "colour: blue\n", "colour: unknown key"),
    (lambda text: "[: not yaml", "not valid YAML"),
])
def test_bad_costs_file_is_refused_in_one_line(tmp_path: Path, capsys, edit,
                                               message: str) -> None:
    files = write_inputs(tmp_path)
    costs = tmp_path / "costs.yaml"
    costs.write_text(edit(COSTS))
    code = main(["compare", *files, "--replicates", "1", "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "out"), "--costs", str(costs)])
    error = capsys.readouterr().err.strip()
    assert code == 2
    assert message in error and str(costs) in error and len(error.splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
