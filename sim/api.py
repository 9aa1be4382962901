"""The command line's `run` and `compare` as functions, for notebooks.

    from sim.api import compare
    results = compare(["baseline", "walkrounds"], replicates=5, days=120)
    results.comparison          # a pandas DataFrame, the same as comparison.csv

Each call runs exactly what the command line runs with the same options (the same checks,
seeds, tables, figures and report), writes a results folder, and returns it with its tables as
pandas DataFrames. Every bad argument raises `ValueError` (`sim.errors.UsageError` is one)
with the command line's one-line message.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.cli import main
from sim.core.metrics import METRIC_BY_NAME, METRICS, Metric
from sim.experiment import effect_figures
from sim.experiment.effect_figures import FOREST_GROUPS
from sim.scenario import load_scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["METRICS", "Metric", "Results", "compare", "forest_plot", "load_scenario", "metric",
           "run", "time_to_effect_plot"]

REPORT_LINE = "Report: "  # the line every finished command prints, naming its report
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Results:
    """A finished results folder and its tables; `Results("outputs/...")` opens one.

    Tables are in the units their `unit` column names (sim.core.metrics, "Scale"), except
    `summary` and `timeseries`, which hold stored values (multiply by `metrics.scale`).
    """

    folder: Path

    def __post_init__(self) -> None:
        if not isinstance(self.folder, str | os.PathLike):
            raise ValueError(f"Results: expected a results folder (a path), got "
                             f"{type(self.folder).__name__}")
        folder = Path(self.folder)
        if not (folder / "summary.csv").is_file():
            raise ValueError(f"Results: {folder} is not a finished results folder (no "
                             "summary.csv)")
        object.__setattr__(self, "folder", folder)

    @property
    def report(self) -> Path:
        return self.folder / "report.html"

    def table(self, name: str) -> pd.DataFrame | None:
        """Any CSV of the folder by file name without .csv (e.g. "board"), or None."""

        path = self.folder / f"{name}.csv"
        return pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.exists() \
            else None

    @property
    def board(self) -> pd.DataFrame | None:
        """The first page's table: options ranked by preventable harm averted (compare)."""
        return self.table("board")

    @property
    def value(self) -> pd.DataFrame | None:
        """Value for money per option (compare --costs)."""
        return self.table("value")

    @property
    def time_to_effect(self) -> pd.DataFrame | None:
        """Month each primary effect is material and reaches 90% of its plateau (compare)."""
        return self.table("time_to_effect")

    def forest_plot(self, group: str = "harm") -> Figure:
        """The forest plot of one outcome group as a matplotlib figure (see `forest_plot`)."""
        return forest_plot(self, group)

    def time_to_effect_plot(self) -> Figure:
        """The paired monthly change of the primary outcomes (see `time_to_effect_plot`)."""
        return time_to_effect_plot(self)

    @property
    def summary(self) -> pd.DataFrame:
        """One row per scenario and replicate, every metric over the evaluation window."""

        return pd.read_csv(self.folder / "summary.csv")

    @property
    def comparison(self) -> pd.DataFrame | None:
        """Per scenario and metric: levels, paired changes, verdicts (compare only)."""

        path = self.folder / "comparison.csv"
        return pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.exists() \
            else None

    @property
    def timeseries(self) -> pd.DataFrame:
        """Every run's daily metrics in long form (from the Parquet copy)."""

        return pd.read_parquet(self.folder / "timeseries.parquet")

    @property
    def metrics(self) -> pd.DataFrame:
        """Label, unit, direction and minimum meaningful difference of every metric."""

        return pd.read_csv(self.folder / "metrics.csv", keep_default_na=False)


def compared(results: Results | str | Path, table: str) -> tuple[Results, pd.DataFrame]:
    results = results if isinstance(results, Results) else Results(results)
    data = results.table(table)
    if data is None:
        raise ValueError(f"{results.folder}: no {table}.csv; plots of effects need the results "
                         "of compare")
    return results, data


def window_days(results: Results) -> int:
    manifest = json.loads((results.folder / "manifest.json").read_text(encoding="utf-8"))
    window = next(iter(manifest["evaluation_window"].values()))
    return int(window["last_day"] - window["first_day"] + 1)


def forest_plot(results: Results | str | Path, group: str = "harm") -> Figure:
    """Each option's paired change from the reference with its 95% interval, one panel per
    outcome of `group` ("harm", "reporting", "work" or "culture"), in units (counts per
    year). Returns a matplotlib Figure; `ValueError` for an unknown group or a folder
    without a comparison."""

    if group not in FOREST_GROUPS:
        raise ValueError(f"forest_plot: group: expected one of {', '.join(FOREST_GROUPS)}, "
                         f"got {group!r}")
    results, comparison = compared(results, "comparison")
    labels = list(dict.fromkeys(comparison["scenario"]))
    return effect_figures.forest_plot(comparison, labels, window_days(results), group)


def time_to_effect_plot(results: Results | str | Path) -> Figure:
    """Each option's paired change from the reference month by month, with its 95% band,
    per primary outcome. Returns a matplotlib Figure."""

    results, by_month = compared(results, "effect_by_month")
    _, comparison = compared(results, "comparison")
    return effect_figures.time_to_effect_plot(by_month,
                                              list(dict.fromkeys(comparison["scenario"])))


def metric(name: str) -> Metric:
    """The definition of one metric (label, unit, direction, minimum meaningful difference);
    ValueError for a name that is not a metric."""
    try:
        return METRIC_BY_NAME[name]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(name), list(METRIC_BY_NAME), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else " (see docs/metrics.md)"
        raise ValueError(f"metric: unknown metric {str(name)[:80]!r}{hint}") from None


def run(scenario: str | Path, *, replicates: int = 10, seed: int = 1, days: int | None = None,
        window: int = 180, workers: int | None = None, dask: str | None = None,
        out: str | Path = "outputs",
        overrides: Mapping[str, float] | Iterable[str] | None = None) -> Results:
    """One scenario over many replicates, as `run.py run`."""
    return execute(["run", scenario_argument(scenario)], replicates=replicates, seed=seed,
                   days=days, window=window, workers=workers, dask=dask, out=out,
                   overrides=overrides)


def compare(scenarios: Sequence[str | Path], *, replicates: int = 10, seed: int = 1,
            days: int | None = None, window: int = 180, workers: int | None = None,
            dask: str | None = None, out: str | Path = "outputs",
            overrides: Mapping[str, float] | Iterable[str] | None = None) -> Results:
    """Scenarios compared with the first, paired by replicate, as `run.py compare`."""
    if isinstance(scenarios, str | Path) or not isinstance(scenarios, Sequence):
        raise ValueError("scenarios: expected a list of scenario files or bundled names, "
                         f"got {type(scenarios).__name__}")
    return execute(["compare", *map(scenario_argument, scenarios)], replicates=replicates,
                   seed=seed, days=days, window=window, workers=workers, dask=dask, out=out,
                   overrides=overrides)


def scenario_argument(scenario: object) -> str:
    """A scenario file or bundled name as the command line takes it; ValueError otherwise (a
    Scenario object must be saved first: its resolved YAML is `scenario.to_yaml()`)."""
    if not isinstance(scenario, str | Path):
        raise ValueError(f"scenario: expected a scenario file or a bundled name such as "
                         f"'baseline', got {type(scenario).__name__} (save a Scenario with "
                         "Path('mine.yaml').write_text(scenario.to_yaml()) and pass the path)")
    text = str(scenario)
    return os.path.join(".", text) if text.startswith("-") else text  # not an option


def override_options(overrides: object) -> list[str]:
    """`--set` options from a mapping, or from a list of 'key=value' texts or pairs."""
    if overrides is None:
        return []
    items = overrides.items() if isinstance(overrides, Mapping) else overrides
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise ValueError("overrides: expected a mapping such as {'management.punitiveness': "
                         "0.2} or a list of 'key=value' texts, got "
                         f"{type(overrides).__name__}")
    options = []
    for item in items:
        if isinstance(item, str):
            options += ["--set", item]
        elif isinstance(item, tuple | list) and len(item) == 2:
            options += ["--set", f"{item[0]}={item[1]}"]
        else:
            raise ValueError(f"overrides: expected 'key=value' texts or (key, value) pairs, "
                             f"got {type(item).__name__}")
    return options


def worker_count(workers: object) -> int:
    """Local workers: None means one per core; anything else must be a whole number >= 1."""
    if workers is None:
        return os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers: expected a whole number of at least 1 (or None for one "
                         f"per core), got {workers!r}")
    return workers


def command_options(*, replicates: int, seed: int, days: int | None, window: int,
                    workers: int | None, dask: str | None, out: str | Path,
                    overrides: object) -> list[str]:
    if not isinstance(out, str | Path):
        raise ValueError(f"out: expected a folder path, got {type(out).__name__}")
    # `--out=...`: a folder named like an option (`-weird`) is still a folder.
    options = ["--replicates", str(replicates), "--seed", str(seed), "--window", str(window),
               "--workers", str(worker_count(workers)), f"--out={out}", "--quiet"]
    options += ["--days", str(days)] if days is not None else []
    options += [f"--dask={dask}"] if dask else []
    return options + override_options(overrides)


def execute(command: list[str], **options: object) -> Results:
    """Run the command line in-process and return the folder it published."""

    printed, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
        code = main([*command, *command_options(**options)])
    message = errors.getvalue().strip()
    if code == EXIT_BAD_INPUT:
        raise ValueError(message.removeprefix("error: "))
    report = report_path(printed.getvalue().splitlines())
    if report is None:
        raise RuntimeError(message or f"the command ended with exit code {code}")
    if message:  # some runs failed: the others are in the results, as on the command line
        warnings.warn(message, RuntimeWarning, stacklevel=3)
    return Results(report.parent)


def report_path(lines: Iterable[str]) -> Path | None:
    for line in lines:
        if line.startswith(REPORT_LINE):
            return Path(line.removeprefix(REPORT_LINE))
    return None
