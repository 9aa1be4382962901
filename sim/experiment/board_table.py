"""The board's table: options ranked by preventable harm averted, effects per year, in units.

One row per option and primary outcome (board.csv). Counts are paired changes over the
evaluation window turned into changes per year for the simulated hospital (x 365 / window
days); rates, shares and 0-100 scales are paired changes of the value over the window, in
their own units. Options are ranked by preventable harm events averted per year, the most
first; an option's rank is the same in every one of its rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.core.metrics import METRIC_BY_NAME, METRICS, Metric

YEAR_DAYS = 365
HARM = "preventable_adverse_events"
# Harm first: the board ranks by it; then the other primary outcomes in declaration order.
BOARD_METRICS = (HARM, *(m.name for m in METRICS if m.primary and m.name != HARM))
BOARD_COLUMNS = ("rank", "option", "metric", "label", "unit", "change", "ci_low", "ci_high",
                 "verdict", "per_year")


def annual_factor(metric: Metric, window_days: int) -> float:
    """Multiplier of a paired change over the window into the change per year (counts only)."""
    return YEAR_DAYS / window_days if metric.kind == "count" else 1.0


def board_unit(metric: Metric) -> str:
    """The unit of a board cell: 'preventable harm events per year' or a change's unit."""
    if metric.kind == "count":
        return f"{metric.label.lower()} per year"
    return metric.change_unit


def board_table(comparison: pd.DataFrame, labels: list[str], window_days: int) -> pd.DataFrame:
    """Every option's primary effects in units (changes per year for counts), ranked."""
    table = comparison.set_index(["scenario", "metric"])
    rows = []
    for label in labels[1:]:
        for name in BOARD_METRICS:
            metric, row = METRIC_BY_NAME[name], table.loc[(label, name)]
            factor = metric.scale * annual_factor(metric, window_days)
            rows.append({"option": label, "metric": name, "label": metric.label,
                         "unit": board_unit(metric), "change": row["diff"] * factor,
                         "ci_low": row["diff_ci_low"] * factor,
                         "ci_high": row["diff_ci_high"] * factor, "verdict": row["verdict"],
                         "per_year": metric.kind == "count"})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=list(BOARD_COLUMNS))
    averted = frame[frame["metric"] == HARM].set_index("option")["change"].mul(-1)
    order = sorted(labels[1:], key=lambda label: (-finite_or(averted.get(label), -math.inf),
                                                  labels.index(label)))
    frame["rank"] = frame["option"].map({label: rank for rank, label in
                                         enumerate(order, start=1)})
    frame["order"] = frame["metric"].map(BOARD_METRICS.index)
    frame = frame.sort_values(["rank", "order"]).drop(columns="order").reset_index(drop=True)
    return frame[list(BOARD_COLUMNS)]


def finite_or(value: object, default: float) -> float:
    number = float(value) if value is not None else math.nan
    return number if np.isfinite(number) else default


def ranked_options(board: pd.DataFrame) -> list[str]:
    """Options from the most preventable harm averted to the least."""
    return list(dict.fromkeys(board.sort_values("rank")["option"]))


def with_extra(board: pd.DataFrame, extra: pd.DataFrame | None,
               columns: tuple[str, ...]) -> pd.DataFrame:
    """The board table with `columns` of `extra` (scenario, metric, ...) joined on."""
    if extra is None or extra.empty:
        return board
    keyed = extra.rename(columns={"scenario": "option"})[["option", "metric", *columns]]
    return board.merge(keyed, on=["option", "metric"], how="left")
