"""Walkrounds (M11): the walkers' time is finite, and what there is to raise is what no one is
already dealing with."""

from __future__ import annotations

from sim.config import ModelConfig
from sim.core.model import HospitalModel


def walked_model(**settings: float) -> HospitalModel:
    config = ModelConfig()
    config.hospital.wards = 2
    for key, value in settings.items():
        config.set(key, value)
    model = HospitalModel(config, seed=3, storytelling=False)
    model.run(90)
    return model


def walkrounds_held(model: HospitalModel, days: int) -> int:
    return int(model.daily_data()["walkrounds"].tail(days).sum())


def test_walkrounds_beyond_the_walkers_time_do_not_take_place():
    # Due every day on each of two wards; two executives (4 a month each) and two ward
    # managers (8 a month each) have time for about 24 a month between them.
    model = walked_model(**{"management.walkrounds_per_month": 30.0})
    held = walkrounds_held(model, 60)
    assert 44 <= held <= 52, held
    # With time for them all, every one due is held.
    ample = walked_model(**{"management.walkrounds_per_month": 30.0,
                            "walkrounds.manager_walkrounds_per_month": 60.0})
    assert walkrounds_held(ample, 60) == 120


def test_a_concern_is_raised_only_about_a_problem_no_one_is_dealing_with():
    model = walked_model(**{"management.walkrounds_per_month": 4.0,
                            "walkrounds.concern_chance": 50.0})
    ward = model.wards[0]
    assert ward.hazards
    for hazard in ward.hazards:
        hazard.escalated = True  # all waiting for support services
    manager = ward.manager
    manager.walkround_credit = 5.0
    before = {id(h): h.reported for h in ward.hazards}
    ward.on_duty = list(ward.clinicians[:5])
    told = len(model.story)
    model.storytelling = True
    manager.walk_round(ward)
    assert not any("concern(s) taken on" in event.text for event in list(model.story)[told:])
    assert {id(h): h.reported for h in ward.hazards} == before
    # A problem no one is dealing with is raised (concern_chance makes it certain).
    ward.hazards[0].escalated = False
    ward.last_walkround_day = -10**6
    manager.walk_round(ward)
    assert any("concern(s) taken on" in event.text for event in list(model.story)[told:])
