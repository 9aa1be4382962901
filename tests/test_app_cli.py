"""`run.py app` and `run.py animate`: arguments, the server command, the exported GIF."""

from pathlib import Path

import pytest
from PIL import Image

from sim.app.animate import animate_scenario, frame_days, new_animation_path
from sim.app.assets import missing_packages, required_packages
from sim.cli import main
from sim.cli.app import PAGE, server_command, server_environment
from sim.scenario import load_scenario

TINY = ["hospital.wards=1", "hospital.nurses_per_ward=6", "run.burn_in=2", "run.days=6"]


def test_animate_writes_a_new_gif_each_time_and_leaves_nothing_partial(tmp_path):
    scenario = load_scenario(None, TINY)
    first = animate_scenario(scenario, 1, tmp_path, every=3)
    second = animate_scenario(scenario, 1, tmp_path, every=3)
    assert first != second and first.exists() and second.exists()
    assert first.suffix == ".gif" and first.parent == tmp_path
    with Image.open(first) as gif:
        assert gif.n_frames == len(frame_days(8, 3)) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])


def test_animate_command_from_a_scenario_file(tmp_path, capsys):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text("name: tiny ward\nhospital:\n  wards: 1\nrun:\n  days: 4\n"
                        "  burn_in: 1\n", encoding="utf-8")
    code = main(["animate", str(scenario), "--every", "2", "--colour-by", "burnout",
                 "--out", str(tmp_path / "out")])
    assert code == 0
    made = list((tmp_path / "out").glob("*.gif"))
    assert len(made) == 1 and "tiny-ward" in made[0].name
    assert str(made[0]) in capsys.readouterr().out


@pytest.mark.parametrize("arguments", [
    ["app", "--port", "70000"],
    ["app", "--port", "eighty"],
    ["animate", "--colour-by", "mood"],
    ["animate", "--every", "0"],
    ["animate", "no_such_scenario.yaml"],
])
def test_bad_arguments_are_one_clear_error(arguments, capsys, tmp_path):
    assert main([*arguments, *(["--out", str(tmp_path)] if arguments[0] == "animate" else [])]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_new_animation_paths_never_reuse_a_name(tmp_path):
    first = new_animation_path(tmp_path, "just culture")
    first.write_bytes(b"")
    assert new_animation_path(tmp_path, "just culture") != first
    assert "/" not in new_animation_path(tmp_path, "../../etc").name.replace("..", "")


def test_server_runs_the_page_in_production_mode_on_the_given_address():
    command = server_command("127.0.0.1", 8123)
    assert command[1:4] == ["-m", "solara", "run"] and str(PAGE) in command
    assert "--production" in command
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8123"
    environment = server_environment()
    assert environment["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert str(Path(PAGE).parents[2]) in environment["PYTHONPATH"]


def test_page_assets_are_read_from_the_installed_solara(tmp_path):
    wanted = required_packages()
    assert any("solara-vuetify" in spec for spec in wanted)
    assert any(spec.startswith("requirejs@") for spec in wanted)
    assert missing_packages(tmp_path) == wanted
    for spec in wanted:
        (tmp_path / spec).mkdir(parents=True)
        (tmp_path / spec / "package.json").write_text("{}")
    assert missing_packages(tmp_path) == []
