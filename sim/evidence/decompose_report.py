"""The written results of a decomposition: a CSV table and a short markdown report."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from sim.core.metrics import METRIC_BY_NAME, format_change, format_relative, format_value
from sim.evidence.bands import format_measure
from sim.evidence.decompose import (
    INTERCEPTION_LEVEL,
    INTERCEPTION_SLOPE,
    Contribution,
    InterceptionShare,
    Part,
)

INTERCEPTION_COLUMNS = ("programme", "harm_effect", "harm_effect_ci_low", "harm_effect_ci_high",
                        "frozen_effect", "frozen_effect_ci_low", "frozen_effect_ci_high",
                        "interception_share", "share_ci_low", "share_ci_high", "estimable",
                        "frozen_catch", "replicates")
COLUMNS = ("outcome", "part", "quantity", "baseline_mean", "mean_difference", "ci_low",
           "ci_high", "relative_mean", "relative_ci_low", "relative_ci_high", "replicates")


def write_table(rows: Sequence[Contribution], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.outcome, row.part, row.quantity, f"{row.baseline_mean:.6g}",
                             *(f"{value:.6g}" for value in (row.mean, row.low, row.high)),
                             *(f"{row.relative(value):.6g}"
                               for value in (row.mean, row.low, row.high)),
                             row.replicates])


def write_interception(shares: Sequence[InterceptionShare], path: Path) -> None:
    """interception.csv: per programme, its relative harm effect as modelled and with
    interception frozen, and the share through interception with its 95% interval."""

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(INTERCEPTION_COLUMNS)
        for item in shares:
            writer.writerow([item.programme, *(f"{value:.6g}" for value in item.modelled),
                             *(f"{value:.6g}" for value in item.frozen),
                             *(f"{value:.6g}" for value in (item.share, item.low, item.high)),
                             str(item.estimable).lower(), f"{item.catch:.6g}",
                             item.replicates])


def effect_shown(estimate: tuple[float, float, float]) -> str:
    mean, low, high = estimate
    return (f"{format_measure('relative', mean)} ({format_measure('relative', low)} to "
            f"{format_measure('relative', high)})")


def interception_section(shares: Sequence[InterceptionShare]) -> list[str]:
    """The report's section on the share of each programme's harm effect through colleague
    interception (nothing without shares)."""
    if not shares:
        return []
    lines = ["## Share of the harm effect through colleague interception", "",
             "The baseline and each programme ran again with the same seeds and colleagues' "
             f"interception of errors frozen at the baseline's level (`{INTERCEPTION_SLOPE}` "
             f"= 0, `{INTERCEPTION_LEVEL}` = {shares[0].catch:.3f}, the catch probability at "
             "the baseline's mean psychological safety); every other channel still works. "
             "Share = 1 - (harm effect frozen) / (harm effect as modelled), each a relative "
             "change in preventable adverse events, with a 95% interval over the paired "
             "replicates. A share is only meaningful where the modelled effect is clearly not "
             "zero ('n/a' otherwise).", "",
             "| programme | harm effect | with interception frozen | share through "
             "interception (95%) |", "|---|---|---|---|"]
    for item in shares:
        share = (f"{100 * item.share:.0f}% ({100 * item.low:.0f}% to {100 * item.high:.0f}%)"
                 if item.estimable else "n/a (effect not clearly non-zero)")
        lines.append(f"| {item.programme} | {effect_shown(item.modelled)} | "
                     f"{effect_shown(item.frozen)} | {share} |")
    return [*lines, ""]


def shown(row: Contribution) -> str:
    metric = METRIC_BY_NAME[row.outcome]
    return (f"{format_change(metric, row.mean)} ({format_relative(row.relative(row.mean))}; "
            f"95% {format_change(metric, row.low, unit=False)} to "
            f"{format_change(metric, row.high, unit=False)})")


def report(scenario_name: str, source: str, parts: Sequence[Part], split: str,
           rows: Sequence[Contribution], outcomes: Sequence[str], seed: int,
           replicates: int, window: int,
           shares: Sequence[InterceptionShare] = ()) -> str:
    lines = [f"# Decomposition of {scenario_name}", "",
             f"Scenario `{source}`, split by {split}, {replicates} paired replicates "
             f"(root seed {seed}), each outcome over the last {window} days of each run.", "",
             "## Parts", ""]
    lines += [f"- **{part.name}**: {part.describe()}" for part in parts]
    lines += ["", "## How to read it", "",
              "Every number is a paired difference (the same simulated hospitals under both "
              "settings) with its 95% interval over replicates, in the outcome's unit and as a "
              "share of the baseline mean.", "",
              "- *alone*: the part on its own minus the baseline;",
              "- *removed*: the full bundle minus the bundle without the part (what the bundle "
              "loses without it);",
              "- *interaction*: the full bundle's effect minus the sum of the parts' effects "
              "alone; an interval that excludes zero means the parts do not simply add up "
              "(positive: together they do more of whatever the outcome measures).", ""]
    for outcome in outcomes:
        metric = METRIC_BY_NAME[outcome]
        mine = {(row.part, row.quantity): row for row in rows if row.outcome == outcome}
        lines += [f"## {metric.label} (`{outcome}`)", "",
                  f"Baseline mean {format_value(metric, mine[('', 'full')].baseline_mean)}; "
                  f"full bundle "
                  f"{shown(mine[('', 'full')])}.", "",
                  "| part | alone | removed from the bundle |", "|---|---|---|"]
        lines += [f"| {part.name} | {shown(mine[(part.name, 'alone')])} | "
                  f"{shown(mine[(part.name, 'removed')])} |" for part in parts]
        lines += ["", f"Interaction (full - sum of parts alone): "
                      f"{shown(mine[('', 'interaction')])}.", ""]
    lines += interception_section(shares)
    lines += ["Files: `decomposition.csv` (every number above), `decomposition.png`/`.svg` "
              "(the figure), `scenarios/` (each variant as a resolved scenario file)"
              + ("; `interception.csv` (the shares through interception) and "
                 "`scenarios/interception/` (the variants with interception frozen)"
                 if shares else "") + ".", ""]
    return "\n".join(lines)
