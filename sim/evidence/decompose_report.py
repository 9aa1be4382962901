"""The written results of a decomposition: a CSV table and a short markdown report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.core.metrics import METRIC_BY_NAME, format_change, format_relative, format_value
from sim.evidence.decompose import Contribution, Part

COLUMNS = ("outcome", "part", "quantity", "baseline_mean", "mean_difference", "ci_low",
           "ci_high", "relative_mean", "relative_ci_low", "relative_ci_high", "replicates")


def write_table(rows: Sequence[Contribution], path: Path) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.outcome, row.part, row.quantity, f"{row.baseline_mean:.6g}",
                             *(f"{value:.6g}" for value in (row.mean, row.low, row.high)),
                             *(f"{row.relative(value):.6g}"
                               for value in (row.mean, row.low, row.high)),
                             row.replicates])


def shown(row: Contribution) -> str:
    metric = METRIC_BY_NAME[row.outcome]
    return (f"{format_change(metric, row.mean)} ({format_relative(row.relative(row.mean))}; "
            f"95% {format_change(metric, row.low, unit=False)} to "
            f"{format_change(metric, row.high, unit=False)})")


def report(scenario_name: str, source: str, parts: Sequence[Part], split: str,
           rows: Sequence[Contribution], outcomes: Sequence[str], seed: int,
           replicates: int, window: int) -> str:
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
    lines += ["Files: `decomposition.csv` (every number above), `decomposition.png`/`.svg` "
              "(the figure), `scenarios/` (each variant as a resolved scenario file).", ""]
    return "\n".join(lines)
