"""Sums of floats that do not depend on the order of their terms, for Python and compiled code.

`compensated_sum` is Neumaier's compensated sum, the algorithm of Python's own `sum` of floats
(CPython 3.12 and later) and as exact as `math.fsum` to within one rounding, so a mean taken in
compiled code is the very number Python's `sum(values) / len(values)` gives.
"""

from __future__ import annotations

import math

import numpy as np
from numba.extending import register_jitable as jitable


@jitable
def compensated_sum(values):
    """Neumaier's compensated sum: as `math.fsum` to within one rounding."""
    total = 0.0
    correction = 0.0
    for value in values:
        t = total + value
        if abs(total) >= abs(value):
            correction += (total - t) + value
        else:
            correction += (value - t) + total
        total = t
    return total + correction


@jitable
def compensated_mean(values):
    """Mean by `compensated_sum` (NaN for no values)."""
    return compensated_sum(values) / len(values) if len(values) else np.nan


@jitable
def population_sd(values):
    """Population standard deviation in two passes (NaN for no values)."""
    if len(values) == 0:
        return np.nan
    centre = compensated_mean(values)
    return math.sqrt(compensated_sum((values - centre) ** 2) / len(values))
