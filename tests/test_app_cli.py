"""`run.py app` and `run.py animate`: arguments, the server command, the exported GIF and MP4."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from sim.app.animate import animate_scenario, frame_days, new_animation_path
from sim.app.assets import missing_packages, required_packages
from sim.cli import main
from sim.cli.app import PAGE, server_command, server_environment
from sim.scenario import load_scenario

TINY = ["hospital.wards=1", "hospital.nurses_per_ward=6", "run.burn_in=2", "run.days=6"]
TINY_SETTINGS = [argument for change in TINY for argument in ("--set", change)]


def test_animate_writes_a_new_gif_each_time_and_leaves_nothing_partial(tmp_path):
    scenario = load_scenario(None, TINY)
    [first] = animate_scenario(scenario, 1, tmp_path, every=3)
    [second] = animate_scenario(scenario, 1, tmp_path, every=3)
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
                 "--format", "gif", "--out", str(tmp_path / "out")])
    assert code == 0
    made = list((tmp_path / "out").glob("*.gif"))
    assert len(made) == 1 and "tiny-ward" in made[0].name
    assert str(made[0]) in capsys.readouterr().out


FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed here, so no "
                                  "MP4 can be written (apt-get install ffmpeg)")


def video_frames(path: Path) -> int:
    """Frames ffprobe decodes from the video (ffprobe comes with ffmpeg)."""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
         "stream=nb_read_frames,codec_name", "-of", "json", str(path)],
        capture_output=True, text=True, check=True)
    stream = json.loads(probe.stdout)["streams"][0]
    assert stream["codec_name"] == "h264"
    return int(stream["nb_read_frames"])


@needs_ffmpeg
def test_animate_writes_gif_and_mp4_by_default_where_ffmpeg_is_installed(tmp_path, capsys):
    code = main(["animate", "--every", "3", "--out", str(tmp_path), *TINY_SETTINGS])
    assert code == 0
    gif, mp4 = sorted(tmp_path.glob("*.gif")), sorted(tmp_path.glob("*.mp4"))
    assert len(gif) == len(mp4) == 1 and gif[0].stem == mp4[0].stem
    assert mp4[0].stat().st_size > 1000
    assert video_frames(mp4[0]) == len(frame_days(8, 3)) == 4
    assert str(mp4[0]) in capsys.readouterr().out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".incomplete-")]


def test_without_ffmpeg_only_the_gif_is_written_with_a_note(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    code = main(["animate", "--every", "4", "--out", str(tmp_path), *TINY_SETTINGS])
    assert code == 0
    assert [p.suffix for p in tmp_path.iterdir()] == [".gif"]
    assert "ffmpeg is not installed" in capsys.readouterr().out
    assert main(["animate", "--format", "mp4", "--out", str(tmp_path)]) == 2
    assert "needs ffmpeg" in capsys.readouterr().err


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
    assert environment["SOLARA_THEME_SHOW_BANNER"] == "false"
    assert environment["SOLARA_THEME_VARIANT"] == "light"
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
