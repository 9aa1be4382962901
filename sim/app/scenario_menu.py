"""The bundled scenarios as a menu: names a class can read, with their descriptions.

Fitted hospitals (`scenarios/hospitals/*.yaml`, written by `run.py fit-hospital`) follow the
library, so that a workshop with a hospital's own staff can start from their hospital; the
scenario the page starts with can be named by `run.py app --scenario` (passed to the page's
server in START_VARIABLE)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import UsageError
from sim.scenario import Scenario, list_scenarios, load_scenario
from sim.scenario.scenario import BUNDLED_FOLDER

BASELINE = "baseline"
HOSPITALS_FOLDER = BUNDLED_FOLDER / "hospitals"
START_VARIABLE = "SIM_APP_SCENARIO"  # a scenario file the page starts with
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MenuEntry:
    """One scenario on offer: its name, what it is about, and where it comes from."""

    name: str
    description: str
    source: Path | None  # None: the built-in default hospital
    lesson: Mapping[str, list[str]] = field(default_factory=dict)  # notice, ask, try


def scenario_files() -> list[Path]:
    """The library, then fitted hospitals; a file named to start with comes first."""
    files = [*list_scenarios(), *list_scenarios(HOSPITALS_FOLDER)]
    start = os.environ.get(START_VARIABLE)
    if start:
        chosen = Path(start).resolve()
        files = [chosen, *(path for path in files if path.resolve() != chosen)]
    return files


def scenario_menu() -> dict[str, MenuEntry]:
    """Bundled scenarios by name, the baseline first (or the scenario the page was started
    with); the default hospital if none load."""
    entries: dict[str, MenuEntry] = {}
    for path in scenario_files():
        try:
            scenario = load_scenario(path)
        except UsageError as error:  # a broken file should not take the whole page down
            log.warning("scenario left off the menu: %s", error)
            continue
        name = scenario.name if scenario.name not in entries else path.stem
        entries[name] = MenuEntry(name, " ".join(scenario.description.split()), path,
                                  scenario.lesson)
    if not entries:
        default = Scenario.default()
        entries[default.name] = MenuEntry(default.name, default.description, None)
    started = os.environ.get(START_VARIABLE)
    first = next(iter(entries)) if started or BASELINE not in entries else BASELINE
    return {first: entries[first], **{k: v for k, v in entries.items() if k != first}}


def load_entry(entry: MenuEntry, overrides: Mapping[str, float] | None = None) -> Scenario:
    """The scenario behind a menu entry, with lever values laid over its own."""
    return load_scenario(entry.source, overrides=dict(overrides or {}))
