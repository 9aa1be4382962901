"""A sweep's figures, each saved as PNG and SVG like every experiment figure.

- per outcome, the parameters ranked by their index (Morris mu*, Sobol' ST, RBD-FAST S1) as
  horizontal bars with 95% confidence intervals;
- for a grid over two parameters, a phase diagram per outcome: the replicate mean at every
  grid point as a heat map, with contours of the same means.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.metrics import METRIC_BY_NAME
from sim.experiment.figures import COLOURS, Figure, plt, save
from sim.sweep.analysis import RANKED_BY
from sim.sweep.spec import Sweep

# A screen of every parameter would give an unreadable chart: the strongest ones are drawn
# (indices.csv holds them all).
MAX_BARS = 30


def outcome_label(name: str) -> str:
    metric = METRIC_BY_NAME[name]
    unit = f" ({metric.unit})" if metric.unit else ""
    return f"{metric.label or name}{unit}"


def index_figures(sweep: Sweep, indices: pd.DataFrame, folder: Path) -> list[Figure]:
    """One ranked bar chart of the indices per outcome."""
    index, spread = RANKED_BY[sweep.design]
    figures = []
    for outcome in sweep.outcomes:
        rows = indices[indices["outcome"] == outcome].sort_values(
            index, ascending=False, kind="stable").head(MAX_BARS)
        figure, axis = plt.subplots(figsize=(8, 1.2 + 0.28 * max(len(rows), 3)))
        positions = np.arange(len(rows))[::-1]
        axis.barh(positions, rows[index], xerr=rows[spread], color=COLOURS[1],
                  error_kw={"ecolor": COLOURS[0], "capsize": 2}, label=index)
        if sweep.design == "sobol":
            axis.barh(positions, rows["S1"], height=0.4, color=COLOURS[5], label="S1")
            axis.legend(loc="lower right", frameon=False)
        axis.set_yticks(positions, rows["parameter"], fontsize=8)
        axis.set_xlabel(index)
        total = len(design_keys(indices, outcome))
        shown = f", the strongest {len(rows)} of {total}" if len(rows) < total else ""
        factor = "section" if sweep.groups == "sections" else "parameter"
        axis.set_title(f"{outcome_label(outcome)}\n{index} by {factor}{shown}", fontsize=10)
        axis.grid(axis="x", alpha=0.3)
        figures.append(saved(figure, folder, f"indices-{outcome}",
                             f"Parameters ranked by {index}: {outcome_label(outcome)}",
                             f"{index} with its 95% confidence interval, strongest first."))
    return figures


def saved(figure: plt.Figure, folder: Path, stem: str, title: str, caption: str) -> Figure:
    figure.tight_layout()
    save(figure, folder, stem)
    return Figure(stem, title, caption)


def design_keys(indices: pd.DataFrame, outcome: str) -> pd.Series:
    return indices.loc[indices["outcome"] == outcome, "parameter"]


def phase_diagrams(sweep: Sweep, means: pd.DataFrame, folder: Path) -> list[Figure]:
    """Heat map and contours of each outcome over a two-parameter grid (else nothing)."""
    if sweep.design != "grid" or len(sweep.factors) != 2:
        return []
    across, up = sweep.factors
    shape = (len(across.values), len(up.values))  # grid points run over `up` fastest
    figures = []
    for outcome in sweep.outcomes:
        surface = means[outcome].to_numpy(dtype=np.float64).reshape(shape).T
        metric = METRIC_BY_NAME[outcome]
        shown = surface * metric.scale
        figure, axis = plt.subplots(figsize=(6.4, 5))
        image = axis.pcolormesh(across.values, up.values, shown, shading="nearest",
                                cmap="viridis")
        figure.colorbar(image, ax=axis, label=outcome_label(outcome))
        if np.isfinite(shown).sum() >= 4 and np.nanmax(shown) > np.nanmin(shown):
            lines = axis.contour(across.values, up.values, shown, levels=6, colors="white",
                                 linewidths=0.8)
            axis.clabel(lines, fontsize=7, fmt=f"%.{metric.digits}f")
        axis.set_xlabel(across.key)
        axis.set_ylabel(up.key)
        axis.set_title(f"{outcome_label(outcome)}: mean of {sweep.replicates} replicate(s)",
                       fontsize=10)
        figures.append(saved(figure, folder, f"phase-{outcome}",
                             f"Phase diagram: {outcome_label(outcome)}",
                             f"Replicate mean over {across.key} and {up.key}, with contours."))
    return figures
