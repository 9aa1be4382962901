"""What clinicians learn from a manager's answer to a report they filed or heard of (M2, M3,
M14), for everyone who heard of it in one compiled call.

A blame response lowers psychological safety and trust and raises the blame expected next
time; a learning response raises them and lowers it; feedback raises the belief that reporting
is useful, silence lowers it. The reporter learns more than colleagues who only heard
(`own`). The rules are `mechanisms.after_blame`, `after_learning`, `blame_expectation`,
`after_feedback` and `after_silence`; who heard is the manager's draw
(`Manager.audience`), and the updates run in its order, so a colleague who heard twice learns
twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.config.behaviour import LearningBehaviour
from sim.core import mechanisms as rules
from sim.core.records import as_record, record_type

if TYPE_CHECKING:
    from sim.config import ModelConfig
    from sim.core.agents.clinician import Clinician
    from sim.core.model import HospitalModel

LearningRecord = record_type("LearningRecord", LearningBehaviour, __name__)


def learning_record(config: ModelConfig) -> tuple:
    """The learning rules as the compiled updates read them."""
    return as_record(LearningRecord, config.learning)


def hear_response(model: HospitalModel, audience: list[tuple[Clinician, bool]],
                  blamed: bool) -> None:
    """Everyone in `audience` (clinician, whether it was their own report) learns from a
    blame or a learning response."""
    if audience:
        rows, own = rows_and_own(audience)
        see_responses(model.staff.compiled, rows, own, blamed, model.configured(learning_record))


def hear_outcome(model: HospitalModel, audience: list[tuple[Clinician, bool]],
                 feedback: bool) -> None:
    """Everyone in `audience` learns whether the report led to feedback or to nothing."""
    if audience:
        rows, own = rows_and_own(audience)
        see_outcomes(model.staff.compiled, rows, own, feedback,
                     model.configured(learning_record))


def ready_the_loops(model: HospitalModel) -> None:
    """Compile (or load) the updates for an audience of no one: a day can pass without any
    manager answering a report, and the page readies every loop before its first day."""
    rows, own = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_)
    learning = model.configured(learning_record)
    see_responses(model.staff.compiled, rows, own, True, learning)
    see_outcomes(model.staff.compiled, rows, own, True, learning)


def rows_and_own(audience: list[tuple[Clinician, bool]]) -> tuple[np.ndarray, np.ndarray]:
    """The audience's rows of the staff table, and whether each heard of their own report."""
    return (np.array([clinician.row for clinician, _ in audience], dtype=np.int64),
            np.array([own for _, own in audience], dtype=np.bool_))


@njit(cache=True)
def see_responses(staff, rows, own, blamed, learning):
    """`hear_response` for the staff table's `rows`, in order."""
    for i in range(len(rows)):
        r = rows[i]
        if blamed:
            staff.psychological_safety[r] = rules.after_blame(
                learning, staff.psychological_safety[r], own[i])
            staff.trust_in_management[r] = rules.after_blame(
                learning, staff.trust_in_management[r], own[i])
        else:
            staff.psychological_safety[r] = rules.after_learning(
                learning, staff.psychological_safety[r], own[i])
            staff.trust_in_management[r] = rules.after_learning(
                learning, staff.trust_in_management[r], own[i])
        staff.perceived_blame[r] = rules.blame_expectation(
            learning, staff.perceived_blame[r], blamed, own[i])


@njit(cache=True)
def see_outcomes(staff, rows, own, feedback, learning):
    """`hear_outcome` for the staff table's `rows`, in order."""
    for i in range(len(rows)):
        r = rows[i]
        if feedback:
            staff.perceived_usefulness[r] = rules.after_feedback(
                learning, staff.perceived_usefulness[r], own[i])
        else:
            staff.perceived_usefulness[r] = rules.after_silence(
                learning, staff.perceived_usefulness[r], own[i])
