"""Property-based fuzzing of the scenario loader: random and mutated documents end either in a
valid scenario or in one clean UsageError, never in a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.config import parameter_fields
from sim.errors import UsageError
from sim.scenario import list_scenarios, load_scenario, parse_override

PARAMETERS = list(parameter_fields())
KEYS = [*PARAMETERS, *(key.split(".")[1] for key in PARAMETERS),
        "hospital", "patients", "hazards", "regulation", "transparency", "management",
        "clinicians", "run", "name", "description", "evidence", "extends", "interventions",
        "start", "end", "ramp", "set", "shock", "when", "kind", "duration", "magnitude",
        "metric", "per", "window", "above", "below", "adverse_events", "admissions", "change",
        "event", "trigger", "x", ""]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 400), st.integers(), st.floats(),
    st.floats(0, 1), st.sampled_from(KEYS), st.text(max_size=12))
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(KEYS), children, max_size=5)),
    max_leaves=25)
GROUPS: dict[str, list[str]] = {}
for _key in PARAMETERS:
    GROUPS.setdefault(_key.split(".")[0], []).append(_key.split(".")[1])
NUMBERS = st.one_of(st.floats(0, 1), st.integers(0, 30), st.integers(-5, 5000),
                    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none())
DAYS = st.one_of(st.integers(1, 400), st.integers(-5, 5000), st.floats(0, 400), st.none())
PARAMETER_VALUES = st.dictionaries(st.sampled_from(PARAMETERS), NUMBERS, min_size=1, max_size=3)
INTERVENTION = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=8)},
    optional={"start": DAYS, "end": DAYS, "ramp": DAYS, "duration": DAYS,
              "set": PARAMETER_VALUES,
              "shock": st.fixed_dictionaries({"magnitude": NUMBERS},
                                             optional={"description": st.text(max_size=10)}),
              "when": st.fixed_dictionaries(
                  {"metric": st.sampled_from(["adverse_events", "incidents", "reporting_rate",
                                              "psychological_safety", "nope"])},
                  optional={"per": st.sampled_from(["admissions", "patients"]),
                            "window": DAYS, "above": NUMBERS, "below": NUMBERS}),
              "kind": st.sampled_from(["change", "event", "trigger", "other"])})
SHAPED = st.fixed_dictionaries({}, optional={
    "name": st.text(max_size=20), "description": st.text(max_size=40),
    "evidence": st.lists(st.text(max_size=10), max_size=2),
    **{group: st.dictionaries(st.sampled_from(names), NUMBERS, max_size=4)
       for group, names in GROUPS.items()},
    "interventions": st.lists(INTERVENTION, max_size=3)})
YAML_CHARACTERS = st.sampled_from(list(":-[]{},#&*!|>'\"%@` \t\n0123456789.abcxyz_=?<"))
SETTINGS = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
SEEDS = [path.read_text(encoding="utf-8") for path in list_scenarios()]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def load_text(folder: Path, text: str) -> None:
    """Load `text` as a scenario file; a valid one must also survive its resolved form."""
    path = folder / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except UsageError as error:
        message = str(error)
        assert message.startswith(str(path)) and "\n" not in message.strip()
        return
    resolved = folder / "resolved.yaml"
    resolved.write_text(scenario.to_yaml(), encoding="utf-8")
    assert load_scenario(resolved).to_dict() == scenario.to_dict()


@SETTINGS
@given(DOCUMENTS)
def test_random_documents(folder, document):
    load_text(folder, yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(SHAPED)
def test_documents_shaped_like_scenarios(folder, document):
    load_text(folder, yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(st.dictionaries(st.sampled_from(KEYS), DOCUMENTS, max_size=6))
def test_random_top_level_mappings(folder, document):
    load_text(folder, yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 8),
                                                  st.text(YAML_CHARACTERS, max_size=6)),
                                        min_size=1, max_size=4))
def test_mutated_library_files(folder, text, edits):
    for position, removed, inserted in edits:
        position %= len(text) + 1
        text = text[:position] + inserted + text[position + removed:]
    load_text(folder, text)


@SETTINGS
@given(st.text(max_size=200))
@example("hospital: {wards: ._}\n")  # YAML 1.1 reads `._` as a float that is not one
def test_arbitrary_text(folder, text):
    load_text(folder, text)


@SETTINGS
@given(st.sampled_from(PARAMETERS), st.text(max_size=10))
@example("hospital.wards", "._")
def test_overrides(key, value):
    try:
        parsed_key, parsed = parse_override(f"{key}={value}")
    except UsageError:
        return
    assert parsed_key == key and isinstance(parsed, int | float)
