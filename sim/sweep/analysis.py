"""A sweep's tidy table of runs and its sensitivity indices (SALib's analysers).

Indices are computed on each point's replicate mean: with common random numbers every point
sees the same simulated hospitals, so the mean over replicates removes most of the run-to-run
noise that would otherwise pass for sensitivity. Morris designs give mu*, its confidence
interval and sigma; Saltelli/Sobol' designs give first-order (S1) and total (ST) indices; a
Latin hypercube gives RBD-FAST first-order indices. A grid gives no indices (see its phase
diagrams instead).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.experiment.runner import RunRecord
from sim.sweep.design import Design, derived_seed
from sim.sweep.spec import Sweep

INDEX_COLUMNS = {"morris": ("mu", "mu_star", "mu_star_conf", "sigma"),
                 "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
                 "latin": ("S1", "S1_conf")}
# The index each chart ranks by, and its confidence half-width.
RANKED_BY = {"morris": ("mu_star", "mu_star_conf"), "sobol": ("ST", "ST_conf"),
             "latin": ("S1", "S1_conf")}


def runs_table(sweep: Sweep, design: Design, records: Sequence[RunRecord]) -> pd.DataFrame:
    """One row per successful run, by run index: point, replicate, seed, the point's parameter
    values and the run's outcomes over the window."""
    rows = []
    for record in records:
        if record.output is None:
            continue
        job = record.job
        rows.append({"run": job.index, "point": job.scenario, "replicate": job.replicate,
                     "seed": job.seed, **dict(design.overrides(job.scenario)),
                     **dict(zip(sweep.outcomes, record.output.outcomes.tolist(), strict=True))})
    columns = ["run", "point", "replicate", "seed", *design.keys, *sweep.outcomes]
    table = pd.DataFrame(rows, columns=columns)
    for key, whole in zip(design.keys, design.whole, strict=True):
        table[key] = table[key].astype("int64" if whole else "float64")
    return table.astype({"run": "int64", "point": "int64", "replicate": "int64",
                         "seed": "int64", **dict.fromkeys(sweep.outcomes, "float64")})


def point_means(runs: pd.DataFrame, points: int, outcomes: Sequence[str]) -> pd.DataFrame:
    """Each point's replicate mean of each outcome (NaN where no run of the point finished)."""
    means = runs.groupby("point")[list(outcomes)].mean()
    return means.reindex(range(points))


def indices_table(sweep: Sweep, design: Design, means: pd.DataFrame) -> pd.DataFrame | None:
    """Sensitivity indices, one row per outcome and parameter; None for a grid."""
    if sweep.design == "grid":
        return None
    seed = derived_seed(sweep.seed, "analysis")
    rows = []
    for outcome in sweep.outcomes:
        values = means[outcome].to_numpy(dtype=np.float64)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # constant outputs: NaN indices, said in README
            found = analyse(sweep, design, values, seed)
        # A grouped Morris screen ranks the groups (configuration sections), not parameters.
        for index, key in enumerate(found.get("names", design.keys)):
            rows.append({"outcome": outcome, "parameter": str(key),
                         **{name: float(np.asarray(found[name])[index])
                            for name in INDEX_COLUMNS[sweep.design]}})
    return pd.DataFrame(rows, columns=["outcome", "parameter", *INDEX_COLUMNS[sweep.design]])


def analyse(sweep: Sweep, design: Design, values: np.ndarray, seed: int) -> dict:
    if not np.isfinite(values).all():
        names = list(dict.fromkeys(design.problem.get("groups", design.keys)))
        return {"names": names,
                **{name: np.full(len(names), np.nan) for name in INDEX_COLUMNS[sweep.design]}}
    # SALib's analysers load SciPy's statistics: over half a second of every command's start.
    from SALib.analyze import morris, rbd_fast, sobol

    if sweep.design == "morris":
        return morris.analyze(design.problem, design.points, values, num_levels=sweep.levels,
                              seed=seed)
    if sweep.design == "sobol":
        return sobol.analyze(design.problem, values, calc_second_order=sweep.second_order,
                             seed=seed)
    return rbd_fast.analyze(design.problem, design.points, values, seed=seed)
