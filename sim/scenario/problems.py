"""Every problem in a scenario file at once, for `validate`: a file with three mistakes should
not take three runs to mend.

Loading stops at the first problem (a scenario is checked once, at the edge, then trusted), so
when a load fails each part of the file is checked again on its own: every parameter, every
field of every intervention, every `--set`. Problems that need the whole merged scenario (run
size, an intervention's timing against the run length, a parent file's own mistakes) are
found by the full load, whose message is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from sim.config import ModelConfig
from sim.errors import UsageError
from sim.scenario.interventions import MAX_INTERVENTIONS, check_fields, complete_intervention
from sim.scenario.scenario import (
    check_document,
    display_path,
    load_scenario,
    normalise_overrides,
    resolve_scenario_path,
)
from sim.scenario.schema import GROUPS, check_number
from sim.scenario.yaml_io import read_yaml_file


class Problems:
    """One-line messages in the order found, each once."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def check(self, step: Callable[..., Any], *args: Any) -> bool:
        """Run one check; keep its message if it fails. True when it passed."""
        try:
            step(*args)
        except UsageError as error:
            self.add(str(error))
            return False
        return True

    def add(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)


def scenario_problems(path: str | Path, overrides: Iterable[str] = ()) -> list[str]:
    """Every problem found in one scenario file (with `--set` overrides); [] when it loads."""
    overrides = list(overrides)
    try:
        load_scenario(path, overrides)
        return []
    except UsageError as error:
        first = str(error)
    problems = Problems()
    for item in overrides:
        problems.check(normalise_overrides, [item])
    document = own_document(path)
    if document is not None:
        check_parts(document, problems)
    problems.add(first)  # kept last if not already found: it may lie beyond the parts
    return problems.messages


def override_problems(overrides: Iterable[str]) -> tuple[list[str], list[str]]:
    """Problems with `--set` values, each found once, and the overrides that are fine."""
    problems, valid = Problems(), []
    for item in overrides:
        if problems.check(normalise_overrides, [item]):
            valid.append(item)
    return problems.messages, valid


def own_document(path: str | Path) -> tuple[Mapping[Any, Any], str] | None:
    """The file's own mapping and how messages name it, or None when it cannot be read."""
    try:
        source = resolve_scenario_path(path)
        where = str(path) if source == Path(path) else display_path(source)
        data = read_yaml_file(source, where)
    except UsageError:
        return None
    return (data, where) if isinstance(data, Mapping) else None


def check_parts(document: tuple[Mapping[Any, Any], str], problems: Problems) -> None:
    data, where = document
    for key, value in data.items():
        if key in GROUPS and isinstance(value, Mapping):
            for name, setting in value.items():
                problems.check(check_document, {key: {name: setting}}, where)
        elif (key == "interventions" and isinstance(value, list)
              and len(value) <= MAX_INTERVENTIONS):  # too many: that one problem is enough
            check_interventions(value, where, run_days(data), problems)
        else:
            problems.check(check_document, {key: value}, where)


def run_days(data: Mapping[Any, Any]) -> int:
    """The run length the file sets, or the default one, to check timings against."""
    run = data.get("run")
    days = run.get("days") if isinstance(run, Mapping) else None
    try:
        return int(check_number(days, "", "", whole=True, low=1))
    except UsageError:
        return ModelConfig().run.days


def check_interventions(items: list[Any], where: str, days: int, problems: Problems) -> None:
    """Each field of each intervention on its own, then each whole intervention."""
    names: set[str] = set()
    for index, item in enumerate(items):
        path = f"interventions[{index}]"
        if not isinstance(item, Mapping):
            problems.check(check_document, {"interventions": [item]}, where)
            continue
        fields_pass = all([problems.check(check_fields, {key: value}, where, path)
                           for key, value in item.items()])
        if "name" not in item:
            problems.add(f"{where}: {path}: missing 'name' (every intervention needs a name)")
            continue
        name = str(item["name"]).strip()
        if name in names:
            problems.add(f"{where}: {path}.name: duplicate intervention name {name!r}; names "
                         "must be unique")
        names.add(name)
        if fields_pass:
            problems.check(complete_intervention, item, where, path, days)
