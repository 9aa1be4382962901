"""A fitted hospital on the classroom page: on the menu after the library, first when the page
is started with it, and its survey composites shown against the national reference."""

from __future__ import annotations

import json
from pathlib import Path

import ipyvuetify as v
import ipywidgets
import pytest
import solara

from sim.app import scenario_menu as menu_module
from sim.app.controls import HospitalStanding
from sim.app.scenario_menu import START_VARIABLE, MenuEntry, scenario_menu
from sim.hospital.standing import summary_path

FITTED = "name: Our Hospital\nhospital: {wards: 3}\nmanagement: {punitiveness: 0.7}\n"
SUMMARY = {"hospital": "Our Hospital", "quality": "3 of 4 figures reproduced within sampling "
           "error", "instrument": "SOPS 2.0", "survey_year": 2025, "not_pinned_down": [],
           "composites": [{"key": "response_to_error", "label": "Response to error",
                           "percent": 38, "respondents": 300, "reference": 61,
                           "fitted": True}]}


@pytest.fixture
def fitted_hospital(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "hospitals"
    folder.mkdir()
    path = folder / "Our-Hospital.yaml"
    path.write_text(FITTED)
    summary_path(path).write_text(json.dumps(SUMMARY))
    monkeypatch.setattr(menu_module, "HOSPITALS_FOLDER", folder)
    return path


def test_fitted_hospitals_follow_the_library_on_the_menu(fitted_hospital: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(START_VARIABLE, raising=False)
    names = list(scenario_menu())
    assert names[0] == "baseline" and names[-1] == "Our Hospital"


def test_the_page_can_start_from_a_fitted_hospital(fitted_hospital: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_VARIABLE, str(fitted_hospital))
    menu = scenario_menu()
    assert next(iter(menu)) == "Our Hospital"
    assert list(menu).count("Our Hospital") == 1


def test_a_fitted_hospital_shows_where_it_stands(fitted_hospital: Path) -> None:
    entry = MenuEntry("Our Hospital", "", fitted_hospital)
    _, context = solara.render(HospitalStanding(entry), handle_error=False)
    try:
        texts = [w.children[0] for w in context.find(v.Html).widgets if w.children]
        assert any("3 of 4 figures reproduced" in str(text) for text in texts)
        assert context.find(ipywidgets.Image).widgets  # the composites chart
    finally:
        context.close()


def test_a_library_scenario_shows_no_fit(tmp_path: Path) -> None:
    entry = MenuEntry("baseline", "", None)
    _, context = solara.render(HospitalStanding(entry), handle_error=False)
    try:
        assert not context.find(ipywidgets.Image).widgets
    finally:
        context.close()
