"""The report's first page: the caveat in one sentence, the ranked table, a line per option.

Everything a board member needs if they read nothing else, printable on one A4 page. Cells
are shaded by the verdict (better, worse, no material change), never by the size of the
change; the numbers are absolute changes in the outcome's unit. Returns HTML with every piece
of text escaped.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from sim.core.metrics import METRIC_BY_NAME, Metric, plain_number
from sim.experiment.board_summary import TOO_SMALL_TO_ACT, is_real_change, listing
from sim.experiment.board_table import BOARD_METRICS, HARM, ranked_options

SHORT_LABELS = {
    "preventable_adverse_events": "preventable harm",
    "reporting_rate": "reporting",
    "harm_capture": "harm reported",
    "workaround_rate": "workarounds",
    "psychological_safety": "psychological safety",
    "trust_in_management": "trust",
    "burnout_prevalence": "burnout",
}


def short_label(name: str) -> str:
    return SHORT_LABELS.get(name, METRIC_BY_NAME[name].label.lower())


def caveat(beds: int, replicates: int, window_days: int, *, assumptions: int = 0) -> str:
    """The honest caveat, in one sentence."""
    sure = ("intervals in brackets cover the chance variation between simulated hospitals; "
            f"the second line also carries the model's uncertain assumptions ({assumptions} "
            "plausible worlds)" if assumptions else
            "intervals cover the chance variation between simulated hospitals only, not the "
            "uncertainty in the model's own assumptions")
    return (f"These are {replicates} simulated hospitals of {beds} beds built from published "
            f"findings, not a forecast for a real hospital; changes are paired against the "
            f"reference over the last {window_days} days, counts per year; {sure}.")


def amount(value: float, digits: int = 0) -> str:
    return plain_number(abs(value), digits)


def count_change(value: float, low: float, high: float) -> tuple[str, str]:
    """('31 fewer', '24 to 38') or ('3 fewer', '9 fewer to 2 more')."""
    if not math.isfinite(value):
        return "–", ""
    word = "fewer" if value < 0 else "more"
    main = f"{amount(value)} {word}" if round(value) != 0 or value == 0 else f"{amount(value)}"
    if not (math.isfinite(low) and math.isfinite(high)):
        return main, ""
    if low < 0 < high:
        return main, f"{amount(low)} fewer to {amount(high)} more"
    first, second = sorted((abs(low), abs(high)))
    return main, f"{plain_number(first)} to {plain_number(second)}"


def level_change(metric: Metric, value: float, low: float, high: float) -> tuple[str, str]:
    """('+2.1', '1.5 to 2.7') in the metric's unit."""
    main = plain_number(value, metric.digits, signed=True)
    if not (math.isfinite(low) and math.isfinite(high)):
        return main, ""
    return main, (f"{plain_number(low, metric.digits)} to "
                  f"{plain_number(high, metric.digits)}")


def cell_text(metric: Metric, row: pd.Series) -> tuple[str, str]:
    if metric.kind == "count":
        return count_change(row["change"], row["ci_low"], row["ci_high"])
    return level_change(metric, row["change"], row["ci_low"], row["ci_high"])


def assumption_text(metric: Metric, row: pd.Series) -> str:
    """'20 to 41 fewer; better in 90% of worlds' from the assumption samples, if any."""
    if "assumption_low" not in row or not math.isfinite(row.get("assumption_low", math.nan)):
        return ""
    low, high = row["assumption_low"], row["assumption_high"]
    if metric.kind == "count":
        _, span = count_change((low + high) / 2, low, high)
    else:
        span = f"{plain_number(low, metric.digits)} to {plain_number(high, metric.digits)}"
    share = row.get("share_worlds_better", math.nan)
    worlds = f" ({share:.0%})" if math.isfinite(share) else ""
    return f"{span}{worlds}"


def table_cell(metric: Metric, row: pd.Series) -> str:
    main, interval = cell_text(metric, row)
    tone = row["verdict"] if row["verdict"] in ("better", "worse") else "none"
    bracket = f"<br><small>({escape(interval)})</small>" if interval else ""
    extra = assumption_text(metric, row)
    extra_html = f"<br><small class=assume>{escape(extra)}</small>" if extra else ""
    return f'<td class="{tone}"><b>{escape(main)}</b>{bracket}{extra_html}</td>'


def reading(option: str, rows: pd.DataFrame, value_line: str = "") -> str:
    """One line: harm averted, what else improved or worsened, when harm falls."""
    by_metric = rows.set_index("metric")
    harm = by_metric.loc[HARM]
    if harm["verdict"] == "better":
        _, span = count_change(harm["change"], harm["ci_low"], harm["ci_high"])
        start = (f"averts about {amount(harm['change'])} preventable harm events a year "
                 f"({span})")
    elif harm["verdict"] == "worse":
        start = f"adds about {amount(harm['change'])} preventable harm events a year"
    elif is_real_change(harm["ci_low"], harm["ci_high"]):
        main, span = count_change(harm["change"], harm["ci_low"], harm["ci_high"])
        start = f"{main} preventable harm events a year ({span}): {TOO_SMALL_TO_ACT}"
    else:
        start = "no material change in preventable harm"
    others = [name for name in BOARD_METRICS if name != HARM]
    better = [short_label(n) for n in others if by_metric.loc[n, "verdict"] == "better"]
    worse = [short_label(n) for n in others if by_metric.loc[n, "verdict"] == "worse"]
    parts = [start, ("better " + listing(better)) if better else "",
             ("worse " + listing(worse)) if worse else ""]
    if not better and not worse:
        parts.append("nothing else changes materially")
    month = harm.get("month_material", math.nan)
    if harm["verdict"] in ("better", "worse") and math.isfinite(month):
        parts.append(f"harm changes from month {int(month)}")
    first = earliest_effect(by_metric)
    if first and first[0] != HARM:
        parts.append(f"{short_label(first[0])} moves first (month {first[1]})")
    if value_line:
        parts.append(value_line)
    text = "; ".join(part for part in parts if part)
    return f"{option}: {text}."


def earliest_effect(by_metric: pd.DataFrame) -> tuple[str, int] | None:
    if "month_material" not in by_metric:
        return None
    months = by_metric["month_material"].astype(float).dropna()
    if months.empty:
        return None
    name = months.idxmin()
    return str(name), int(months.min())


def board_section(board: pd.DataFrame, *, beds: int, replicates: int, window_days: int,
                  reference: str, assumptions: int = 0,
                  value_lines: dict[str, str] | None = None) -> str:
    """The first page: caveat, ranked table and readings (HTML)."""
    value_lines = value_lines or {}
    header = "".join(f"<th>{escape(column_label(name))}<br><small>"
                     f"{escape(unit_header(name))}</small></th>" for name in BOARD_METRICS)
    body, readings = [], []
    for option in ranked_options(board):
        rows = board[board["option"] == option]
        by_metric = rows.set_index("metric")
        cells = "".join(table_cell(METRIC_BY_NAME[name], by_metric.loc[name])
                        for name in BOARD_METRICS)
        rank = int(rows["rank"].iloc[0])
        body.append(f"<tr><th class=option>{rank}. {escape(option)}</th>{cells}</tr>")
        readings.append(f"<li>{escape(reading(option, rows, value_lines.get(option, '')))}</li>")
    sentence = caveat(beds, replicates, window_days, assumptions=assumptions)
    return (
        f'<section class="board"><p class="caveat">{escape(sentence)}</p>'
        f"<h2>Summary for the board: options against {escape(reference)}, ranked by "
        "preventable harm averted</h2>"
        f'<table class="board-table"><tr><th>option</th>{header}</tr>{"".join(body)}</table>'
        '<p class="legend"><span class="better">better</span> <span class="worse">worse'
        '</span> <span class="none">no material change</span>: shaded by the verdict, '
        "not by the size of the change. A change is material when its 95% interval excludes "
        "no change and it exceeds the smallest difference worth acting on."
        + (" Brown second line: the range over plausible worlds of the model's assumptions "
           "and, in brackets, the share of worlds in which the option does better."
           if assumptions else "") + "</p>"
        f"<h3>Reading</h3><ul class=readings>{''.join(readings)}</ul></section>")


COLUMN_LABELS = {"harm_capture": "Harm reported by staff",
                 "burnout_prevalence": "Clinicians burned out"}


def column_label(name: str) -> str:
    return COLUMN_LABELS.get(name, METRIC_BY_NAME[name].label)


def unit_header(name: str) -> str:
    metric = METRIC_BY_NAME[name]
    if metric.kind == "count":
        return "change per year"
    if metric.unit == "%":
        return "change, percentage points"
    return "change, " + metric.change_unit.replace("points on a 0-100 scale", "points of 100")
