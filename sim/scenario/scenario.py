"""Scenario files: loading with `extends`, command-line overrides, and the resolved form.

A scenario is a YAML mapping with `name`, `description`, `evidence`, optional `extends`, one
mapping per parameter group (hospital, patients, hazards, regulation, transparency, management,
clinicians, run) and a list of `interventions`. Anything not set keeps the default from
`sim.config.ModelConfig`, so `{}` is the default hospital.

`extends: other.yaml` (relative to the file) deep-merges this file over the other: mappings
merge key by key, interventions merge by name (a child's intervention with a parent's name
updates it, new names are added), anything else is replaced. `name` is never inherited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.config import ModelConfig
from sim.errors import UsageError
from sim.naming import safe_name
from sim.scenario.interventions import (
    Intervention,
    check_intervention_list,
    check_name,
    complete_intervention,
)
from sim.scenario.sandbox import BUNDLED_FOLDER, named_file, roots_of
from sim.scenario.schema import (
    GROUPS,
    LESSON_PARTS,
    TEXT_KEYS,
    build_config,
    check_group,
    check_parameter,
    check_parameter_key,
    check_run_size,
    check_text,
    fail,
    show,
    unknown_top_level_key,
)
from sim.scenario.yaml_io import display_path, dump_yaml, parse_yaml, read_yaml_file

# A chain of files each extending the next; deeper than this is a mistake (or a loop through
# many names). Documented in docs/scenarios.md.
MAX_EXTENDS_DEPTH = 20
DEFAULT_DESCRIPTION = (
    "The default hospital: eight wards run the way most hospitals are run today, with a "
    "moderate paperwork load, managers who answer about half of reports with blame, little "
    "feedback to reporters and no walkrounds.")


@dataclass
class Scenario:
    """A fully resolved scenario: parameters, interventions and the story behind them."""

    name: str
    description: str = ""
    evidence: list[str] = field(default_factory=list)
    lesson: dict[str, list[str]] = field(default_factory=dict)  # see schema.LESSON_PARTS
    config: ModelConfig = field(default_factory=ModelConfig)
    interventions: list[Intervention] = field(default_factory=list)
    source: Path | None = None

    @classmethod
    def from_dict(cls, document: Mapping[str, Any], where: str = "") -> Scenario:
        """Rebuild a scenario from `to_dict()` output, checked as a file would be."""
        return scenario_from_data(document, where or str(document.get("name", "scenario")),
                                  None)

    @classmethod
    def default(cls) -> Scenario:
        """The built-in default hospital (the empty scenario)."""
        return cls(name="default hospital", description=DEFAULT_DESCRIPTION)

    @property
    def slug(self) -> str:
        """The name made safe for file and folder names (it can never leave its folder)."""
        return safe_name(self.name)

    def markers(self, model: Any = None) -> list[tuple[int, str]]:
        """(scenario day, label) for each intervention start and end, in day order.

        Triggers fire only during a run; pass the model built by `build_model` to include
        the days on which they fired (and ended).
        """
        marks = [mark for item in self.interventions for mark in item.markers(self.config.run.days)]
        if model is not None:
            marks.extend(mark for mark in getattr(model, "intervention_markers", [])
                         if mark[0] <= self.config.run.days)
        return sorted(marks, key=lambda mark: mark[0])

    def to_dict(self) -> dict[str, Any]:
        """Every parameter with its value, the story and the interventions; no `extends`."""
        data: dict[str, Any] = {"name": self.name, "description": self.description,
                                "evidence": list(self.evidence)}
        if self.lesson:
            data["lesson"] = {part: list(lines) for part, lines in self.lesson.items()}
        data.update(self.config.to_dict())
        data["interventions"] = [item.to_dict() for item in self.interventions]
        return data

    def to_yaml(self) -> str:
        """The resolved scenario as YAML; loading it and running with the same seed gives
        identical results."""
        origin = f" from {display_path(self.source)}" if self.source else ""
        header = (f"# Resolved scenario{origin}: extends, defaults and overrides applied.\n"
                  "# Run it again with the same seed to reproduce the results exactly.\n")
        return header + dump_yaml(self.to_dict())

    def changed_parameters(self) -> dict[str, int | float]:
        """Parameters whose starting value differs from the default hospital."""
        current, default = flatten(self.config.to_dict()), flatten(ModelConfig().to_dict())
        return {key: value for key, value in current.items() if value != default[key]}


def flatten(groups: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {f"{group}.{name}": value for group, values in groups.items()
            for name, value in values.items()}


# --- loading -----------------------------------------------------------------------------------

def load_scenario(path: str | Path | None, overrides: Iterable[str | tuple[str, Any]] |
                  Mapping[str, Any] | None = None) -> Scenario:
    """Read, merge (`extends`), override and validate a scenario; UsageError on bad input.

    `path` may also be the name of a bundled scenario (`just_culture`), or None for the
    default hospital. `overrides` are `key=value` texts as given to `--set`, (key, value)
    pairs, or a mapping; they are typed and checked like the file.
    """
    if path is None:
        data: dict[str, Any] = {"name": Scenario.default().name,
                                "description": DEFAULT_DESCRIPTION}
        where, source = "default hospital", None
    else:
        source = resolve_scenario_path(path)
        where = str(path) if source == Path(path) else display_path(source)
        data = load_document(source, where, chain=(), roots=extends_roots(source))
        data.setdefault("name", source.stem)
    for key, value in normalise_overrides(overrides):
        group, name = key.split(".", 1)
        values = data.get(group)
        data[group] = {**(values if isinstance(values, Mapping) else {}), name: value}
    return scenario_from_data(data, where, source)


def resolve_scenario_path(path: str | Path) -> Path:
    """The file for `path`, or a bundled scenario of that name (`baseline` -> baseline.yaml)."""
    candidate = Path(path)
    try:
        if candidate.exists():
            return candidate
    except (OSError, ValueError):  # e.g. a NUL character or a name too long for the system
        raise UsageError(f"{path}: not a usable file name") from None
    text = str(path)
    if text and "/" not in text and "\\" not in text:
        stem = text[:-5] if text.endswith(".yaml") else text
        bundled = BUNDLED_FOLDER / f"{stem}.yaml"
        if bundled.is_file() and safe_name(stem) == stem:
            return bundled
    return candidate  # reading it reports "file not found"


def extends_roots(source: Path) -> tuple[Path, ...]:
    """The folders a scenario may extend files from: its own folder tree and the library."""
    return roots_of(source)


def load_document(path: Path, where: str, chain: tuple[Path, ...],
                  roots: tuple[Path, ...]) -> dict[str, Any]:
    """One file, checked on its own, then laid over whatever it extends."""
    data = read_yaml_file(path, where)
    if data is None:
        raise fail(where, "", "empty document; expected a mapping of scenario settings "
                   "(write '{}' for the default hospital)")
    if not isinstance(data, Mapping):
        # Say what kind of thing it is, never what it says: it may be any file at all.
        raise fail(where, "", f"expected a mapping of scenario settings at the top level, "
                   f"got {kind_of(data)} (is this a scenario file?)")
    check_document(data, where)
    parent_name = data.get("extends")
    own = {key: value for key, value in data.items() if key != "extends"}
    if parent_name is None:
        return own
    here = path.resolve()
    parent = extended_file(here, parent_name, where, roots)
    visited = (*chain, here)
    if parent in visited:
        loop = " -> ".join(display_path(p) for p in (*visited[visited.index(parent):], parent))
        raise fail(where, "extends", f"cyclic extends: {loop}")
    if len(visited) > MAX_EXTENDS_DEPTH:
        raise fail(where, "extends", f"more than {MAX_EXTENDS_DEPTH} levels of extends")
    inherited = load_document(parent, display_path(parent), visited, roots)
    inherited.pop("name", None)
    return merge(inherited, own)


def extended_file(here: Path, parent_name: str, where: str, roots: tuple[Path, ...]) -> Path:
    """The file `extends: parent_name` names, through the sandbox every named file goes
    through (sim.scenario.sandbox)."""
    return named_file(here, parent_name, where, "extends", roots, what="a scenario")


def kind_of(value: Any) -> str:
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    return "a number" if isinstance(value, int | float) else "a value of another kind"


def check_document(data: Mapping[Any, Any], where: str) -> None:
    """Check every key and value one file sets (on its own, before any merge)."""
    for key, value in data.items():
        if key not in GROUPS and key not in (*TEXT_KEYS, "interventions"):
            raise unknown_top_level_key(key, where)
        if key in GROUPS:
            check_group(key, value, where)
        elif key == "name":
            check_name(value, where, "name")
        elif key == "description" and value is not None:
            check_text(value, where, "description")
        elif key == "evidence":
            check_evidence(value, where)
        elif key == "lesson":
            check_lesson(value, where)
        elif key == "extends":
            check_text(value, where, "extends", limit=1000)
            if not value.strip():
                raise fail(where, "extends", "expected the path of another scenario file")
        else:
            check_intervention_list(value, where)


def check_evidence(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(where, "evidence", f"expected a list of sources, got {show(value)}")
    for index, item in enumerate(value):
        check_text(item, where, f"evidence[{index}]", limit=2000)
    return list(value)


def check_lesson(value: Any, where: str) -> dict[str, list[str]]:
    """A lesson guide: `notice`, `ask` and `try`, each a text or a list of texts."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise fail(where, "lesson", f"expected notice, ask and try, got {show(value)}")
    lesson = {}
    for part, lines in value.items():
        if part not in LESSON_PARTS:
            raise fail(where, f"lesson.{part}",
                       f"unknown part of a lesson; expected one of {', '.join(LESSON_PARTS)}")
        lines = [lines] if isinstance(lines, str) else lines
        if not isinstance(lines, list):
            raise fail(where, f"lesson.{part}", f"expected a list of texts, got {show(lines)}")
        for index, line in enumerate(lines):
            check_text(line, where, f"lesson.{part}[{index}]", limit=2000)
        lesson[part] = [" ".join(line.split()) for line in lines]
    return lesson


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: mappings key by key, interventions by name, anything else replaced."""
    merged = dict(base)
    for key, value in over.items():
        if key == "interventions":
            merged[key] = merge_interventions(base.get(key) or [], value or [])
        elif value is None and isinstance(base.get(key), Mapping):
            continue  # an empty group (`management:`) in the child changes nothing
        elif isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            merged[key] = merge(base[key], value)
        else:
            merged[key] = value
    return merged


def merge_interventions(base: list[Mapping[str, Any]],
                        over: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    items = {item["name"].strip(): dict(item) for item in base}
    for item in over:
        name = item["name"].strip()
        items[name] = merge(items[name], item) if name in items else dict(item)
    return list(items.values())


def scenario_from_data(data: Mapping[str, Any], where: str, source: Path | None) -> Scenario:
    """The final checks on a merged document, and the Scenario it describes."""
    check_document(data, where)  # overrides and merges are checked again as a whole
    groups = {group: check_group(group, data[group], where) for group in GROUPS if group in data}
    config = build_config(groups)
    check_run_size(config, where)
    raw_items = data.get("interventions") or []
    interventions = [complete_intervention(item, where, f"interventions[{index}]",
                                           config.run.days)
                     for index, item in enumerate(raw_items)]
    return Scenario(name=check_name(data["name"], where, "name"),
                    description=data.get("description") or "",
                    evidence=check_evidence(data.get("evidence"), where),
                    lesson=check_lesson(data.get("lesson"), where), config=config,
                    interventions=interventions, source=source)


def validate_scenario(scenario: Scenario) -> Scenario:
    """Re-check a Scenario built or edited in code, exactly as if it had been loaded."""
    where = display_path(scenario.source) if scenario.source else scenario.name
    try:
        data = scenario.to_dict()
    except (AttributeError, TypeError) as error:
        raise UsageError(f"{where}: not a valid scenario ({error})") from None
    return scenario_from_data(data, where, scenario.source)


# --- command-line overrides --------------------------------------------------------------------

def parse_override(text: str) -> tuple[str, int | float]:
    """`'management.punitiveness=0.2'` -> `('management.punitiveness', 0.2)`, checked like a
    value in a file (UsageError naming the override otherwise)."""
    where = f"--set {text}"
    if not isinstance(text, str) or "=" not in text:
        raise UsageError(f"{where}: expected KEY=VALUE, e.g. management.punitiveness=0.2")
    key, _, raw = text.partition("=")
    key = key.strip()
    check_parameter_key(key, where, "", mid_run=False)
    return key, check_parameter(key, parse_override_value(raw.strip(), where), where, key)


def parse_override_value(raw: str, where: str) -> Any:
    """Numbers as Python reads them (so 1e3 works), anything else as YAML would read it."""
    for convert in (int, float):
        try:
            return convert(raw)
        except ValueError:
            continue
    return parse_yaml(raw, where) if raw else None


def normalise_overrides(overrides: Iterable[str | tuple[str, Any]] | Mapping[str, Any] | None
                        ) -> list[tuple[str, int | float]]:
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        overrides = list(overrides.items())
    if isinstance(overrides, str):
        overrides = [overrides]
    checked = []
    for item in overrides:
        if isinstance(item, str):
            checked.append(parse_override(item))
        else:
            key, value = item
            where = f"--set {key}={value}"
            check_parameter_key(key, where, "", mid_run=False)
            checked.append((key, check_parameter(key, value, where, key)))
    return checked


# --- the bundled library -----------------------------------------------------------------------

def list_scenarios(folder: str | Path = "scenarios") -> list[Path]:
    """The scenario files in `folder` (by default the bundled library), sorted by name."""
    folder = Path(folder)
    if not folder.is_dir() and not folder.is_absolute() and str(folder) == "scenarios":
        folder = BUNDLED_FOLDER
    return sorted(path for path in folder.glob("*.yaml") if path.is_file())
