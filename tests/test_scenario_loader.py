"""Scenario files: each kind of bad input gets one clear message and exit code 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sim.cli import main
from sim.config import ModelConfig
from sim.errors import UsageError
from sim.scenario import (
    MAX_AGENT_DAYS,
    Scenario,
    list_scenarios,
    load_scenario,
    parse_override,
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def validate(capsys: pytest.CaptureFixture[str], *files: Path | str) -> tuple[int, str, str]:
    code = main(["validate", *map(str, files)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
             name: str = "x.yaml") -> str:
    """The one error line for a bad file, after checking exit code 2 and the file name."""
    path = write(tmp_path, name, text)
    code, out, err = validate(capsys, path)
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: {path}: ")
    assert err.count("\n") == 1
    return err.strip()


GOOD = """\
    name: good
    description: A small test hospital.
    evidence: [a source]
    hospital:
      wards: 2
    management:
      punitiveness: 0.2
    run:
      days: 100
      burn_in: 10
    interventions:
      - name: Just culture
        start: 20
        end: 60
        ramp: 10
        set:
          management.punitiveness: 0.1
"""


def test_valid_file_prints_ok_and_exits_zero(tmp_path, capsys):
    path = write(tmp_path, "good.yaml", GOOD)
    code, out, err = validate(capsys, path)
    assert (code, out, err) == (0, f"ok: {path} (good)\n", "")


def test_one_bad_file_among_good_ones_exits_two(tmp_path, capsys):
    good = write(tmp_path, "good.yaml", GOOD)
    bad = write(tmp_path, "bad.yaml", "hospital:\n  wards: 0\n")
    code, out, err = validate(capsys, good, bad)
    assert code == 2
    assert out == f"ok: {good} (good)\n"
    assert err.startswith(f"error: {bad}: hospital.wards: out of range")


def test_yaml_syntax_error_names_line_and_column(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "name: a\nmanagement:\n  punitiveness: [0.2\nrun: {}\n")
    assert "YAML syntax error" in err
    assert "line 4, column" in err


def test_tab_indentation_is_a_syntax_error(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "management:\n\tpunitiveness: 0.2\n")
    assert "line 2, column 1: YAML syntax error" in err


def test_unknown_parameter_gets_did_you_mean(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "management:\n  punitivenes: 0.2\n")
    assert err.endswith("management.punitivenes: unknown key; did you mean 'punitiveness'?")


def test_unknown_group_gets_did_you_mean(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "managment:\n  punitiveness: 0.2\n")
    assert err.endswith("managment: unknown key; did you mean 'management'?")


def test_parameter_in_the_wrong_group_names_its_group(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "management:\n  admin_share: 0.2\n")
    assert "did you mean 'regulation.admin_share'?" in err


def test_dotted_key_at_top_level_explains_nesting(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "management.punitiveness: 0.2\n")
    assert "write it nested: 'management:'" in err


@pytest.mark.parametrize(("text", "expected"), [
    ("management:\n  punitiveness: high\n",
     "management.punitiveness: expected a number, got text 'high'"),
    ("management:\n  punitiveness: true\n",
     "management.punitiveness: expected a number, got true"),
    ("hospital:\n  wards: 2.5\n", "hospital.wards: expected a whole number, got 2.5"),
    ("hospital:\n  wards: 2.0\n", "hospital.wards: expected a whole number, got 2.0"),
    ("hospital:\n  wards: '3'\n", "hospital.wards: expected a whole number, got text '3'"),
    ("management: 0.5\n", "management: expected a mapping of 'management' parameters"),
    ("management:\n  punitiveness: .nan\n", "expected a finite number, got nan"),
    ("name: [a]\n", "name: expected text, got a list"),
    ("evidence: 3\n", "evidence: expected a list of sources, got 3"),
    ("interventions: {a: 1}\n", "interventions: expected a list of interventions"),
])
def test_wrong_types(tmp_path, capsys, text, expected):
    assert expected in rejected(tmp_path, capsys, text)


@pytest.mark.parametrize(("text", "expected"), [
    ("management:\n  punitiveness: 1.5\n",
     "management.punitiveness: out of range: expected 0 to 1 (0-1), got 1.5"),
    ("transparency:\n  open_disclosure: -0.1\n",
     "transparency.open_disclosure: out of range: expected 0 to 1"),
    ("hospital:\n  doctors_per_ward: -1\n", "hospital.doctors_per_ward: out of range"),
    ("hospital:\n  wards: 0\n", "hospital.wards: out of range: expected 1 to 200 (wards), got 0"),
])
def test_values_out_of_range(tmp_path, capsys, text, expected):
    assert expected in rejected(tmp_path, capsys, text)


def test_ints_are_accepted_for_float_parameters_and_stored_as_floats(tmp_path):
    scenario = load_scenario(write(tmp_path, "x.yaml", "management:\n  punitiveness: 1\n"))
    assert scenario.config.management.punitiveness == 1.0
    assert isinstance(scenario.config.management.punitiveness, float)


INTERVENTION = """\
    run:
      days: 100
    interventions:
      - name: Change
        {timing}
        set:
          management.punitiveness: 0.1
"""


@pytest.mark.parametrize(("timing", "expected"), [
    ("start: 60\n        end: 40",
     "interventions[0].end: ends before it starts: end (day 40) must be after start (day 60)"),
    ("start: 60\n        end: 60", "ends before it starts"),
    ("start: 120", "interventions[0].start: starts after the run ends: day 120, but the run "
                   "has 100 days (run.days)"),
    ("start: 0", "interventions[0].start: out of range: expected 1 to 3650"),
    ("start: 10\n        end: 20\n        ramp: 30",
     "interventions[0].ramp: a ramp of 30 days is longer than the intervention"),
    ("end: 20", "interventions[0]: missing 'start'"),
])
def test_intervention_timing(tmp_path, capsys, timing, expected):
    assert expected in rejected(tmp_path, capsys, INTERVENTION.format(timing=timing))


def test_unknown_parameter_in_set_gets_did_you_mean(tmp_path, capsys):
    err = rejected(tmp_path, capsys, """\
        interventions:
          - name: Change
            start: 5
            set:
              management.punitivenes: 0.1
    """)
    assert err.endswith("interventions[0].set.management.punitivenes: unknown parameter; "
                        "did you mean 'management.punitiveness'?")


def test_structural_parameter_in_set_is_refused(tmp_path, capsys):
    err = rejected(tmp_path, capsys, """\
        interventions:
          - name: Change
            start: 5
            set: {hospital.wards: 3}
    """)
    assert "interventions[0].set.hospital.wards: cannot change during a run" in err


def test_value_in_set_is_range_checked(tmp_path, capsys):
    err = rejected(tmp_path, capsys, """\
        interventions:
          - name: Change
            start: 5
            set: {management.punitiveness: 2}
    """)
    assert "interventions[0].set.management.punitiveness: out of range" in err


def test_unknown_intervention_key_gets_did_you_mean(tmp_path, capsys):
    err = rejected(tmp_path, capsys, """\
        interventions:
          - name: Change
            strat: 5
            set: {management.punitiveness: 0.2}
    """)
    assert err.endswith("interventions[0].strat: unknown key; did you mean 'start'?")


def test_duplicate_intervention_names_are_refused(tmp_path, capsys):
    err = rejected(tmp_path, capsys, """\
        interventions:
          - {name: A, start: 5, set: {management.punitiveness: 0.2}}
          - {name: A, start: 9, set: {management.punitiveness: 0.3}}
    """)
    assert "interventions[1].name: duplicate intervention name 'A'" in err


@pytest.mark.parametrize(("item", "expected"), [
    ("{name: S, start: 5, shock: {magnitude: 2}}",
     "interventions[0].shock.magnitude: out of range"),
    ("{name: S, start: 5, shock: {description: x}}", "interventions[0].shock: missing 'magnitude'"),
    ("{name: S, start: 5, end: 9, shock: {magnitude: 0.2}}",
     "interventions[0].end: does not apply to an event intervention"),
    ("{name: T, when: {metric: adverse_event, above: 1}, set: {regulation.audits_per_year: 9}}",
     "interventions[0].when.metric: unknown metric text 'adverse_event'; did you mean "
     "'adverse_events'?"),
    ("{name: T, when: {metric: adverse_events}, set: {regulation.audits_per_year: 9}}",
     "interventions[0].when: expected exactly one of 'above' or 'below'"),
    ("{name: T, when: {metric: reporting_rate, per: admissions, above: 1}, "
     "set: {regulation.audits_per_year: 9}}", "interventions[0].when.metric: reporting_rate is "
     "a ratio"),
    ("{name: T, when: {metric: incidents, above: 1}}", "interventions[0]: missing 'set'"),
    ("{name: C, kind: chnage, start: 5, set: {management.punitiveness: 0.2}}",
     "did you mean 'change'?"),
    ("{start: 5, set: {management.punitiveness: 0.2}}", "interventions[0]: missing 'name'"),
])
def test_events_and_triggers_are_checked(tmp_path, capsys, item, expected):
    assert expected in rejected(tmp_path, capsys, f"interventions:\n  - {item}\n")


def test_missing_extends(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "extends: nowhere.yaml\n")
    assert "extends: file not found:" in err
    assert "nowhere.yaml" in err


def test_cyclic_extends_is_reported(tmp_path, capsys):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: c.yaml\n")
    write(tmp_path, "c.yaml", "extends: a.yaml\n")
    code, _, err = validate(capsys, tmp_path / "a.yaml")
    assert code == 2
    assert "extends: cyclic extends:" in err
    assert "a.yaml -> " in err and "b.yaml -> " in err and "c.yaml -> " in err


def test_self_extension_is_a_cycle(tmp_path, capsys):
    assert "cyclic extends" in rejected(tmp_path, capsys, "extends: x.yaml\n")


def test_error_in_an_extended_file_names_that_file(tmp_path, capsys):
    write(tmp_path, "parent.yaml", "management:\n  punitivenes: 0.2\n")
    code, _, err = validate(capsys, write(tmp_path, "child.yaml", "extends: parent.yaml\n"))
    assert code == 2
    assert "parent.yaml: management.punitivenes: unknown key" in err
    assert "child.yaml" not in err


@pytest.mark.parametrize(("text", "expected"), [
    ("", "empty document; expected a mapping of scenario settings"),
    ("# only a comment\n", "empty document"),
    ("- a\n- b\n", "expected a mapping of scenario settings at the top level, got a list"),
    ("just words\n", "expected a mapping of scenario settings at the top level, got text"),
    ("name: a\n---\nname: b\n",
     "line 2, column 1: YAML syntax error: a scenario file holds one document"),
])
def test_empty_or_non_mapping_document(tmp_path, capsys, text, expected):
    assert expected in rejected(tmp_path, capsys, text)


def test_empty_mapping_is_the_default_hospital(tmp_path):
    scenario = load_scenario(write(tmp_path, "empty.yaml", "{}\n"))
    assert scenario.config == ModelConfig()
    assert scenario.name == "empty"
    assert scenario.interventions == []


def test_duplicate_keys_are_refused_with_line(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "management:\n  punitiveness: 0.2\n  punitiveness: 0.3\n")
    assert "line 3, column 3: duplicate key 'punitiveness'" in err


def test_duplicate_groups_are_refused(tmp_path, capsys):
    err = rejected(tmp_path, capsys, "run: {days: 10}\nhospital: {wards: 2}\nrun: {days: 20}\n")
    assert "line 3, column 1: duplicate key 'run'" in err


def test_absurdly_large_run_is_refused_with_the_limit(tmp_path, capsys):
    err = rejected(tmp_path, capsys, """\
        hospital: {wards: 200, nurses_per_ward: 300, doctors_per_ward: 100}
        run: {days: 3650, burn_in: 365}
    """)
    assert "run too large" in err
    assert f"{MAX_AGENT_DAYS:,}" in err


def test_python_objects_are_never_constructed(tmp_path, capsys):
    marker = tmp_path / "touched"
    err = rejected(tmp_path, capsys,
                   f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    assert "YAML syntax error" in err
    assert not marker.exists()


def test_missing_file_and_folder(tmp_path, capsys):
    code, _, err = validate(capsys, tmp_path / "absent.yaml")
    assert code == 2 and err.strip() == f"error: {tmp_path / 'absent.yaml'}: file not found"
    code, _, err = validate(capsys, tmp_path)
    assert code == 2 and "not a file" in err


def test_binary_file_is_refused(tmp_path, capsys):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xff\xfe\x00name")
    code, _, err = validate(capsys, path)
    assert code == 2 and "not a text file" in err


def test_extends_deep_merges_and_chains(tmp_path):
    write(tmp_path, "grand.yaml", """\
        name: grand
        description: The grandparent.
        hospital: {wards: 3, beds_per_ward: 20}
        interventions:
          - name: Walkrounds
            start: 10
            ramp: 5
            set: {management.walkrounds_per_month: 4, management.walkround_follow_through: 0.9}
    """)
    (tmp_path / "sub").mkdir()
    write(tmp_path, "sub/parent.yaml", "extends: ../grand.yaml\nhospital: {wards: 4}\n")
    # The chain may wander inside the first scenario's folder tree (child -> sub/ -> back up).
    child = write(tmp_path, "child.yaml", """\
        extends: sub/parent.yaml
        management: {punitiveness: 0.2}
        interventions:
          - name: Walkrounds
            set: {management.walkround_follow_through: 0.1}
          - name: Inquiry
            start: 30
            shock: {magnitude: 0.3}
    """)
    scenario = load_scenario(child)
    assert scenario.name == "child"  # names are not inherited
    assert scenario.description == "The grandparent."
    assert scenario.config.hospital.wards == 4
    assert scenario.config.hospital.beds_per_ward == 20
    assert scenario.config.management.punitiveness == 0.2
    walkrounds, inquiry = scenario.interventions
    assert (walkrounds.start, walkrounds.ramp) == (10, 5)
    assert walkrounds.changes == {"management.walkrounds_per_month": 4.0,
                                  "management.walkround_follow_through": 0.1}
    assert (inquiry.kind, inquiry.shock.magnitude) == ("event", 0.3)


def test_empty_group_in_child_keeps_parent_values(tmp_path):
    write(tmp_path, "parent.yaml", "hospital: {wards: 3}\n")
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\nhospital:\n")
    assert load_scenario(child).config.hospital.wards == 3


def test_overrides_are_typed_and_applied_last(tmp_path):
    path = write(tmp_path, "good.yaml", GOOD)
    scenario = load_scenario(path, ["management.punitiveness=0.3", "hospital.wards=3",
                                    "run.days=200"])
    assert scenario.config.management.punitiveness == 0.3
    assert scenario.config.hospital.wards == 3
    assert scenario.config.run.days == 200
    assert load_scenario(path, {"hospital.wards": 5}).config.hospital.wards == 5


@pytest.mark.parametrize(("text", "expected"), [
    ("management.punitiveness=0.2", ("management.punitiveness", 0.2)),
    ("management.punitiveness = 1", ("management.punitiveness", 1.0)),
    ("hazards.self_resolution_days=1e3", ("hazards.self_resolution_days", 1000.0)),
    ("hospital.wards=3", ("hospital.wards", 3)),
])
def test_parse_override(text, expected):
    key, value = parse_override(text)
    assert (key, value) == expected
    assert type(value) is type(expected[1])


@pytest.mark.parametrize(("text", "expected"), [
    ("management.punitivenes=0.2", "--set management.punitivenes=0.2: "
     "management.punitivenes: unknown parameter; did you mean 'management.punitiveness'?"),
    ("punitiveness=0.2", "did you mean 'management.punitiveness'?"),
    ("management.punitiveness", "expected KEY=VALUE"),
    ("management.punitiveness=2", "management.punitiveness: out of range"),
    ("management.punitiveness=yes", "expected a number, got text 'yes' (some YAML readers"),
    ("management.punitiveness=", "expected a number, got nothing"),
    ("hospital.wards=2.5", "hospital.wards: expected a whole number, got 2.5"),
    ("run.days=nan", "expected a whole number"),
    ("management.punitiveness=nan", "expected a finite number"),
])
def test_bad_overrides(text, expected):
    with pytest.raises(UsageError) as error:
        parse_override(text)
    assert expected in str(error.value)


def test_validate_command_takes_overrides(tmp_path, capsys):
    path = write(tmp_path, "good.yaml", GOOD)
    code, _, err = validate(capsys, path, "--set", "run.days=10")
    assert code == 2
    assert "interventions[0].start: starts after the run ends: day 20" in err
    code, _, err = validate(capsys, path, "--set", "management.punitivenes=0.1")
    assert code == 2 and "did you mean 'management.punitiveness'?" in err


def test_validate_command_prints_resolved_yaml(tmp_path, capsys):
    path = write(tmp_path, "good.yaml", GOOD)
    code, out, _ = validate(capsys, path, "--resolved")
    assert code == 0
    resolved = write(tmp_path, "resolved.yaml", out)
    assert load_scenario(resolved).to_dict() == load_scenario(path).to_dict()


def test_validate_without_files_checks_the_bundled_library(capsys):
    code, out, _ = validate(capsys)
    assert code == 0
    assert out.count("ok: ") == len(list_scenarios())


def test_bundled_scenario_by_name():
    assert load_scenario("just_culture").source == load_scenario("just_culture.yaml").source
    with pytest.raises(UsageError, match="file not found"):
        load_scenario("no_such_scenario")


def test_default_scenario_is_the_default_hospital():
    assert Scenario.default().config == ModelConfig()
    assert load_scenario(None).config == ModelConfig()
    assert load_scenario(None, ["hospital.wards=2"]).config.hospital.wards == 2


def test_scenario_name_can_never_escape_the_output_folder(tmp_path):
    scenario = load_scenario(write(tmp_path, "x.yaml", "name: ../../etc/passwd\n"))
    assert "/" not in scenario.slug and ".." not in scenario.slug
    assert (tmp_path / scenario.slug).resolve().parent == tmp_path.resolve()


def test_shared_command_line_arguments(tmp_path):
    from sim.cli import Parser
    from sim.scenario import add_scenario_arguments, scenario_from_arguments

    path = write(tmp_path, "good.yaml", GOOD)
    parser = Parser(prog="demo")
    add_scenario_arguments(parser)
    arguments = parser.parse_args(["--scenario", str(path), "--set", "run.days=50",
                                   "--set", "hospital.wards=3"])
    chosen = scenario_from_arguments(arguments)
    assert (chosen.name, chosen.config.run.days, chosen.config.hospital.wards) == ("good", 50, 3)
    assert scenario_from_arguments(parser.parse_args([])).config == ModelConfig()

    several = Parser(prog="demo")
    add_scenario_arguments(several, positional=True, multiple=True)
    names = [s.name for s in scenario_from_arguments(several.parse_args(
        [str(path), "baseline", "--set", "run.days=120"]))]
    assert names == ["good", "baseline"]
    with pytest.raises(UsageError, match=r"did you mean 'management\.punitiveness'"):
        scenario_from_arguments(parser.parse_args(["--set", "management.punitivenes=1"]))
