"""docs/metrics.md: how to read each metric, generated from sim.core.metrics.

    python -m sim.evidence.metric_docs docs/metrics.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.core.metrics import METRICS, Metric, plain_number

INTRO = """\
# Reading the metrics

Generated from `sim/core/metrics.py` (`python -m sim.evidence.metric_docs docs/metrics.md`);
every table, figure and sentence of a report takes its label, unit and verdict from there.

A change is **material** when its 95% interval excludes no change and its mean exceeds the
minimum meaningful difference below; only then is it called better or worse (for metrics with
a direction), otherwise it reads "no material change". Volume counts that grow with activity
(more reports meet more blame and more learning alike) have no direction. Primary outcomes are
marked; every other metric is exploratory.

**Scale.** Values are stored as the model computes them (shares, rates and beliefs from 0 to
1) and read in `unit`, which is the stored value times `scale`: reporting stored as 0.127 reads
12.7 reports per 100 incidents. `summary.csv`, `timeseries.csv.gz` and `timeseries.parquet`
hold stored values; `comparison.csv`, `board.csv`, `effect_by_month.csv`, `value.csv`, the
Python API's tables, the report and the figures hold values in `unit`. `metrics.csv` gives
`scale` and `stored_as` for every metric.

| metric | label | unit | stored as | scale | better | minimum meaningful difference | primary |
|---|---|---|---|---|---|---|---|
"""


def threshold_text(metric: Metric) -> str:
    if metric.relative:
        return f"{metric.minimum_difference:.0%} of the reference"
    return f"{plain_number(metric.minimum_difference * metric.scale, 1)} {metric.change_unit}"


def metrics_markdown() -> str:
    rows = [f"| `{m.name}` | {m.label} | {m.unit} | {m.stored_as} | {m.scale:g} | "
            f"{m.better or '-'} | {threshold_text(m)} | {'yes' if m.primary else ''} |"
            for m in METRICS]
    return INTRO + "\n".join(rows) + "\n"


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(metrics_markdown(), encoding="utf-8")
