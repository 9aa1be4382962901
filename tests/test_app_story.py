"""The narrated story: slow changes on the wards become lines in the feed and the log."""

import csv
import io

from sim.app.classroom import ClassroomHospital, ClassroomSettings
from sim.app.narrator import HABIT_NORM, Narrator, manager_style
from sim.app.story import latest_lines, story_csv

SMALL = {"hospital.wards": 2, "run.burn_in": 5, "run.days": 60}


def small_hospital(seed: int = 3) -> ClassroomHospital:
    return ClassroomHospital(ClassroomSettings(overrides=dict(SMALL)), seed=seed)


def kinds(model: ClassroomHospital) -> list[str]:
    return [event.kind for event in model.hospital.story]


def test_a_ward_whose_norm_crosses_the_line_is_told_once_as_its_habit_and_again_when_it_ends():
    model = small_hospital()
    ward = model.hospital.wards[0]
    narrator = Narrator(model.hospital)
    ward.deviation_norm = HABIT_NORM + 0.05
    narrator.observe()
    narrator.observe()
    habit = [e for e in model.hospital.story if e.kind == "workaround"]
    assert len(habit) == 1 and "become the ward's habit" in habit[0].text
    assert habit[0].ward == 0
    ward.deviation_norm = HABIT_NORM - 0.02  # within the margin: still the habit
    narrator.observe()
    assert kinds(model).count("workaround") == 1
    ward.deviation_norm = 0.3
    narrator.observe()
    assert "no longer the ward's habit" in model.hospital.story[-1].text


def test_a_manager_under_pressure_is_told_changing_style():
    model = small_hospital()
    narrator = Narrator(model.hospital)
    manager = model.hospital.wards[1].manager
    blaming = manager.punitiveness >= 0.6
    manager.pressure = -20.0 if blaming else 20.0  # pushed hard to the other style
    narrator.observe()
    line = [e for e in model.hospital.story if e.kind == "manager"][-1]
    assert ("mostly learns" if blaming else "mostly answers reports with blame") in line.text


def test_manager_styles_keep_a_margin_between_them():
    assert manager_style(0.62, "") == "blaming"
    assert manager_style(0.57, "blaming") == "blaming"
    assert manager_style(0.57, "learning") == "mixed"
    assert manager_style(0.38, "learning") == "learning"
    assert manager_style(0.2, "mixed") == "learning"


def test_a_run_narrates_unreported_harm_and_burnout_and_logs_every_line():
    model = small_hospital()
    for _ in range(65):
        model.step()
    told = set(kinds(model))
    assert {"unreported", "burnout"} <= told
    unreported = next(e for e in model.hospital.story if e.kind == "unreported")
    assert "Nobody reported" in unreported.text
    rows = list(csv.DictReader(io.StringIO(story_csv(model.hospital))))
    assert len(rows) == len(model.hospital.story)
    assert rows[-1]["kind"] == "end" and rows[-1]["day"] == "60"
    only = latest_lines(model.hospital, kinds={"unreported"})
    assert only and all(line.kind == "unreported" for line in only)
