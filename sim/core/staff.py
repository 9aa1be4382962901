"""The staff table: every clinician's state, held once, as columns of arrays.

The day's compiled passes (`sim.core.passes`) read and write these columns in place, for the
rows of the staff they concern; the `Clinician` agents are the public face of the same rows
(their attributes are views onto the table), so the page, the story and the managers' Python
code read and change the very values the passes use. Nothing is copied into arrays and back.

A row belongs to one clinician for good: a leaver's row is never given to a newcomer, because
a report a leaver filed may still be waiting for its response, and the response is seen by its
reporter (`sim.core.world.Report`). The table grows by doubling when it is full.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit, types
from numba.experimental import structref

if TYPE_CHECKING:
    from sim.core.agents.clinician import Clinician

# Beliefs (0-1) that events move day by day, and the dispositions they settle back toward.
BELIEFS = ("psychological_safety", "trust_in_management", "perceived_usefulness",
           "perceived_blame", "deviation_tolerance")
DISPOSITIONS = ("professional_standard", "safety_disposition", "trust_disposition",
                "usefulness_disposition", "blame_disposition")
# Strain, the personal bent to report, and the day's use of time.
CONDITION = ("exhaustion", "resilience", "reporting_propensity", "time_pressure",
             "regulatory_time", "improvement_time_used")
FLOAT_COLUMNS = BELIEFS + DISPOSITIONS + CONDITION
# The ward's index, the post on it, the clinician's reports, and the day burnout began.
INT_COLUMNS = ("ward", "post", "reports_filed", "last_report_day", "burned_out_since")
BOOL_COLUMNS = ("doctor", "on_duty")
COLUMNS = FLOAT_COLUMNS + INT_COLUMNS + BOOL_COLUMNS
DTYPES = {**dict.fromkeys(FLOAT_COLUMNS, np.float64), **dict.fromkeys(INT_COLUMNS, np.int64),
          **dict.fromkeys(BOOL_COLUMNS, np.bool_)}

# The columns as one named tuple, the form the compiled passes take (Numba finds the type again
# by module and name for its on-disk cache).
StaffColumns = namedtuple("StaffColumns", COLUMNS, module=__name__)


@structref.register
class CompiledStaffType(types.StructRef):
    def preprocess_fields(self, fields: tuple) -> tuple:
        return tuple((name, types.unliteral(kind)) for name, kind in fields)


class CompiledStaff(structref.StructRefProxy):
    """The same columns (the same arrays, not copies) as one record for the compiled passes:
    Numba types a named tuple of 23 arrays anew at every call (about 4 us), a record like this
    at once (under 1 us), and the day's passes take the staff six times a day."""


structref.define_proxy(CompiledStaff, CompiledStaffType, list(COLUMNS))


@njit(cache=True)
def compiled_staff(columns):
    """The record of `columns` (built in compiled code, so that it is cached)."""
    return CompiledStaff(*columns)


# The day of what has not happened: `last_report_day` of someone who never reported (far
# enough back for any look-back), `burned_out_since` of someone not burned out.
NEVER = -10**9
FIRST_CAPACITY = 64


class StaffTable:
    """Every clinician's state as columns (`columns`); the compiled passes take the same
    columns as one record (`compiled`)."""

    def __init__(self, capacity: int = FIRST_CAPACITY) -> None:
        self.size = 0
        self.members: list[Clinician] = []  # the clinician of each row, leavers included
        self.columns = StaffColumns(*(np.zeros(capacity, dtype=DTYPES[name])
                                      for name in COLUMNS))
        self.compiled = compiled_staff(self.columns)  # what the compiled passes take

    def add(self, clinician: Clinician) -> int:
        """A new row for `clinician`, zeroed but for the 'never' days; returns its index."""
        if self.size == len(self.columns.ward):
            self.columns = StaffColumns(*(np.concatenate([column, np.zeros_like(column)])
                                          for column in self.columns))
            self.compiled = compiled_staff(self.columns)
        row = self.size
        self.size += 1
        self.members.append(clinician)
        self.columns.last_report_day[row] = NEVER
        self.columns.burned_out_since[row] = NEVER
        return row


class StaffColumn:
    """A clinician attribute that is a view onto their row of the staff table."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, clinician: Any, owner: type | None = None) -> Any:
        if clinician is None:
            return self
        # A Python number, not a NumPy scalar: Python's `sum` adds floats with compensation
        # only when they are exactly floats, and the story formats them.
        return getattr(clinician.table.columns, self.name).item(clinician.row)

    def __set__(self, clinician: Any, value: Any) -> None:
        getattr(clinician.table.columns, self.name)[clinician.row] = value
