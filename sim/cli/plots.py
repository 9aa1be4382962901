"""Figures of the daily metrics."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd

from sim.core.metrics import METRIC_BY_NAME, rolling_value

matplotlib.use("Agg")
import matplotlib.pyplot as plt

KEY_SERIES = ("reporting_rate", "workaround_rate", "adverse_events", "psychological_safety",
              "trust_in_management", "burnout_prevalence")


def plot_key_series(daily, path: Path, window: int = 14) -> None:
    """Six panels of the key daily series, smoothed over `window` days, burn-in shaded."""
    figure, axes = plt.subplots(2, 3, figsize=(12, 6), sharex=True)
    for axis, column in zip(axes.flat, KEY_SERIES, strict=True):
        metric = METRIC_BY_NAME[column]
        series = rolling_metric(daily, column, window) * metric.scale
        axis.plot(daily["day"], series, color="#1f5f8b")
        per_day = " per day" if metric.kind == "count" else ""
        axis.set_title(f"{metric.label} ({metric.unit}{per_day})", fontsize=10)
        if daily["day"].min() <= 0:
            axis.axvspan(daily["day"].min(), 0, color="0.9", label="burn-in")
        axis.grid(alpha=0.3)
    for axis in axes[1]:
        axis.set_xlabel("day")
    figure.suptitle(f"Default hospital ({window}-day rolling means)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def rolling_metric(daily: pd.DataFrame, column: str, window: int) -> pd.Series:
    """Rolling value of a metric as sim.core.metrics forms it (ratios as ratios of sums)."""
    metric = METRIC_BY_NAME[column]
    columns = {name: daily[name].to_numpy(dtype=float) for name in metric.needed_columns}
    return pd.Series(rolling_value(metric, columns, window), index=daily.index)
