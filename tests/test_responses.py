"""Who heard of a manager's answer learns from it, in one compiled call (`passes.responses`):
the same numbers the rules give one clinician at a time, in the audience's order."""

from __future__ import annotations

import pytest

from sim.config import ModelConfig
from sim.core import mechanisms as rules
from sim.core.model import HospitalModel
from sim.core.passes.responses import hear_outcome, hear_response


@pytest.fixture()
def model() -> HospitalModel:
    model = HospitalModel(ModelConfig(), seed=3, storytelling=False)
    model.run(5)
    return model


def beliefs(clinician) -> tuple[float, ...]:
    return (clinician.psychological_safety, clinician.trust_in_management,
            clinician.perceived_blame, clinician.perceived_usefulness)


@pytest.mark.parametrize("blamed", [True, False])
def test_a_response_moves_the_reporter_more_than_those_who_heard_and_twice_if_heard_twice(
        model, blamed):
    learning = model.config.learning
    reporter, colleague, other = model.clinician_list[:3]
    audience = [(reporter, True), (colleague, False), (colleague, False)]
    expected = {}
    for clinician, times, own in ((reporter, 1, True), (colleague, 2, False)):
        safety, trust, blame, usefulness = beliefs(clinician)
        move = rules.after_blame if blamed else rules.after_learning
        for _ in range(times):
            safety, trust = move(learning, safety, own), move(learning, trust, own)
            blame = rules.blame_expectation(learning, blame, blamed, own)
        expected[clinician] = (safety, trust, blame, usefulness)
    untouched = beliefs(other)
    before = beliefs(reporter)
    hear_response(model, audience, blamed)
    assert beliefs(reporter) == expected[reporter]
    assert beliefs(colleague) == expected[colleague]
    assert beliefs(other) == untouched
    # Blame lowers safety and raises the blame expected; learning does the opposite.
    assert (beliefs(reporter)[0] < before[0]) == blamed
    assert (beliefs(reporter)[2] > before[2]) == blamed


@pytest.mark.parametrize("feedback", [True, False])
def test_an_outcome_moves_the_belief_that_reporting_is_useful(model, feedback):
    learning = model.config.learning
    reporter, colleague = model.clinician_list[3:5]
    before = {c: c.perceived_usefulness for c in (reporter, colleague)}
    move = rules.after_feedback if feedback else rules.after_silence
    hear_outcome(model, [(reporter, True), (colleague, False)], feedback)
    assert reporter.perceived_usefulness == move(learning, before[reporter], True)
    assert colleague.perceived_usefulness == move(learning, before[colleague], False)
    assert (reporter.perceived_usefulness > before[reporter]) == feedback
    hear_outcome(model, [], feedback)  # no one heard: nothing to do
