"""Figures of the evidence commands, drawn with the experiments' conventions (colours, PNG and
SVG side by side, stable SVG output: `sim.experiment.figures`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from sim.core.metrics import METRIC_BY_NAME
from sim.experiment.figures import BETTER, UNCLEAR, WORSE, colour, plt, save


def decomposition_figure(rows: Sequence, parts: Sequence[str], outcomes: Sequence[str],
                         folder: Path, stem: str = "decomposition") -> None:
    """One panel per outcome: per part, its effect alone and its contribution when removed,
    then the full bundle and the interaction, as % of the baseline mean with 95% whiskers."""
    lines = [(part, quantity) for part in parts for quantity in ("alone", "removed")]
    lines += [("", "full"), ("", "interaction")]
    columns = min(3, len(outcomes))
    rows_of_panels = math.ceil(len(outcomes) / columns)
    figure, axes = plt.subplots(rows_of_panels, columns, squeeze=False, sharey=True,
                                figsize=(4.2 * columns, 0.9 + 0.32 * len(lines) * rows_of_panels))
    for axis in axes.flat[len(outcomes):]:
        axis.set_visible(False)
    labels = [f"{part} alone" if quantity == "alone" else
              f"{part} removed" if quantity == "removed" else
              "full bundle" if quantity == "full" else "interaction (full - sum)"
              for part, quantity in lines]
    for axis, outcome in zip(axes.flat, outcomes, strict=False):
        found = {(row.part, row.quantity): row for row in rows if row.outcome == outcome}
        for position, key in enumerate(lines):
            row = found[key]
            mean, low, high = (100 * row.relative(v) for v in (row.mean, row.low, row.high))
            shade = {"alone": colour(1), "removed": colour(5), "full": colour(0)}.get(
                key[1], UNCLEAR)
            axis.barh(position, mean, color=shade, height=0.7)
            if not (math.isnan(low) or math.isnan(high)):
                axis.errorbar(mean, position, xerr=[[mean - low], [high - mean]], fmt="none",
                              ecolor="0.2", capsize=2, linewidth=0.8)
        metric = METRIC_BY_NAME[outcome]
        better = {"higher": "↑ better", "lower": "↓ better"}.get(metric.better, "")
        axis.set_title(f"{metric.label} ({better})" if better else metric.label, fontsize=9)
        axis.axvline(0, color="0.4", linewidth=0.8)
        axis.grid(axis="x", alpha=0.3)
        axis.set_xlabel("% of baseline mean (95% interval)", fontsize=8)
        axis.set_yticks(range(len(lines)), labels, fontsize=8)
    axes[0][0].invert_yaxis()
    figure.suptitle("Parts of the bundle: alone (blue) and removed from the bundle (orange)",
                    fontsize=10)
    figure.tight_layout()
    save(figure, folder, stem)


def fit_figure(rows: Sequence[dict], folder: Path, stem: str = "fit") -> None:
    """Each target as a band (its range) and what the fitted model achieved as a point with its
    95% interval; green inside, red outside. Targets in different units get their own scale."""
    figure, axes = plt.subplots(len(rows), 1, squeeze=False,
                                figsize=(7, 0.5 + 0.55 * len(rows)))
    for axis, row in zip(axes[:, 0], rows, strict=True):
        low, high = row["low"], row["high"]
        points = [v for v in (row["mean"], row["ci_low"], row["ci_high"], low, high)
                  if v is not None and not math.isnan(v)]
        left, right = min(points), max(points)
        margin = 0.15 * (right - left or 1.0)
        axis.axvspan(low if low is not None else left - margin,
                     high if high is not None else right + margin, color="0.85")
        mean, ci_low, ci_high = row["mean"], row["ci_low"], row["ci_high"]
        errors = None
        if not (math.isnan(ci_low) or math.isnan(ci_high)):
            errors = [[mean - ci_low], [ci_high - mean]]
        axis.errorbar(mean, 0, xerr=errors, fmt="o", capsize=3,
                      color=BETTER if row["inside"] else WORSE)
        axis.set_xlim(left - margin, right + margin)
        axis.set_yticks([0], [row["target"]], fontsize=8)
        axis.tick_params(axis="x", labelsize=7)
    figure.suptitle("Targets (grey bands) and the fitted model (points, 95% intervals)",
                    fontsize=10)
    figure.tight_layout()
    save(figure, folder, stem)


def history_figure(history: Sequence[dict], folder: Path, stem: str = "history") -> None:
    """Each trial's loss and the best so far (a log scale when losses span decades)."""
    figure, axis = plt.subplots(figsize=(7, 3.5))
    trials = [row["trial"] for row in history]
    losses = [row["loss"] if math.isfinite(row["loss"]) else math.nan for row in history]
    axis.plot(trials, losses, "o", color=colour(1), markersize=4, label="trial")
    axis.step(trials, [row["best_loss"] for row in history], where="post", color=colour(0),
              label="best so far")
    positive = [v for v in losses if v == v and v > 0]
    if positive and max(positive) > 100 * min(positive):
        axis.set_yscale("log")
    axis.set_xlabel("trial")
    axis.set_ylabel("loss (0: every target met)")
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    save(figure, folder, stem)
