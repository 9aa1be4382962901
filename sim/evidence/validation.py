"""Check the model against its calibration targets and held-out patterns; write it down.

`run.py check-model` reports two parts. Part 1, calibration: the level targets of the default
hospital (`sim.evidence.targets`), the behaviour facts F1-F6 (`sim.evidence.facts`), the effect
bands of the library scenarios and the baseline's stationarity over four years
(`sim.evidence.bands`): coefficients were fitted to these. Part 2, validation: patterns no
coefficient was fitted to (`sim.evidence.heldout`), run with the frozen coefficients on a seed
set never used for tuning. All over paired replicates; one markdown report (docs/VALIDATION.md)
states how it was made: seeds, replicates, size, package versions, git commit and date. Every
check is judged by the rule of the module that defines it; the report only gathers them.
"""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sim.evidence.bands import BANDS, format_measure
from sim.evidence.effects import (
    BandResult,
    band_variants,
    judge_bands,
    measure_stationarity,
    run_variants,
    stationarity_table,
)
from sim.evidence.facts import (
    FACT_BANDS,
    TREND_REPLICATES,
    FactCheck,
    describe_changes,
    measure_fact_runs,
)
from sim.evidence.heldout import (
    HELD_OUT_SEED,
    HeldOutCheck,
    held_out_seeds,
    measure_held_out,
)
from sim.evidence.targets import LEVEL_TARGETS, LevelResult, judge_levels
from sim.experiment.jobs import replicate_seeds

Changes = tuple[tuple[str, float], ...]

# The sizes the slow tests use: 12 paired hospitals for levels and facts, 20 for the bands
# (at least 20 paired replicates), four years for stationarity, 10 for the held-out patterns.
FULL_REPLICATES = {"levels": 12, "facts": 12, "trends": TREND_REPLICATES, "bands": 20,
                   "heldout": 10}
FULL_YEARS = 4
# The reduced size CI runs: a two-ward hospital, short runs, three replicates. Its verdicts are
# not evidence (too few, too small); it checks that the whole chain runs and reports.
QUICK_REPLICATES = 3
QUICK_HOSPITAL: Changes = (("hospital.wards", 2),)
QUICK_RUN: Changes = (*QUICK_HOSPITAL, ("run.burn_in", 30), ("run.days", 200))
QUICK_YEARS = 2
HEADER_FIELDS = ("date", "seed", "replicates", "size", "git commit", "python", "mesa", "numpy")
SECTIONS = (
    ("levels", "Part 1, calibration: level targets of the default hospital"),
    ("facts", "Part 1, calibration: behaviour facts F1-F6"),
    ("bands", "Part 1, calibration: effect bands of the library scenarios, one year after "
              "the change"),
)
HELD_OUT_TITLE = ("Part 2, validation: held-out patterns (frozen coefficients, a seed set "
                  "never used for tuning)")


@dataclass(frozen=True)
class Finding:
    """One row of the report: a check, what it changes, what is expected and measured."""

    section: str
    what: str
    change: str
    expected: str
    measured: str
    passed: bool


@dataclass
class Validation:
    """All findings of one run of the checks, with how they were made."""

    seed: int
    replicates: dict[str, int]
    quick: bool
    findings: list[Finding] = field(default_factory=list)
    stationarity: list[str] = field(default_factory=list)
    stationary: bool = True
    held_out_seed: int = HELD_OUT_SEED

    @property
    def passed(self) -> bool:
        return self.stationary and all(finding.passed for finding in self.findings)

    @property
    def failures(self) -> int:
        return sum(not finding.passed for finding in self.findings) + (not self.stationary)


def with_interval(measure: str, mean: float, low: float, high: float) -> str:
    shown = format_measure(measure, mean)
    if low != low or high != high:  # NaN: no interval (one replicate, or a pooled value)
        return shown
    return f"{shown} ({format_measure(measure, low)} to {format_measure(measure, high)})"


def level_findings(results: Sequence[LevelResult]) -> list[Finding]:
    return [Finding("levels", result.target.quantity, "baseline", result.target.expected,
                    with_interval("level", result.mean, result.low, result.high),
                    result.passed) for result in results]


def band_findings(results: Sequence[BandResult], section: str) -> list[Finding]:
    findings = []
    for result in results:
        band = result.band
        change = (describe_changes(band.overrides) if band.scenario == "baseline"
                  else f"{band.scenario} vs baseline")
        findings.append(Finding(section, f"{band.name}: {band.metric}", change, band.expected,
                                with_interval(band.measure, result.mean, result.low,
                                              result.high), result.passed))
    return findings


def fact_findings(checks: Sequence[FactCheck]) -> list[Finding]:
    return [Finding("facts", f"{check.fact}: {check.claim}", check.change, check.expected,
                    with_interval("level", check.mean, check.low, check.high), check.passed)
            for check in checks]


def replicate_counts(replicates: int | None, quick: bool) -> dict[str, int]:
    if replicates is not None:
        return dict.fromkeys(FULL_REPLICATES, replicates)
    return dict.fromkeys(FULL_REPLICATES, QUICK_REPLICATES) if quick else dict(FULL_REPLICATES)


def check_model(seed: int, replicates: int | None = None, quick: bool = False,
                workers: int | None = None) -> Validation:
    """Run every check. Replicate i uses the same seed in every check (common random numbers);
    a section with fewer replicates uses the first of the same seeds."""

    counts = replicate_counts(replicates, quick)
    seeds = replicate_seeds(seed, max(counts.values()))
    run_changes = QUICK_RUN if quick else ()
    own_run_changes = QUICK_HOSPITAL if quick else ()
    # One batch for every window-based check, so that they share the baseline runs.
    variants = band_variants((*FACT_BANDS, *BANDS), run_changes)
    window_based = max(counts[section] for section in ("levels", "facts", "bands"))
    runs = run_variants(variants, seeds[:window_based], workers)
    baseline = runs[variants[0]]

    def first(section: str) -> dict:
        return {variant: outputs[:counts[section]] for variant, outputs in runs.items()}

    validation = Validation(seed, counts, quick)
    validation.findings += level_findings(judge_levels(LEVEL_TARGETS,
                                                       baseline[:counts["levels"]]))
    validation.findings += band_findings(judge_bands(FACT_BANDS, first("facts"), run_changes),
                                         "facts")
    validation.findings += fact_findings(measure_fact_runs(
        seeds[:counts["facts"]], workers, own_run_changes, seeds[:counts["trends"]]))
    validation.findings += band_findings(judge_bands(BANDS, first("bands"), run_changes),
                                         "bands")
    stationarity = measure_stationarity(seeds[:counts["bands"]],
                                        QUICK_YEARS if quick else FULL_YEARS, workers,
                                        own_run_changes)
    validation.stationarity = stationarity_table(stationarity)
    validation.stationary = all(result.passed for result in stationarity)
    seeds, scale_seeds = held_out_seeds(validation.held_out_seed, counts["heldout"])
    validation.findings += held_out_findings(measure_held_out(seeds, workers, run_changes,
                                                              quick, scale_seeds))
    return validation


def held_out_findings(checks: Sequence[HeldOutCheck]) -> list[Finding]:
    return [Finding("heldout", check.pattern, check.source, check.claim, check.measured,
                    check.passed) for check in checks]


# --- the report ------------------------------------------------------------------------------

def cell(text: str) -> str:
    return text.replace("|", "/")


def findings_table(findings: Sequence[Finding]) -> list[str]:
    lines = ["| check | scenario change | expected | measured (95% interval) | pass |",
             "|---|---|---|---|---|"]
    lines += [f"| {cell(f.what)} | {cell(f.change)} | {cell(f.expected)} | {cell(f.measured)} "
              f"| {'yes' if f.passed else 'NO'} |" for f in findings]
    return lines


def tables(validation: Validation) -> list[str]:
    lines: list[str] = []
    for section, title in SECTIONS:
        rows = [f for f in validation.findings if f.section == section]
        lines += [f"## {title}", "", *findings_table(rows), ""]
    lines += ["## Part 1, calibration: baseline stationarity (M6)", "",
              *validation.stationarity, ""]
    held_out = [f for f in validation.findings if f.section == "heldout"]
    if held_out:
        lines += [f"## {HELD_OUT_TITLE}", "", "No coefficient was fitted to these; the "
                  "'scenario change' column names the source.", "",
                  *findings_table(held_out), ""]
    return lines


def git_commit() -> str:
    """The commit the code was run from, marked when the work tree had changes."""
    try:
        folder = Path(__file__).resolve().parent
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=folder,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=folder, capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" with uncommitted changes" if dirty else "")


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def header(validation: Validation, command: str) -> list[str]:
    counts = validation.replicates
    size = ("quick: a two-ward hospital, short runs; verdicts are not evidence"
            if validation.quick else "full: the default hospital as configured")
    total = len(validation.findings) + 1
    verdict = ("all pass" if validation.passed
               else f"{validation.failures} of {total} fail")
    return [
        "# Validation: the model against its targets",
        "",
        f"Generated by `{command}`; do not edit by hand, run the command again.",
        "Each check is defined once in `sim/evidence/` and judged by the rule stated there.",
        "",
        f"- date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- seed: {validation.seed}",
        f"- replicates: levels {counts['levels']}, facts {counts['facts']} (F3 and F6 "
        f"plateau {counts['trends']}), bands and stationarity {counts['bands']} (paired: "
        "replicate i uses the same seed everywhere); held-out patterns "
        f"{counts.get('heldout', 0)} on their own seed {validation.held_out_seed}",
        f"- size: {size}",
        f"- git commit: {git_commit()}",
        f"- python: {platform.python_version()}; mesa: {version('mesa')}; "
        f"numpy: {version('numpy')}",
        f"- result: {verdict} ({total} checks)",
        "",
    ]


def report(validation: Validation, command: str) -> str:
    return "\n".join([*header(validation, command), *tables(validation)])


def header_problems(text: str) -> list[str]:
    """What a validation report lacks among the header fields that make it evidence."""
    lines = text.splitlines()
    missing = []
    for name in HEADER_FIELDS:
        if not any(line.startswith(f"- {name}:") or f"; {name}:" in line for line in lines):
            missing.append(f"no '{name}:' line in the header")
    if not any(line.startswith("Generated by `python run.py check-model") for line in lines):
        missing.append("no 'Generated by `python run.py check-model ...`' line")
    return missing
