"""The points of a sweep's design: one row of parameter values per point.

Latin hypercube, Saltelli/Sobol' and Morris designs come from SALib's samplers, seeded from the
sweep's root seed, so the same seed always gives the same points. SALib has no full factorial
design with more than two levels, so the grid is the plain product of each factor's levels.
Values of whole-number parameters are rounded: the model is run, and the indices computed, at
the values it actually used.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # the spec checks a design's size with `point_count`
    from sim.sweep.spec import Sweep

# Independent streams from one root seed: the design, and the bootstrap of the indices'
# confidence intervals. Replicate seeds come from the root seed itself (replicate_seeds).
SEED_PURPOSES = {"design": 1, "analysis": 2}
# Below this many base samples, Saltelli/Jansen estimates of Sobol' indices are dominated by
# sampling error: they can fall outside 0..1 (S1 = 1.56 from N = 4) and their bootstrap
# intervals span the whole range. Saltelli et al. (2010, Comput. Phys. Commun. 181:259)
# use N in the hundreds to thousands; 64 is the least that gives usable rankings here.
MIN_SOBOL_SAMPLES = 64


@dataclass(frozen=True)
class Design:
    """The varied parameters, SALib's problem and the point matrix (points x parameters)."""

    keys: tuple[str, ...]
    problem: dict[str, Any]
    points: np.ndarray
    whole: tuple[bool, ...]

    def overrides(self, point: int) -> list[tuple[str, int | float]]:
        """The parameter values of one point, typed as the model takes them."""
        return [(key, typed(self.whole[index], self.points[point, index]))
                for index, key in enumerate(self.keys)]


def typed(whole: bool, value: float) -> int | float:
    return int(value) if whole else float(value)


def derived_seed(root_seed: int, purpose: str) -> int:
    """A positive 31-bit seed for one purpose (SALib's Sobol' analysis treats 0 as no seed)."""
    state = np.random.SeedSequence([root_seed, SEED_PURPOSES[purpose]]).generate_state(1)[0]
    return int(state) % (2**31 - 1) + 1


def salib_problem(sweep: Sweep) -> dict[str, Any]:
    problem = {"num_vars": len(sweep.factors), "names": list(sweep.keys),
               "bounds": [[factor.low, factor.high] for factor in sweep.factors]}
    if sweep.design == "morris" and sweep.groups == "sections":
        problem["groups"] = [section(key) for key in sweep.keys]
    return problem


def section(key: str) -> str:
    """The configuration section of a parameter (`workarounds.intercept` -> `workarounds`)."""
    return key.split(".", 1)[0]


def point_count(sweep: Sweep) -> int:
    """How many points the design has, without drawing it."""
    factors = len(sweep.factors)
    if sweep.design == "grid":
        return math.prod(len(factor.values) for factor in sweep.factors)
    if sweep.design == "latin":
        return sweep.samples
    if sweep.design == "sobol":
        return sweep.samples * (2 * factors + 2 if sweep.second_order else factors + 2)
    if sweep.groups == "sections":
        factors = len({section(key) for key in sweep.keys})
    return sweep.trajectories * (factors + 1)


def design_warning(sweep: Sweep) -> str | None:
    """A warning for a design too small to give meaningful indices, or None."""
    if sweep.design == "sobol" and sweep.samples < MIN_SOBOL_SAMPLES:
        return (f"design.samples: Sobol' indices from N = {sweep.samples} base samples are "
                "mostly sampling error (they can fall outside 0 to 1); use "
                f"samples: {MIN_SOBOL_SAMPLES} or more for a ranking to trust")
    return None


def make_design(sweep: Sweep) -> Design:
    """Draw the design's points (deterministic for a given sweep and seed)."""
    problem = salib_problem(sweep)
    seed = derived_seed(sweep.seed, "design")
    if sweep.design == "grid":
        points = np.array(list(itertools.product(*(f.values for f in sweep.factors))),
                          dtype=np.float64)
    elif sweep.design == "latin":
        from SALib.sample import latin

        points = latin.sample(problem, sweep.samples, seed=seed)
    elif sweep.design == "sobol":
        from SALib.sample import sobol

        points = sobol.sample(problem, sweep.samples, calc_second_order=sweep.second_order,
                              seed=seed)
    else:
        from SALib.sample import morris

        points = morris.sample(problem, sweep.trajectories, num_levels=sweep.levels, seed=seed)
    points = np.asarray(points, dtype=np.float64).reshape(-1, len(sweep.factors))
    return Design(sweep.keys, problem, fit_to_ranges(points, sweep),
                  tuple(factor.whole for factor in sweep.factors))


def fit_to_ranges(points: np.ndarray, sweep: Sweep) -> np.ndarray:
    """Round counts and clip the last bit of floating-point error back into each range."""
    fitted = points.copy()
    for index, factor in enumerate(sweep.factors):
        column = np.clip(fitted[:, index], factor.low, factor.high)
        fitted[:, index] = np.round(column) if factor.whole else column
    return fitted
