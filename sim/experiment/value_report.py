"""Value for money in the report: the table, the CHEERS 2022 items, the acceptability curve."""

from __future__ import annotations

import math
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from sim.core.metrics import plain_number
from sim.experiment.effect_figures import OPTION_COLOURS, PAGE_WIDTH_INCHES


def money(value: float, currency: str) -> str:
    """'USD 12,400' or 'USD −3,100' (three significant figures); an en dash when undefined."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{currency} {plain_number(rounded(value))}"


def span(low: float, high: float, currency: str = "") -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "undefined"
    prefix = f"{currency} " if currency else ""
    return f"{prefix}{plain_number(rounded(low))} to {plain_number(rounded(high))}"


def rounded(value: float) -> float:
    """Three significant figures: a board reads USD 653,000, not USD 652,953."""
    if not math.isfinite(value) or value == 0:
        return value
    return round(value, 2 - math.floor(math.log10(abs(value))))


def value_line(value: pd.DataFrame, label: str, costs: Any) -> str:
    """'USD 4,100 per event averted (2,900 to 6,000)', a net saving, or a net cost."""
    row = value[value["option"] == label].iloc[0]
    c, source = costs.currency, f" (costs: {costs.path.name})"
    if math.isfinite(row["cost_per_event_averted"]):
        if row["incremental_cost"] < 0:
            return f"saves about {money(rounded(-row['incremental_cost']), c)} a year net{source}"
        low, high = row["cost_per_event_averted_low"], row["cost_per_event_averted_high"]
        return (f"{money(rounded(row['cost_per_event_averted']), c)} per event averted "
                f"({span(rounded(low), rounded(high))}){source}")
    return f"net cost about {money(rounded(row['incremental_cost']), c)} a year{source}"


def value_section(decisions: Any) -> str:
    costs, value = decisions.costs, decisions.value
    c = costs.currency
    body = "".join(
        f"<tr><td>{escape(row.option)}</td><td>{money(row.intervention_cost, c)}</td>"
        f"<td>{money(row.cost_offsets, c)}</td><td>{money(row.incremental_cost, c)}<br><small>"
        f"({span(row.incremental_cost_low, row.incremental_cost_high)})</small></td>"
        f"<td>{plain_number(row.events_averted)}<br><small>({events_span(row)})</small></td>"
        f"<td>{cost_per_event_cell(row, c)}</td>"
        f"<td>{money(row.net_monetary_benefit, c)}<br><small>"
        f"({span(row.net_monetary_benefit_low, row.net_monetary_benefit_high)})</small></td>"
        f"<td>{row.probability_cost_effective:.0%}</td><td>{escape(row.reading)}</td></tr>"
        for row in value.itertuples())
    wtp = costs.willingness_to_pay.value or 0
    unit = "QALY gained" if costs.per_qaly else "preventable adverse event averted"
    inputs = "".join(
        f"<tr><td>{escape(name)}</td><td>{'–' if amount is None else plain_number(amount, 2)}"
        f"</td><td>{source_cell(source)}"
        "</td></tr>" for name, amount, source in costs.inputs())
    return (
        f"<p>Per year for this hospital, {escape(c)} at {costs.price_year} prices, from the "
        f"perspective of {escape(costs.perspective)}; horizon {costs.horizon_years:g} "
        f"year(s), set-up cost spread over it; discount rate {costs.discount_rate:.1%}. "
        "Incremental cost is the option's cost less what it saves (harm averted, leavers "
        "avoided). Cost per event averted is undefined where harm averted may be none. Net "
        f"monetary benefit at {money(wtp, c)} per {unit}; the last column is the "
        "probability that it is positive.</p>"
        "<table><tr><th>option</th><th>cost of the option</th><th>savings</th><th>incremental "
        "cost (95%)</th><th>preventable harm averted</th><th>cost per event averted</th>"
        f"<th>net monetary benefit</th><th>chance cost-effective</th><th>reading</th></tr>"
        f"{body}</table>"
        f"<p class=note>Costs file: {escape(costs.path.name)} (copied beside this report as "
        "costs.yaml). Reporting follows CHEERS 2022 "
        "(Husereau et al. 2022): perspective, horizon, discounting, currency and price year "
        "above; effects from the simulated hospitals' paired replicates; uncertainty from "
        "resampling them (and, where given, from the model's sampled assumptions). Inputs:"
        f"</p><table class=inputs><tr><th>input</th><th>value</th><th>source</th></tr>{inputs}"
        "</table>")


def events_span(row: Any) -> str:
    low, high = row.events_averted_low, row.events_averted_high
    if not (math.isfinite(low) and math.isfinite(high)):
        return "undefined"
    return f"{plain_number(low)} to {plain_number(high)}"


def cost_per_event_cell(row: Any, currency: str) -> str:
    """The cost per event averted with its interval; 'a saving' where the option saves."""
    if not math.isfinite(row.cost_per_event_averted):
        return "–<br><small>(harm averted may be none)</small>"
    if row.cost_per_event_averted < 0:
        return "none: a saving"
    return (f"{money(row.cost_per_event_averted, currency)}<br><small>"
            f"({span(row.cost_per_event_averted_low, row.cost_per_event_averted_high)})"
            "</small>")


def source_cell(source: str) -> str:
    return ("<b>user</b> (no published source: enter your own)" if is_users(source)
            else escape(source))


def is_users(source: str) -> bool:
    return source.strip().lower() == "user" or source.rstrip().endswith(": user")


def acceptability_plot(curves: pd.DataFrame, currency: str, unit: str,
                       willingness: float | None = None) -> plt.Figure:
    """Probability each option is cost-effective against willingness to pay."""
    figure, axis = plt.subplots(figsize=(PAGE_WIDTH_INCHES, 3.4))
    for index, (option, rows) in enumerate(curves.groupby("option", sort=False)):
        colour = OPTION_COLOURS[index % len(OPTION_COLOURS)]
        for source, style in (("paired replicates", "-"), ("plausible worlds", "--")):
            part = rows[rows["from"] == source]
            if len(part):
                axis.plot(part["willingness_to_pay"], part["probability_cost_effective"],
                          style, color=colour, label=f"{option} ({source})")
    if willingness:
        axis.axvline(willingness, color="0.5", linestyle=":", linewidth=0.9)
    axis.set_ylim(-0.02, 1.02)
    axis.set_xlabel(f"willingness to pay per {unit} ({currency})", fontsize=8)
    axis.set_ylabel("probability cost-effective", fontsize=8)
    axis.tick_params(labelsize=8)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    figure.tight_layout()
    return figure
