"""report.html: one self-contained page a policy team can circulate.

Figures are embedded (base64 SVG), so the file works offline and on its own. Every piece of
text taken from scenario files is escaped.
"""

from __future__ import annotations

import base64
import difflib
import math
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml
from markdown_it import MarkdownIt

from sim.core.metrics import METRIC_BY_NAME, Metric, format_change, format_relative, format_value
from sim.experiment.board_page import board_section
from sim.experiment.board_summary import (
    PRIMARY,
    hospitals_better,
    hospitals_sentence,
    scenario_summary,
)
from sim.experiment.decision_report import (
    assumptions_html,
    time_to_effect_html,
    value_html,
)
from sim.experiment.figures import EFFECT_METRICS, Figure
from sim.experiment.hospital_section import STEM as STANDING_STEM
from sim.experiment.hospital_section import fitted_hospital, hospital_banner
from sim.experiment.manifest import PROJECT_ROOT, git_commit, package_versions, scenario_file_name
from sim.experiment.runner import ExperimentResults, describe
from sim.experiment.statistics import paired_differences, replicates_needed
from sim.experiment.tables import evaluation_window
from sim.experiment.value_report import value_line

if TYPE_CHECKING:
    from sim.experiment.decisions import Decisions

# A relative change is shown only from a reference of at least this many units: +8,543% from a
# baseline of 4.7 reports says less than the absolute change beside it.
RELATIVE_FROM = 10.0

MECHANISMS = (
    ("M1", "Psychological safety raises reporting and speaking up (Edmondson 1999; Leroy 2012)"),
    ("M2", "Punitive responses suppress reporting but do not reduce harm (Archer 2017; AHRQ)"),
    ("M3", "Feedback closes the loop; silence after reports erodes reporting (Benn 2009)"),
    ("M4", "Workarounds come from obstacles and time pressure and raise error risk "
           "(Tucker & Edmondson 2003; van der Veen 2018)"),
    ("M5", "Normalisation of deviance (Vaughan 1996)"),
    ("M6", "Drift to the boundary of safe performance (Rasmussen 1997)"),
    ("M7", "Violations and migration; relaxing needless constraints pulls practice back "
           "(Amalberti et al. 2006)"),
    ("M8", "Regulatory and administrative burden drives burnout and cuts care time and "
           "reporting (Sinsky 2016; Woolhandler 2014; Hendrich 2008)"),
    ("M9", "Burnout raises the odds of unsafe care (Panagioti 2018; Tawfik 2019)"),
    ("M10", "Patients see what staff systems miss; their reports help only when acted on "
            "(Weissman 2008; Lawton 2017)"),
    ("M11", "Walkrounds help only with follow-through (Sexton 2018; Tucker & Singer 2015)"),
    ("M12", "Compliance theatre: audited compliance inflates; little outcome change "
            "(Srigley 2014; Pickering 2013)"),
    ("M13", "Safety culture lowers true harm, moderately (Mardon 2010)"),
    ("M14", "Inquiries, media and transparency amplify the culture that exists (Howell 2015)"),
)
STYLE = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-size:.88em;margin:.6em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:right}
th:first-child,td:first-child{text-align:left}
.better{background:#e3f4e1}.worse{background:#fbe3e1}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.82em}
figure{margin:1.2em 0}figure img{max-width:100%}figcaption{font-size:.88em;color:#555}
.note{color:#555;font-size:.9em}
.none{background:#f1f1f1}
.caveat{border-left:4px solid #b58900;background:#fdf6e3;padding:.4em .7em;font-size:.95em}
.board-table{width:100%;font-size:.84em}.board-table td{text-align:center;vertical-align:top}
.board-table th{text-align:center;vertical-align:bottom;font-weight:600}
.board-table{table-layout:fixed}.board-table th.option{text-align:left;vertical-align:top}
.board-table tr:first-child th:first-child{width:17%}
.board-table td,.board-table th{padding:.2em .25em}.board-table td{overflow-wrap:anywhere}
.board-table tr:first-child th{font-size:.95em}
.board-table small{color:#444}.board-table small.assume{color:#6a4a00}
.legend span{padding:0 .4em;border:1px solid #ddd}.legend{font-size:.85em;color:#444}
.readings li{margin:.15em 0}table.inputs td:last-child{text-align:left}
.model-description table{font-size:.8em}.model-description td{text-align:left}
.model-description code{font-size:.9em}
@media print{
@page{size:A4;margin:12mm}
body{max-width:none;margin:0;font-size:9.5pt}
h2{break-after:avoid}h3{break-after:avoid}
figure,tr{break-inside:avoid}table.board-table{break-inside:avoid}
figure img{max-width:100%;max-height:235mm}
pre{white-space:pre-wrap;overflow:visible}
section.board{break-after:page}h1{font-size:15pt;margin:0 0 3mm}
.board h2{font-size:12pt;margin-top:3mm}.board h3{font-size:10.5pt;margin:2mm 0 1mm}
.board-table{font-size:7.8pt}.readings{font-size:8.8pt;margin:0;padding-left:5mm}
.caveat{font-size:9pt;margin:0 0 2mm}.legend{font-size:7.8pt}
.model-description{break-before:page}
.better,.worse,.none,.caveat{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
"""


def embed(folder: Path, figure: Figure) -> str:
    data = base64.b64encode((folder / f"{figure.stem}.svg").read_bytes()).decode("ascii")
    return (f'<figure><img alt="{escape(figure.title)}" src="data:image/svg+xml;base64,{data}">'
            f"<figcaption><b>{escape(figure.title)}.</b> {escape(figure.caption)}</figcaption>"
            "</figure>")


def executive_summary(results: ExperimentResults, comparison: pd.DataFrame,
                      window_days: int) -> str:
    reference = results.labels[0]
    parts = [f"<h3>{escape(label)}</h3><p>"
             + " ".join(escape(text) for text in scenario_summary(
                 label, reference, comparison, len(results.seeds), window_days)) + "</p>"
             for label in results.labels[1:]]
    primary = ", ".join(METRIC_BY_NAME[name].label.lower() for name in PRIMARY)
    return ("".join(parts)
            + f"<p class=note>Primary outcomes: {escape(primary)}. Every other metric in this "
            "report is exploratory: with this many comparisons some will look different by "
            "chance. A change is called better or worse only when its 95% interval excludes no "
            "change and it exceeds the metric's minimum meaningful difference (1 percentage "
            "point for shares and rates, 1 point on 0-100 scales, 5% for counts and levels); "
            "otherwise it reads \"no material change\".</p>")


def findings(results: ExperimentResults, summary: pd.DataFrame,
             comparison: pd.DataFrame, window_days: int) -> str:
    reference = results.labels[0]
    by_scenario = {label: rows.set_index("replicate")
                   for label, rows in summary.groupby("scenario", sort=False)}
    table = comparison.set_index(["scenario", "metric"])
    parts = []
    for label in results.labels[1:]:
        items = []
        for name in PRIMARY:
            differences = np.array([])
            if label in by_scenario and reference in by_scenario:
                differences = paired_differences(by_scenario[label][name],
                                                 by_scenario[reference][name])
            text = hospitals_sentence(label, reference, name, differences,
                                      table.loc[(label, name)], window_days)
            items.append(f"<li>{escape(text)}</li>")
        parts.append(f"<h3>{escape(label)}</h3><ul>{''.join(items)}</ul>")
    return "".join(parts)


def effects_table(results: ExperimentResults, comparison: pd.DataFrame) -> str:
    reference = comparison[comparison["scenario"] == results.labels[0]].set_index("metric")
    replicates = len(results.seeds)
    parts = []
    for label in results.labels[1:]:
        rows = comparison[comparison["scenario"] == label].set_index("metric")
        body = []
        for name in EFFECT_METRICS:
            row, metric = rows.loc[name], METRIC_BY_NAME[name]
            kind = "primary" if metric.primary else "exploratory"
            tone = row["verdict"] if row["verdict"] in ("better", "worse") else ""
            body.append(
                f'<tr class="{tone}"><td>{escape(metric.label)}</td><td>{kind}</td>'
                f"<td>{escape(metric.better)}</td>"
                f"<td>{format_value(metric, reference.loc[name, 'mean'])}</td>"
                f"<td>{format_value(metric, row['mean'])}</td>"
                f"<td>{format_change(metric, row['diff'])}</td>"
                f"<td>{format_change(metric, row['diff_ci_low'], unit=False)} to "
                f"{format_change(metric, row['diff_ci_high'], unit=False)}</td>"
                f"<td>{relative_text(metric, row, reference.loc[name, 'mean'])}</td>"
                f"<td>{escape(row['verdict'] or '–')}</td>"
                f"<td>{hospitals_better(row['p_better'], replicates)}</td>"
                f"<td>{precision_note(metric, row, reference.loc[name, 'mean'], replicates)}"
                "</td></tr>")
        parts.append(
            f"<h3>{escape(label)} compared with {escape(results.labels[0])}</h3><table><tr>"
            "<th>outcome</th><th>kind</th><th>better if</th><th>reference</th>"
            "<th>scenario</th><th>change</th><th>95% interval</th><th>relative</th>"
            "<th>verdict</th><th>hospitals where better</th><th>precision</th></tr>"
            f"{''.join(body)}</table>")
    return "".join(parts)


def relative_text(metric: Metric, row: pd.Series, reference: float) -> str:
    """The relative change, or an en dash where the reference is too small for a ratio."""
    if not (math.isfinite(reference) and abs(metric.in_unit(reference)) >= RELATIVE_FROM):
        return "–"
    return format_relative(row["rel_change"])


def precision_note(metric: Metric, row: pd.Series, reference: float, replicates: int) -> str:
    """'interval wider than the change: about 40 replicates' or nothing."""
    needed = replicates_needed(metric, row["diff_ci_low"], row["diff_ci_high"], row["diff"],
                               reference, replicates)
    return f"interval wider than the change: about {needed:,} replicates" if needed else ""


def levels_table(results: ExperimentResults, comparison: pd.DataFrame) -> str:
    """Mean and 95% interval of every metric in every scenario, in its own unit."""
    header = "".join(f"<th>{escape(label)}</th>" for label in results.labels)
    wide = comparison.set_index(["metric", "scenario"])
    body = []
    for name in dict.fromkeys(comparison["metric"]):
        metric = METRIC_BY_NAME[name]
        cells = "".join(
            f"<td>{format_value(metric, wide.loc[(name, label), 'mean'], unit=False)} "
            f"[{format_value(metric, wide.loc[(name, label), 'ci_low'], unit=False)}, "
            f"{format_value(metric, wide.loc[(name, label), 'ci_high'], unit=False)}]</td>"
            for label in results.labels)
        body.append(f"<tr><td title=\"{escape(metric.meaning)}\">{escape(metric.label)}</td>"
                    f"<td>{escape(metric.unit)}</td>{cells}</tr>")
    return f"<table><tr><th>metric</th><th>unit</th>{header}</tr>{''.join(body)}</table>"


def settings_yaml(scenario: Any) -> list[str]:
    """The resolved parameters and interventions as YAML lines (without name and story)."""
    document = {key: value for key, value in scenario.to_dict().items()
                if key not in ("name", "description", "evidence", "lesson")}
    return yaml.safe_dump(document, sort_keys=False, width=90).splitlines()


def yaml_difference(reference: Any, scenario: Any, labels: tuple[str, str]) -> str:
    lines = difflib.unified_diff(settings_yaml(reference), settings_yaml(scenario),
                                 fromfile=labels[0], tofile=labels[1], lineterm="", n=2)
    return "\n".join(lines) or "(the same parameters and interventions)"


def scenarios_section(results: ExperimentResults) -> str:
    reference = results.scenarios[0]
    parts = []
    for index, (label, scenario) in enumerate(zip(results.labels, results.scenarios,
                                                  strict=True)):
        evidence = "".join(f"<li>{escape(str(item))}</li>" for item in scenario.evidence)
        source = "built in" if scenario.source is None else Path(scenario.source).name
        role = " (reference)" if index == 0 else ""
        block = (f"<h3>{escape(label)}{role}</h3><p>{escape(scenario.description or '')}</p>"
                 f"<p class=note>Source: {escape(source)}; simulated "
                 f"{scenario.config.run.days} days after {scenario.config.run.burn_in} days of "
                 "burn-in.</p>")
        if evidence:
            block += f"<p>Evidence cited by the scenario:</p><ul>{evidence}</ul>"
        if index == 0:
            block += (f"<p class=note>Every resolved parameter: "
                      f"<code>{escape(scenario_file_name(index, label))}</code> beside this "
                      "report.</p>")
        else:
            block += ("<p>Difference from the reference (resolved parameters and "
                      "interventions, YAML):</p><pre>"
                      f"{escape(yaml_difference(reference, scenario, (results.labels[0], label)))}"
                      "</pre>")
        parts.append(block)
    return "".join(parts)


def reproducibility_section(results: ExperimentResults, command: str) -> str:
    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in package_versions().items())
    seconds = [record.output.seconds for record in results.records if record.output is not None]
    failures = "".join(f"<li>{escape(describe(record, results.scenarios))}: "
                       f"{escape(record.error or '')}</li>" for record in results.failures)
    return (
        f"<p>Command: <code>{escape(command)}</code></p>"
        f"<p>Root seed {results.root_seed}; replicate seeds (the same for every scenario): "
        f"{escape(', '.join(map(str, results.seeds)))}.</p>"
        f"<p>Versions: {versions}. Commit: {escape(git_commit() or 'n/a')}."
        f"</p><p>Ran on: {escape(results.backend)}; {len(results.records)} runs in "
        f"{results.wall_seconds:.1f} s (mean {np.mean(seconds) if seconds else math.nan:.2f} s "
        "per run). Full details: manifest.json.</p>"
        + (f"<p><b>Failed runs ({len(results.failures)}), left out of every statistic:</b></p>"
           f"<ul>{failures}</ul>" if failures else "<p>All runs completed.</p>"))


# What the paperwork metric counts, so that it is not read as the documentation lever alone.
ADMIN_TIME_NOTE = (
    "Working time on regulatory work counts documentation (the scenario's paperwork share, "
    "about 30% of a nurse's time by default and more for doctors), the time spent following "
    "rules met on the ward instead of working around them, and preparing for audits; it is a "
    "share of that time plus direct care time, so it reads higher than the paperwork share "
    "alone.")


def assumptions_section() -> str:
    items = "".join(f"<li><b>{code}</b> {escape(text)}</li>" for code, text in MECHANISMS)
    return (
        "<p>These are simulated hospitals, not real ones. The model's rules encode published "
        "findings about how reporting, workarounds, burnout and trust interact; the full model "
        'description, parameters and sources are <a href="#model-description">at the end of '
        "this report</a> (the ODD protocol of the model, docs/ODD.md in its repository). "
        "In short:</p>"
        "<ul><li>Clinicians decide every day whether to report, speak up or work around an "
        "obstacle; nothing about the culture is fixed in advance.</li>"
        "<li>What managers do with reports (blame, learning, feedback) changes what staff "
        "believe, and beliefs change what they do next.</li>"
        "<li>Paperwork and pointless rules take time from care, raise time pressure and "
        "burnout, and invite workarounds, which raise the risk of error.</li>"
        "<li>Harm depends on errors, on who catches them (colleagues, patients) and on "
        "hazards left open.</li></ul>"
        f"<p>Mechanisms and their sources:</p><ul>{items}</ul>"
        f"<p>{escape(ADMIN_TIME_NOTE)}</p>"
        "<p>Intervals describe the variation between simulated hospitals (stochastic "
        "uncertainty) only, not uncertainty in the model's assumptions or parameters. Effects "
        "are paired: replicate <i>i</i> of every scenario uses the same seed, so the scenarios "
        "meet the same patients and hazards and differ only where policy changes what people "
        "do.</p>")


def model_description() -> str:
    """The ODD protocol itself, rendered from its Markdown, so the link works for whoever
    receives the report. Raw HTML in the Markdown is escaped, not passed through."""
    odd = PROJECT_ROOT / "docs" / "ODD.md"
    text = odd.read_text(encoding="utf-8") if odd.exists() else "(docs/ODD.md not found)"
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    html = demote_headings(html)
    return (f'<section id="model-description" class="model-description"><h2>Appendix: model '
            f"description (ODD protocol, docs/ODD.md)</h2>{html}</section>")


def demote_headings(html: str) -> str:
    """The protocol's headings two levels down, under the appendix's own heading."""
    for level in (4, 3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{min(level + 2, 6)}>").replace(
            f"</h{level}>", f"</h{min(level + 2, 6)}>")
    return html


def write_report(path: Path, results: ExperimentResults, summary: pd.DataFrame,
                 comparison: pd.DataFrame | None, figures: list[Figure], command: str,
                 decisions: Decisions | None = None) -> None:
    """Write the self-contained HTML report: the board's page first, then the detail."""
    folder = path.parent
    start, end = evaluation_window(results.scenarios[0].config.run.days, results.window)
    window_days = end - start + 1
    labels = ", ".join(results.labels[1:])
    title = (f"{results.labels[0]} compared with {labels}" if len(results.labels) > 1
             else results.labels[0])
    intro = (f"<p>{len(results.labels)} scenario(s), {len(results.seeds)} simulated hospitals "
             f"each. Every outcome is summarised over the evaluation window, scenario days "
             f"{start} to {end}: counts are totals over those {window_days} days (on the "
             "first page, per year), rates and shares are taken over the whole window, "
             "states are averaged.</p>")
    compared = comparison is not None and len(results.labels) > 1
    placed = {figure.stem: figure for figure in figures}
    sections = []
    banner = hospital_banner(fitted_hospital(results))
    standing = [embed(folder, placed.pop(STANDING_STEM))] if STANDING_STEM in placed else []
    if compared and decisions is not None:
        sections += [f"<h1>{escape(title)}</h1>", banner, first_page(results, decisions),
                     "<h2>About this comparison</h2>", intro, *standing]
    else:
        sections += [f"<h1>Experiment: {escape(title)}</h1>", banner, intro, *standing]
    if compared:
        sections += ["<h2>Summary in words</h2>",
                     executive_summary(results, comparison, window_days)]
        if decisions is not None:
            sections += decision_sections(folder, results, decisions, placed)
        sections += ["<h2>Primary outcomes hospital by hospital</h2>",
                     findings(results, summary, comparison, window_days)]
    sections += ["<h2>What was compared</h2>", scenarios_section(results)]
    if compared:
        sections += ["<h2>Effects</h2><p class=note>Paired differences from the reference "
                     "with 95% intervals over replicates, in each outcome's own unit; green "
                     "rows improved and red rows worsened materially. Relative changes are "
                     f"left out where the reference is below {RELATIVE_FROM:g} units. The "
                     "last column counts the paired hospitals where the scenario did better, "
                     "a tie counting as half.</p>", effects_table(results, comparison)]
    if comparison is not None:
        sections += ["<h2>All metrics</h2><p class=note>Mean [95% interval] over replicates."
                     "</p>", levels_table(results, comparison)]
    sections += ["<h2>Figures</h2>", *(embed(folder, figure) for figure in placed.values()),
                 "<h2>Assumptions and sources</h2>", assumptions_section(),
                 "<h2>Seeds, versions and runs</h2>", reproducibility_section(results, command),
                 model_description()]
    path.write_text(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(sections) + "</body></html>", encoding="utf-8")


def first_page(results: ExperimentResults, decisions: Decisions) -> str:
    """The board's page: caveat, the ranked table and a line per option."""
    value_lines = {}
    if decisions.value is not None:

        value_lines = {label: value_line(decisions.value, label, decisions.costs)
                       for label in results.labels[1:]}
    worlds = decisions.assumptions.worlds if decisions.assumptions is not None else 0
    return board_section(decisions.board, beds=decisions.beds, replicates=decisions.replicates,
                         window_days=decisions.window_days, reference=results.labels[0],
                         assumptions=worlds, value_lines=value_lines)


def decision_sections(folder: Path, results: ExperimentResults, decisions: Decisions,
                      placed: dict[str, Figure]) -> list[str]:
    """Time to effect, how sure (with sampled assumptions) and value for money."""

    def take(prefix: str) -> str:
        return "".join(embed(folder, placed.pop(stem)) for stem in list(placed)
                       if stem.startswith(prefix))

    parts = ["<h2>Time to effect</h2>", time_to_effect_html(results, decisions),
             take("time-to-effect")]
    if decisions.assumptions is not None:
        parts += ["<h2>How sure: simulation chance and the model's assumptions</h2>",
                  assumptions_html(decisions.assumptions), take("assumption")]
    if decisions.value is not None:
        parts += ["<h2>Value for money</h2>", value_html(decisions), take("acceptability")]
    return parts
