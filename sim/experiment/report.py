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
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.experiment.figures import EFFECT_METRICS, Figure, percent_text
from sim.experiment.manifest import PROJECT_ROOT, git_commit, package_versions
from sim.experiment.runner import ExperimentResults, describe
from sim.experiment.statistics import paired_differences
from sim.experiment.tables import evaluation_window
from sim.metrics import METRIC_BY_NAME

# How each headline metric reads in a sentence.
PLAIN_NAMES = {
    "reporting_rate": "incident reporting (staff reports per incident)",
    "harm_capture": "the share of harm events reported by staff",
    "adverse_events": "the number of patients harmed (adverse events)",
    "preventable_adverse_events": "preventable harm (adverse events caused by an error)",
    "workaround_rate": "workarounds (per obstacle met)",
    "psychological_safety": "clinicians' psychological safety",
    "trust_in_management": "clinicians' trust in management",
    "burnout_prevalence": "burnout",
}
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
"""


def number(value: float, digits: int = 3) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}g}"


def signed(value: float, digits: int = 3) -> str:
    return "–" if not math.isfinite(value) else f"{value:+.{digits}g}"


def percent(value: float) -> str:
    return "–" if not math.isfinite(value) else percent_text(value)


def embed(folder: Path, figure: Figure) -> str:
    data = base64.b64encode((folder / f"{figure.stem}.svg").read_bytes()).decode("ascii")
    return (f'<figure><img alt="{escape(figure.title)}" src="data:image/svg+xml;base64,{data}">'
            f"<figcaption><b>{escape(figure.title)}.</b> {escape(figure.caption)}</figcaption>"
            "</figure>")


def sentence(label: str, reference: str, name: str, differences: np.ndarray,
             row: pd.Series, window_days: int) -> str:
    """'In 27 of 30 simulated hospitals, incident reporting rose under X (better): ...'"""
    metric = METRIC_BY_NAME[name]
    plain = PLAIN_NAMES.get(name, metric.meaning)
    if metric.kind == "count":
        plain += f" over the {window_days}-day window"
    total = len(differences)
    if total == 0:
        return f"No paired runs of {label} and {reference} could be compared for {plain}."
    up, down = int((differences > 0).sum()), int((differences < 0).sum())
    same = total - up - down
    if same == total:
        return (f"In all {total} simulated hospitals, {plain} was the same under {label} as "
                f"under {reference}.")
    rose = up >= down
    count, verb, other, other_verb = (up, "rose", down, "fell") if rose else (
        down, "fell", up, "rose")
    rest = [f"{other_verb} in {other}"] if other else []
    rest += [f"did not change in {same}"] if same else []
    clear = row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0
    if not clear:
        verdict = "; the 95% interval includes no change"
    elif metric.better:
        verdict = "; better" if rose == (metric.better == "higher") else "; worse"
    else:
        verdict = ""
    return (f"In {count} of {total} simulated hospitals, {plain} {verb} under {label} compared "
            f"with {reference}" + (f" (it {' and '.join(rest)})" if rest else "")
            + f"{verdict}. Mean change {signed(row['diff'])} ({percent(row['rel_change'])}), "
            f"95% interval {number(row['diff_ci_low'])} to {number(row['diff_ci_high'])}.")


def findings(results: ExperimentResults, summary: pd.DataFrame,
             comparison: pd.DataFrame) -> str:
    reference = results.labels[0]
    start, end = evaluation_window(results.scenarios[0].config.run.days, results.window)
    by_scenario = {label: rows.set_index("replicate")
                   for label, rows in summary.groupby("scenario", sort=False)}
    table = comparison.set_index(["scenario", "metric"])
    parts = []
    for label in results.labels[1:]:
        items = []
        for name in PLAIN_NAMES:
            differences = np.array([])
            if label in by_scenario and reference in by_scenario:
                differences = paired_differences(by_scenario[label][name],
                                                 by_scenario[reference][name])
            text = sentence(label, reference, name, differences, table.loc[(label, name)],
                            end - start + 1)
            items.append(f"<li>{escape(text)}</li>")
        parts.append(f"<h3>{escape(label)}</h3><ul>{''.join(items)}</ul>")
    return "".join(parts)


def effect_class(row: pd.Series) -> str:
    better = METRIC_BY_NAME[row["metric"]].better
    if not better or not math.isfinite(row["diff_ci_low"]):
        return ""
    if row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0:
        return "better" if (row["diff"] > 0) == (better == "higher") else "worse"
    return ""


def effects_table(results: ExperimentResults, comparison: pd.DataFrame) -> str:
    reference = comparison[comparison["scenario"] == results.labels[0]].set_index("metric")
    parts = []
    for label in results.labels[1:]:
        rows = comparison[(comparison["scenario"] == label)
                          & comparison["metric"].isin(EFFECT_METRICS)]
        body = "".join(
            f'<tr class="{effect_class(row)}"><td>{escape(row["metric"])}</td>'
            f"<td>{escape(METRIC_BY_NAME[row['metric']].better)}</td>"
            f"<td>{number(reference.loc[row['metric'], 'mean'])}</td>"
            f"<td>{number(row['mean'])}</td>"
            f"<td>{signed(row['diff'])}</td>"
            f"<td>{number(row['diff_ci_low'])} to {number(row['diff_ci_high'])}</td>"
            f"<td>{percent(row['rel_change'])}</td>"
            f"<td>{number(row['p_better'], 2)}</td></tr>"
            for _, row in rows.iterrows())
        parts.append(
            f"<h3>{escape(label)} vs {escape(results.labels[0])}</h3><table><tr><th>metric</th>"
            "<th>better</th><th>reference mean</th><th>scenario mean</th><th>difference</th>"
            "<th>95% interval</th><th>relative</th><th>share of hospitals better</th></tr>"
            f"{body}</table>")
    return "".join(parts)


def levels_table(results: ExperimentResults, comparison: pd.DataFrame) -> str:
    """Mean and 95% interval of every metric in every scenario."""
    header = "".join(f"<th>{escape(label)}</th>" for label in results.labels)
    wide = comparison.set_index(["metric", "scenario"])
    body = []
    for name in dict.fromkeys(comparison["metric"]):
        cells = "".join(
            f"<td>{number(wide.loc[(name, label), 'mean'])} "
            f"[{number(wide.loc[(name, label), 'ci_low'])}, "
            f"{number(wide.loc[(name, label), 'ci_high'])}]</td>" for label in results.labels)
        body.append(f"<tr><td title=\"{escape(METRIC_BY_NAME[name].meaning)}\">{escape(name)}"
                    f"</td>{cells}</tr>")
    return f"<table><tr><th>metric</th>{header}</tr>{''.join(body)}</table>"


def settings_yaml(scenario: Any) -> list[str]:
    """The resolved parameters and interventions as YAML lines (without name and story)."""
    document = {key: value for key, value in scenario.to_dict().items()
                if key not in ("name", "description", "evidence")}
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
            block += (f"<details><summary>Resolved scenario (YAML)</summary><pre>"
                      f"{escape(scenario.to_yaml())}</pre></details>")
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


def assumptions_section(results: ExperimentResults) -> str:
    odd = PROJECT_ROOT / "docs" / "ODD.md"
    items = "".join(f"<li><b>{code}</b> {escape(text)}</li>" for code, text in MECHANISMS)
    return (
        "<p>These are simulated hospitals, not real ones. The model's rules encode published "
        "findings about how reporting, workarounds, burnout and trust interact; the full model "
        f'description, parameters and sources are in <a href="{escape(odd.as_uri())}">'
        "docs/ODD.md</a> (ODD protocol) in the model's repository. Mechanisms:</p>"
        f"<ul>{items}</ul><p>Intervals describe the variation between simulated hospitals "
        "(stochastic uncertainty) only, not uncertainty in the model's assumptions or "
        "parameters. Effects are paired: replicate <i>i</i> of every scenario uses the same "
        "seed, so the scenarios meet the same patients and hazards and differ only where "
        "policy changes what people do.</p>")


def write_report(path: Path, results: ExperimentResults, summary: pd.DataFrame,
                 comparison: pd.DataFrame | None, figures: list[Figure], command: str) -> None:
    """Write the self-contained HTML report."""
    folder = path.parent
    start, end = evaluation_window(results.scenarios[0].config.run.days, results.window)
    labels = ", ".join(results.labels[1:])
    title = (f"{results.labels[0]} compared with {labels}" if len(results.labels) > 1
             else results.labels[0])
    intro = (f"<p>{len(results.labels)} scenario(s), {len(results.seeds)} simulated hospitals "
             f"each. Every metric is summarised over the evaluation window: scenario days "
             f"{start} to {end} (counts summed, ratios as ratios of sums, states averaged).</p>")
    sections = [f"<h1>Experiment: {escape(title)}</h1>", intro]
    compared = comparison is not None and len(results.labels) > 1
    if compared:
        sections += ["<h2>Key findings</h2>", findings(results, summary, comparison)]
    sections += ["<h2>What was compared</h2>", scenarios_section(results)]
    if compared:
        sections += ["<h2>Effects</h2><p class=note>Paired differences from the reference "
                     "with 95% intervals over replicates; green rows improved and red rows "
                     "worsened beyond the interval; the last column is the share of paired "
                     "hospitals where the scenario did better.</p>",
                     effects_table(results, comparison)]
    if comparison is not None:
        sections += ["<h2>All metrics</h2><p class=note>Mean [95% interval] over replicates."
                     "</p>", levels_table(results, comparison)]
    sections += ["<h2>Figures</h2>", *(embed(folder, figure) for figure in figures),
                 "<h2>Assumptions and sources</h2>", assumptions_section(results),
                 "<h2>Seeds, versions and runs</h2>", reproducibility_section(results, command)]
    path.write_text(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(sections) + "</body></html>", encoding="utf-8")
