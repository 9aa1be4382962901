"""The report's sections on time to effect, how sure, and value for money (HTML)."""

from __future__ import annotations

import math
from html import escape
from typing import Any

import pandas as pd

from sim.core.metrics import METRIC_BY_NAME
from sim.experiment.assumptions import assumptions_html as render
from sim.experiment.board_page import short_label
from sim.experiment.runner import ExperimentResults
from sim.experiment.time_to_effect import MONTH_DAYS, PLATEAU_SHARE, month_text
from sim.experiment.value_report import value_section


def time_to_effect_html(results: ExperimentResults, decisions: Any) -> str:
    """Per option: the month each primary outcome's effect is material and near its plateau."""
    table = decisions.time_to_effect
    names = list(dict.fromkeys(table["metric"]))
    header = "".join(f"<th>{escape(METRIC_BY_NAME[name].label)}</th>" for name in names)
    body = []
    for label in results.labels[1:]:
        rows = table[table["scenario"] == label].set_index("metric")
        cells = "".join(f"<td>{escape(milestone_cell(rows.loc[name]))}</td>" for name in names)
        body.append(f"<tr><td>{escape(label)}</td>{cells}</tr>")
    return (f"<p class=note>Months of {MONTH_DAYS} scenario days after burn-in (month 1 is "
            "days 1 to 30). First: the month from which the paired monthly change is material "
            f"two months running; then the month it reaches {PLATEAU_SHARE:.0%} of its "
            "plateau (the mean monthly change over the evaluation window), two months "
            "running. Only effects material over the evaluation window are timed; a dash "
            "means none.</p>"
            f"<table><tr><th>option</th>{header}</tr>{''.join(body)}</table>"
            + order_sentence(results, table))


def milestone_cell(row: pd.Series) -> str:
    if not math.isfinite(row["month_material"]) and not math.isfinite(row["month_90_percent"]):
        return "–"
    first = month_text(row["month_material"])
    return f"{first}; 90% by {month_text(row['month_90_percent'])}"


def order_sentence(results: ExperimentResults, table: pd.DataFrame) -> str:
    """'Under X, reporting moves first (month 3), preventable harm later (month 7).'"""
    sentences = []
    for label in results.labels[1:]:
        rows = table[(table["scenario"] == label)].dropna(subset=["month_material"])
        if len(rows) < 2:
            continue
        rows = rows.sort_values("month_material")
        first, last = rows.iloc[0], rows.iloc[-1]
        if first["month_material"] == last["month_material"]:
            continue
        sentences.append(f"Under {label}, {short_label(first['metric'])} moves first (month "
                         f"{int(first['month_material'])}), {short_label(last['metric'])} "
                         f"last (month {int(last['month_material'])}).")
    return f"<p>{escape(' '.join(sentences))}</p>" if sentences else ""


def assumptions_html(summary: Any) -> str:
    return render(summary)


def value_html(decisions: Any) -> str:
    return value_section(decisions)
