"""A comparison in plain words: what changed on the primary outcomes, by how much, in units.

A change is named better or worse only when it is material (sim.core.metrics.is_material): common
random numbers make intervals narrow, so a change can be certain and still too small to act on.
Every other change reads "no material change". Everything here returns plain text; the report
escapes and places it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.core.metrics import (
    METRIC_BY_NAME,
    METRICS,
    SHARE,
    Metric,
    format_change,
    format_relative,
    format_value,
)
from sim.experiment.statistics import replicates_needed

PRIMARY = tuple(metric.name for metric in METRICS if metric.primary)


def over_window(metric: Metric, window_days: int) -> str:
    """' over the 180-day window' for counts, which are summed over it; '' for the rest."""
    return f" over the {window_days}-day window" if metric.kind == "count" else ""


def change_phrase(metric: Metric, row: pd.Series, reference: float, window_days: int) -> str:
    """'rose by about 2.1 reports per 100 incidents (from 32.5 to 34.6, +6.5%)'."""
    verb = "rose" if row["diff"] > 0 else "fell"
    size = format_change(metric, abs(row["diff"])).lstrip("+")  # the verb carries the sign
    before = format_value(metric, reference, unit=metric.unit == SHARE)
    return (f"{verb} by about {size}{over_window(metric, window_days)} (from {before} to "
            f"{format_value(metric, row['mean'])}, {format_relative(row['rel_change'])})")


def listing(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def scenario_summary(label: str, reference_label: str, comparison: pd.DataFrame,
                     replicates: int, window_days: int) -> list[str]:
    """Three to six sentences on the primary outcomes of one scenario against the reference."""
    table = comparison.set_index(["scenario", "metric"])
    better, worse, unchanged, unresolved = [], [], [], []
    for name in PRIMARY:
        metric, row = METRIC_BY_NAME[name], table.loc[(label, name)]
        reference = table.loc[(reference_label, name)]["mean"]
        if row["verdict"] in ("better", "worse"):
            phrase = f"{metric.label.lower()} {change_phrase(metric, row, reference, window_days)}"
            (better if row["verdict"] == "better" else worse).append(phrase)
        else:
            unchanged.append(metric.label.lower())
        needed = replicates_needed(metric, row["diff_ci_low"], row["diff_ci_high"], row["diff"],
                                   reference, replicates)
        if needed:
            unresolved.append((metric.label.lower(), needed))
    sentences = [f"Compared with {reference_label}, {label} was better on "
                 f"{len(better)} and worse on {len(worse)} of the {len(PRIMARY)} primary "
                 "outcomes."]
    if better:
        sentences.append("Better: " + listing(better) + ".")
    if worse:
        sentences.append("Worse: " + listing(worse) + ".")
    if unchanged:
        sentences.append("No material change in " + listing(unchanged) + ".")
    if unresolved:
        most = max(needed for _, needed in unresolved)
        names = listing([name for name, _ in unresolved])
        estimate = (f"the estimate for {names} is imprecise: its 95% interval is wider than "
                    "the change it brackets" if len(unresolved) == 1 else
                    f"the estimates for {names} are imprecise: their 95% intervals are wider "
                    "than the changes they bracket")
        sentences.append(f"With {replicates} simulated hospitals per scenario {estimate}; "
                         f"about {most:,} replicates would settle it.")
    return sentences


def hospitals_sentence(label: str, reference_label: str, name: str, differences: np.ndarray,
                       row: pd.Series, window_days: int) -> str:
    """'In 9 of 10 simulated hospitals, incident reporting rose under X ...; better.'"""
    metric = METRIC_BY_NAME[name]
    subject = metric.label.lower() + over_window(metric, window_days)
    total = len(differences)
    if total == 0:
        return f"No paired runs of {label} and {reference_label} could be compared for {subject}."
    up, down = int((differences > 0).sum()), int((differences < 0).sum())
    same = total - up - down
    if same == total:
        return (f"In all {total} simulated hospitals, {subject} was the same under {label} as "
                f"under {reference_label}.")
    rose = up >= down
    count, verb, other, other_verb = (up, "rose", down, "fell") if rose else (
        down, "fell", up, "rose")
    rest = [f"{other_verb} in {other}"] if other else []
    rest += [f"did not change in {same}"] if same else []
    verdict = verdict_reading(metric, row)
    return (f"In {count} of {total} simulated hospitals, {subject} {verb} under {label} "
            f"compared with {reference_label}" + (f" (it {' and '.join(rest)})" if rest else "")
            + f"; {verdict}. Mean change {format_change(metric, row['diff'])} "
            f"({format_relative(row['rel_change'])}), 95% interval "
            f"{format_change(metric, row['diff_ci_low'], unit=False)} to "
            f"{format_change(metric, row['diff_ci_high'])}.")


TOO_SMALL_TO_ACT = "a real change but too small to act on"


def is_real_change(low: float, high: float) -> bool:
    """The 95% interval of a change excludes no change."""
    return low > 0 or high < 0


def verdict_reading(metric: Metric, row: pd.Series) -> str:
    """'better', 'worse', or why not: too small to act on (a real change below the minimum
    meaningful difference) or no clear change (the interval includes none), so that '10 of
    10 hospitals fell' next to 'no material change' does not read as a contradiction."""
    if row["verdict"] != "no material change":
        return row["verdict"] or "no estimate"
    if is_real_change(row["diff_ci_low"], row["diff_ci_high"]):
        return (f"{TOO_SMALL_TO_ACT} (below {minimum_text(metric)}, the smallest change "
                "worth acting on)")
    return "no clear change: its 95% interval includes none"


def minimum_text(metric: Metric) -> str:
    if metric.relative:
        return f"{metric.minimum_difference:.0%} of the reference"
    return format_change(metric, metric.minimum_difference).lstrip("+")


def hospitals_better(p_better: float, replicates: int) -> str:
    """'9.5 of 10' (a tie counts as half); an en dash where no direction is better."""
    if not math.isfinite(p_better):
        return "–"
    count = p_better * replicates
    return f"{count:.1f}".removesuffix(".0") + f" of {replicates}"
