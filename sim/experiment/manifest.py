"""The manifest of an experiment: how to reproduce it and what it ran on."""

from __future__ import annotations

import importlib.metadata
import platform
import shlex
import sys
from pathlib import Path
from typing import Any

from sim.experiment.runner import ExperimentResults, describe
from sim.experiment.tables import evaluation_window
from sim.naming import safe_name

PACKAGES = ("hospital-safety-culture", "mesa", "numpy", "pandas", "matplotlib", "pyyaml",
            "tqdm", "dask", "distributed")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def package_versions() -> dict[str, str]:
    """Python and the installed versions of the packages that shape the results."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def git_commit(root: Path = PROJECT_ROOT) -> str | None:
    """The checked-out commit, read from .git without running git; None outside a checkout."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head.removeprefix("ref: ")
        loose = git / ref
        if loose.exists():
            return loose.read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split()[0]
    except OSError:
        return None
    return None


def build_manifest(results: ExperimentResults, command: list[str]) -> dict[str, Any]:
    """Everything needed to reproduce the experiment and judge how it ran."""
    scenarios = results.scenarios
    return {
        "command": shlex.join(command),
        "argv": sys.argv,
        "started": results.started,
        "versions": package_versions(),
        "git_commit": git_commit(),
        "backend": results.backend,
        "workers": results.workers,
        "root_seed": results.root_seed,
        "replicate_seeds": results.seeds,
        "evaluation_window": {
            label: dict(zip(("first_day", "last_day"),
                            evaluation_window(scenario.config.run.days, results.window),
                            strict=True))
            for label, scenario in zip(results.labels, scenarios, strict=True)},
        "wall_seconds": round(results.wall_seconds, 3),
        # Runs finished by an earlier command on the same folder (--resume); their timings
        # are those of that command.
        "runs_resumed": results.reused,
        "runs": [{"scenario": results.label_of(record.job), "replicate": record.job.replicate,
                  "seed": record.job.seed,
                  "seconds": None if record.output is None else round(record.output.seconds, 4),
                  "status": "ok" if record.output is not None else "failed"}
                 for record in results.records],
        "failures": [{"scenario": results.label_of(record.job),
                      "replicate": record.job.replicate, "seed": record.job.seed,
                      "error": record.error, "message": describe(record, scenarios),
                      "traceback": record.details}
                     for record in results.failures],
        "scenarios": [{"label": label, "source": None if s.source is None else str(s.source),
                       "file": scenario_file_name(index, label), "resolved": s.to_dict()}
                      for index, (label, s) in enumerate(zip(results.labels, scenarios,
                                                             strict=True))],
    }


def scenario_file_name(index: int, label: str) -> str:
    return f"scenario-{index + 1}-{safe_name(label)}.yaml"
