"""A comparison whose reference is a fitted hospital (`run.py fit-hospital`): the report names
the hospital, says how far its fit can be trusted, and shows where its survey composites stand
against the national reference values (sim.hospital.standing)."""

from __future__ import annotations

from html import escape
from typing import Any

from sim.hospital.standing import read_fit_summary

STEM = "hospital-standing"  # the figure sim.experiment.figures draws for a fitted hospital


def fitted_hospital(results: Any) -> dict[str, Any] | None:
    """The fit summary of the comparison's reference scenario, if it is a fitted hospital."""
    return read_fit_summary(getattr(results.scenarios[0], "source", None))


def hospital_banner(summary: dict[str, Any] | None) -> str:
    """One paragraph at the top of the report: whose hospital, and how far to trust it."""
    if summary is None:
        return ""
    flat = summary.get("not_pinned_down") or []
    unknown = (f" The hospital's figures could not pin down {', '.join(flat)}; results that "
               "hang on them are less certain." if flat else "")
    return (f'<p class="hospital-fit"><b>{escape(summary["hospital"])}</b>: the reference is '
            "a model of this hospital, fitted to its own survey, incident and staffing "
            f"figures. How far to trust the fit: {escape(summary['quality'])}."
            f"{escape(unknown)}</p>")
