"""Where a fitted hospital stands: its fit summary beside its scenario, and a small chart of its
survey composites against the national reference values.

`fit-hospital` installs `scenarios/hospitals/<name>.yaml` and, beside it, `<name>.fit.json`:
the fit quality in one line and, per survey composite, the hospital's percent positive, the
respondents and the national reference (aggregate figures only). The board report and the
classroom page read it to name the hospital, say how far to trust the fit, and show the chart.
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure

from sim.hospital.survey import COMPOSITE_BY_KEY

SUMMARY_SUFFIX = ".fit.json"
LABEL_WIDTH = 30  # characters per line of a composite's name on the chart


def summary_path(scenario_path: Path) -> Path:
    return scenario_path.with_name(scenario_path.stem + SUMMARY_SUFFIX)


def fit_summary(fit: Any) -> dict[str, Any]:
    """The aggregate figures a report needs about a fitted hospital (`HospitalFit`)."""

    composites = []
    for key, share in fit.hospital.composites.items():
        composite = COMPOSITE_BY_KEY[key]
        composites.append({"key": key, "label": composite.label, "percent": share.percent,
                           "respondents": share.respondents,
                           "reference": composite.reference, "fitted": composite.fitted})
    return {"hospital": fit.hospital.name, "quality": fit.quality,
            "instrument": fit.hospital.instrument, "survey_year": fit.hospital.survey_year,
            "composites": composites,
            "not_pinned_down": [profile.key for profile in fit.flat]}


def read_fit_summary(scenario_source: Path | None) -> dict[str, Any] | None:
    """The fit summary installed beside a fitted hospital's scenario, or None."""
    if scenario_source is None:
        return None
    path = summary_path(Path(scenario_source))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "quality" in data else None


def standing_chart(summary: dict[str, Any], width: float = 7.0) -> Figure:
    """The hospital's composites (percent positive, with a 95% sampling interval) beside the
    national reference values, on a 0-100 axis so that gaps are not exaggerated."""
    rows = summary["composites"]
    figure = Figure(figsize=(width, 0.5 * len(rows) + 1.6))
    axis = figure.subplots()
    for row, item in enumerate(rows):
        p, n = item["percent"] / 100, item["respondents"]
        half = 196 * math.sqrt(max(p * (1 - p), 1e-4) / n) if n else 0.0
        axis.plot([item["percent"] - half, item["percent"] + half], [row, row], color="#444",
                  lw=3)
        axis.plot(item["percent"], row, "o", color="#222",
                  label=summary["hospital"] if row == 0 else None)
        if item["reference"] is not None:
            axis.plot(item["reference"], row, "|", color="#1b9e77", markersize=14, mew=2.5,
                      label="national reference" if row == 0 else None)
    axis.set_yticks(range(len(rows)),
                    [textwrap.fill(item["label"], LABEL_WIDTH) + ("" if item["fitted"] else " *")
                     for item in rows], fontsize=8)
    axis.invert_yaxis()
    axis.set_xlim(0, 100)
    axis.set_xlabel("percent positive; * not represented in the model", fontsize=8)
    axis.grid(axis="x", alpha=0.3)
    axis.set_title("Staff survey against the national reference", loc="left", fontsize=10)
    handles, labels = axis.get_legend_handles_labels()
    figure.legend(handles, [textwrap.shorten(label, 40) for label in labels],
                  loc="lower center", ncol=2, fontsize=8, frameon=False)
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    return figure
