"""Figures of the daily metrics."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd

from sim.metrics import METRIC_BY_NAME

matplotlib.use("Agg")
import matplotlib.pyplot as plt

KEY_SERIES = (
    ("reporting_rate", "Staff reports per incident"),
    ("workaround_rate", "Workarounds per obstacle"),
    ("adverse_events", "Adverse events per day"),
    ("psychological_safety", "Psychological safety"),
    ("trust_in_management", "Trust in management"),
    ("burnout_prevalence", "Burnout prevalence"),
)


def plot_key_series(daily, path: Path, window: int = 14) -> None:
    """Six panels of the key daily series, smoothed over `window` days, burn-in shaded."""
    figure, axes = plt.subplots(2, 3, figsize=(12, 6), sharex=True)
    for axis, (column, title) in zip(axes.flat, KEY_SERIES, strict=True):
        series = rolling_metric(daily, column, window)
        axis.plot(daily["day"], series, color="#1f5f8b")
        axis.set_title(title, fontsize=10)
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
    """Rolling value of a metric: ratios as rolling ratios of sums, others as rolling means."""
    metric = METRIC_BY_NAME[column]
    if metric.kind != "ratio":
        return daily[column].rolling(window, min_periods=1).mean()
    numerator = daily[metric.numerator].rolling(window, min_periods=1).sum()
    denominator = daily[metric.denominator].rolling(window, min_periods=1).sum()
    value = numerator / denominator.where(denominator > 0)
    return 1.0 - value if metric.complement else value
