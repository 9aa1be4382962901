"""What the page draws: the hospital picture, chart series, story lines, the difference table."""

import math
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest

from sim.app.charts import CHARTS, charts_svg, hospital_trace, key_html, rolling_sum, smoothed
from sim.app.hospital_view import (
    COLOUR_STATES,
    PALETTE,
    colour_for,
    hospital_picture,
    picture_svg,
)
from sim.app.side_by_side import (
    TOO_EARLY,
    TOO_SMALL,
    WITHIN_CHANCE,
    Difference,
    chance_half_width,
    difference_html,
    recent_value,
)
from sim.app.story import latest_lines, redated, story_html
from sim.config import ModelConfig
from sim.core.metrics import METRIC_BY_NAME, period_value, verdict
from sim.core.model import HospitalModel, StoryEvent
from sim.experiment.statistics import mean_interval

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def hospital() -> HospitalModel:
    config = ModelConfig()
    config.hospital.wards = 3
    config.run.burn_in, config.run.days = 10, 40
    model = HospitalModel(config, seed=5)
    model.run_for(30)
    return model


def test_every_person_and_hazard_is_a_marker_with_a_tooltip(hospital):
    picture = hospital_picture(hospital, "burnout")
    kinds = [mark.kind for mark in picture.marks]
    assert kinds.count("nurse") + kinds.count("doctor") == hospital.clinician_count
    assert kinds.count("manager") == len(hospital.wards)
    assert kinds.count("executive") == len(hospital.executives)
    assert kinds.count("patient") == sum(len(w.patients) for w in hospital.wards)
    assert kinds.count("hazard") == sum(min(12, len(w.hazards)) for w in hospital.wards)
    assert [block.title for block in picture.blocks] == ["Ward 1", "Ward 2", "Ward 3"]
    nurse = next(mark for mark in picture.marks if mark.kind == "nurse")
    assert "Nurse #" in nurse.tooltip and "Exhaustion" in nurse.tooltip
    assert all(mark.tooltip for mark in picture.marks)


def test_markers_are_coloured_by_the_chosen_state(hospital):
    clinician = hospital.wards[0].clinicians[0]
    for key, state in COLOUR_STATES.items():
        mark = next(m for m in hospital_picture(hospital, key).marks if m.kind == "nurse")
        assert mark.fill == colour_for(getattr(clinician, state.attribute), state)
    assert colour_for(1.0, COLOUR_STATES["psychological_safety"]) == PALETTE[100]
    assert colour_for(1.0, COLOUR_STATES["burnout"]) == PALETTE[0]


def test_hospital_svg_is_well_formed_with_native_tooltips(hospital):
    svg = picture_svg(hospital_picture(hospital, "psychological_safety", "Day 20 <b>&</b>"))
    root = ElementTree.fromstring(svg)
    titles = [element.text for element in root.iter(f"{SVG}title")]
    assert any(title.startswith("Nurse #") for title in titles)
    assert "<b>" not in svg  # captions are escaped, never markup


def test_ratio_series_are_ratios_of_rolling_sums_as_the_metrics_contract_defines(hospital):
    columns = hospital.datacollector.model_vars
    series = smoothed(columns, "reporting_rate", 14)
    window = {name: columns[name][-14:] for name in ("staff_reports", "incidents")}
    expected = period_value(METRIC_BY_NAME["reporting_rate"], window)
    assert series[-1] == pytest.approx(100 * expected)  # read per 100 incidents
    compliance = smoothed(columns, "true_compliance", 7)
    window = {name: columns[name][-7:] for name in ("workarounds", "obstacle_encounters")}
    assert compliance[-1] == pytest.approx(
        100 * period_value(METRIC_BY_NAME["true_compliance"], window))
    assert rolling_sum(np.array([1.0, 2.0, 3.0, 4.0]), 2).tolist() == [1.0, 3.0, 5.0, 7.0]


def test_trace_is_dated_in_scenario_days(hospital):
    trace = hospital_trace(hospital, "x")
    days = trace.series["reporting_rate"].days
    assert days[0] == 1 - hospital.config.run.burn_in and days[-1] == hospital.scenario_day
    assert trace.first_day == -9 and trace.last_day == 40


def test_charts_svg_has_every_chart_and_numbered_markers(hospital):
    trace = hospital_trace(hospital, "Your hospital")
    svg = charts_svg([trace, trace], [(5, "Just culture"), (12, "A <script> change")])
    root = ElementTree.fromstring(svg)
    charts = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart"]
    assert [g.get("data-title") for g in charts] == [chart.title for chart in CHARTS]
    assert "<script>" not in svg
    dashed = [line for line in root.iter(f"{SVG}polyline") if line.get("stroke-dasharray")]
    assert dashed  # the second hospital is drawn dashed
    numbers = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "marker"
               for t in g.iter(f"{SVG}text")]
    assert numbers[:2] == ["1", "2"]
    key = key_html([trace], [(5, "Just culture"), (12, "A <script> change")], CHARTS)
    assert "<b>1</b> day 5: Just culture" in key and "<script>" not in key


def test_charts_cope_with_a_hospital_that_has_not_started():
    model = HospitalModel(ModelConfig(), seed=1)
    ElementTree.fromstring(charts_svg([hospital_trace(model, "new")], []))


def test_story_lines_are_newest_first_and_dated_like_the_charts(hospital):
    lines = latest_lines(hospital, 5)
    assert len(lines) == 5
    assert [line.day for line in lines] == sorted((line.day for line in lines), reverse=True)
    event = StoryEvent(day=25, ward=0, kind="fix", text="Day 25, Ward 1: a fix.")
    assert redated(event, 10).text == "Day 15, Ward 1: a fix."
    assert redated(StoryEvent(7, None, "shock", "Day 7: a storm."), 10).text == (
        "Warm-up day 7: a storm.")


def test_story_html_escapes_every_line():
    html = story_html([redated(StoryEvent(30, None, "x", "Day 30: <img src=x>"), 10)])
    assert "<img" not in html and "&lt;img" in html


def row(metric, left, right, gaps, reference=None):
    change = mean_interval(gaps)
    return Difference(metric, "", left, right, change, right if reference is None else reference)


def test_the_verdict_is_the_board_reports_rule_on_the_mean_gap_over_the_pairs():
    better = row("reporting_rate", 0.30, 0.20, [0.10, 0.08, 0.12, 0.09, 0.11, 0.10])
    change = better.change
    assert better.verdict() == verdict(METRIC_BY_NAME["reporting_rate"], change.mean,
                                       change.low, change.high, 0.20) == "better"
    assert row("adverse_events", 30, 20, [10, 9, 11, 10, 12, 8]).verdict() == "worse"
    # Outside chance but smaller than the minimum meaningful difference: not a difference.
    trivial = row("trust_in_management", 0.505, 0.50, [0.005, 0.004, 0.006, 0.005, 0.005])
    assert trivial.verdict() == "no material change" and trivial.words() == TOO_SMALL
    # A large gap in the pair shown, but the pairs disagree: chance.
    noisy = row("reporting_rate", 0.30, 0.20, [0.10, -0.08, 0.12, -0.09, 0.02, -0.05])
    assert noisy.verdict() == "no material change" and noisy.words() == WITHIN_CHANCE
    assert Difference("burnout_prevalence", "", 0.3, 0.2).words() == TOO_EARLY


def test_chance_band_is_the_half_width_of_the_mean_gaps_interval():
    gaps = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    interval = mean_interval(gaps)
    assert chance_half_width(gaps) == pytest.approx((interval.high - interval.low) / 2)
    per_day = chance_half_width(np.array([[0.1, 1.0], [0.2, math.nan], [0.3, 2.0]]))
    assert per_day[0] == pytest.approx(chance_half_width(np.array([0.1, 0.2, 0.3])))
    assert per_day[1] == pytest.approx(chance_half_width(np.array([1.0, 2.0])))
    assert math.isnan(chance_half_width(np.array([0.1, math.nan])))


def test_difference_table_escapes_labels_and_shows_numbers_as_the_metrics_do():
    html = difference_html([Difference("trust_in_management", "Trust <i>", 0.5, 0.51,
                                       mean_interval([-0.01, 0.02, -0.03]), 0.51),
                            Difference("adverse_events", "Harm", 23, 21.3,
                                       mean_interval([1.7, -3, 4]), 21.3)], "L", "R", 5)
    assert "<i>" not in html and WITHIN_CHANCE in html
    assert "better" not in html.split("</table>")[0] and "Gap over 6 pairs" in html
    assert ">23<" in html and ">21<" in html and ">+1.7<" in html
    assert ">50.0<" in html and ">−1.0<" in html


def test_recent_values_are_periods_of_the_metrics_contract(hospital):
    assert recent_value(hospital, "adverse_events") == sum(
        hospital.datacollector.model_vars["adverse_events"][-30:])


def test_chart_ranges_fit_the_data_and_bands(hospital):
    from sim.app.charts import CHARTS, hospital_trace, traces_coincide, value_range

    trace = hospital_trace(hospital, "h")
    for chart in CHARTS:
        low, high = value_range([trace], chart)
        values = np.concatenate([trace.series[name].values for name, _ in chart.metrics])
        values = values[np.isfinite(values)]
        assert low <= values.min() and high >= values.max()
        assert high - low <= 3 * (values.max() - values.min()) + 1.0  # fitted, not 0-100
    assert traces_coincide(trace, hospital_trace(hospital, "twin"))


def test_animation_frames_are_slides_with_16px_text_and_the_interventions_in_force():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from sim.app.animate import DPI, FIGURE_SIZE, draw_frame, layout
    from sim.scenario import load_scenario
    from sim.scenario.runtime import build_model

    scenario = load_scenario("blame_culture", overrides={"hospital.wards": 2, "run.burn_in": 3,
                                                         "run.days": 40})
    model = build_model(scenario, 1)
    model.run_for(3 + 35)
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    draw_frame(layout(figure), model, scenario, "psychological_safety")
    canvas.draw()
    assert canvas.get_width_height() == (1280, 720)
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts and min(t.get_fontsize() * DPI / 72 for t in texts) >= 16
    assert any("In force: Blame culture (from day 30)" in t.get_text() for t in texts)
