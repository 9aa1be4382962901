"""The bundled scenarios as a menu: names a class can read, with their descriptions."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import UsageError
from sim.scenario import Scenario, list_scenarios, load_scenario

BASELINE = "baseline"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MenuEntry:
    """One scenario on offer: its name, what it is about, and where it comes from."""

    name: str
    description: str
    source: Path | None  # None: the built-in default hospital
    lesson: Mapping[str, list[str]] = field(default_factory=dict)  # notice, ask, try


def scenario_menu() -> dict[str, MenuEntry]:
    """Bundled scenarios by name, the baseline first; the default hospital if none load."""
    entries: dict[str, MenuEntry] = {}
    for path in list_scenarios():
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
    first = BASELINE if BASELINE in entries else next(iter(entries))
    return {first: entries[first], **{k: v for k, v in entries.items() if k != first}}


def load_entry(entry: MenuEntry, overrides: Mapping[str, float] | None = None) -> Scenario:
    """The scenario behind a menu entry, with lever values laid over its own."""
    return load_scenario(entry.source, overrides=dict(overrides or {}))
