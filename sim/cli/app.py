"""`python run.py app` serves the interactive page; `python run.py animate` exports a GIF and,
where ffmpeg is installed, an MP4 video.

The page is served by Solara in production mode (no auto-reload, no development tools) on
127.0.0.1 unless `--host` says otherwise, e.g. `--host 0.0.0.0` to share it with a classroom
network. Solara's usage statistics are switched off: a classroom page reports to no one. Its
banner is hidden and its theme fixed to light.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

from sim.app.animate import animate_scenario
from sim.app.assets import ensure_page_assets
from sim.app.hospital_view import COLOUR_STATES
from sim.app.scenario_menu import START_VARIABLE
from sim.app.video import FORMAT_CHOICES, MP4, chosen_formats, ffmpeg_path
from sim.cli.checks import note_stale_folders, seed_number, whole_number
from sim.cli.options import OUTPUTS
from sim.cli.results_folder import make_output_folder, reason
from sim.cli.stopping import exit_code
from sim.core.model import prepare_compiled_loops
from sim.errors import UsageError
from sim.experiment.worker_lifetime import die_with_parent
from sim.scenario import add_scenario_arguments, load_scenario, scenario_from_arguments

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "sim" / "app" / "page.py"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise UsageError(f"--port: expected a whole number from 1 to 65535, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise UsageError(f"--port: expected a whole number from 1 to 65535, got {port}")
    return port


def positive_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise UsageError(f"--every: expected a whole number of days, got {text!r}") from None
    if days < 1:
        raise UsageError(f"--every: expected at least 1 day, got {days}")
    return days


def register(subparsers: argparse._SubParsersAction) -> None:
    app = subparsers.add_parser(
        "app", help="serve the interactive page for educators (open it in a browser)")
    app.add_argument("--host", default=DEFAULT_HOST,
                     help=f"address to listen on (default {DEFAULT_HOST}, this computer only; "
                          "0.0.0.0 shares the page with the local network)")
    app.add_argument("--port", type=port_number, default=DEFAULT_PORT,
                     help=f"port to listen on (default {DEFAULT_PORT})")
    app.add_argument("--scenario", type=Path, metavar="FILE",
                     help="scenario file the page starts with, e.g. a fitted hospital "
                          "(scenarios/hospitals/<name>.yaml); default: the baseline")
    app.set_defaults(func=serve)

    animate = subparsers.add_parser(
        "animate", help="write an animated GIF and an MP4 video of a scenario (hospital view "
                        "and key charts)")
    add_scenario_arguments(animate, positional=True)
    animate.add_argument("--seed", type=seed_number(), default=1)
    animate.add_argument("--every", type=positive_days, default=5,
                         help="days between frames (default 5)")
    animate.add_argument("--fps", type=whole_number("--fps", 1, 50), default=10,
                         help="frames per second, 1 to 50 (default 10)")
    animate.add_argument("--colour-by", default="psychological_safety", metavar="STATE",
                         help="clinician state the markers show: psychological_safety "
                              "(default), workaround_habit or burnout")
    animate.add_argument("--format", choices=FORMAT_CHOICES, default=None,
                         help="gif, mp4 (needs ffmpeg) or both (default: both where ffmpeg "
                              "is installed, otherwise gif)")
    animate.add_argument("--out", type=Path, default=OUTPUTS,
                         help="folder for the files (default outputs/)")
    animate.set_defaults(func=export_animation)


def server_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "solara", "run", str(PAGE), "--production",
            "--host", host, "--port", str(port), "--no-open"]


def server_environment(start: Path | None = None) -> dict[str, str]:
    environment = dict(os.environ)
    if start is not None:
        environment[START_VARIABLE] = str(start.resolve())
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), environment.get("PYTHONPATH", "")]))
    environment["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    # Solara's "This website runs on Solara" banner sits over the charts' corner on a projector;
    # the light theme is fixed (the views are drawn for a light page; no dark mode to switch).
    environment["SOLARA_THEME_SHOW_BANNER"] = "false"
    environment["SOLARA_THEME_VARIANT"] = "light"
    return environment


def check_port_free(host: str, port: int) -> None:
    """Refuse a port already in use, or an address this computer does not have, before saying
    that the page is served (the server would only fail after starting)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            if hasattr(socket, "SO_REUSEADDR"):  # as servers do: ignore closed connections
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except socket.gaierror:
        raise UsageError(f"--host {host}: unknown host name or address") from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"--port {port}: already in use on {host} (another page or "
                             "program); choose another with --port") from None
        raise UsageError(f"--host {host} --port {port}: cannot listen there "
                         f"({error.strerror or error})") from None


def serve(arguments: argparse.Namespace) -> int:
    host, port = arguments.host, arguments.port
    start = getattr(arguments, "scenario", None)
    if start is not None:

        load_scenario(start)  # a bad file is refused here, with its problem, not on the page
    check_port_free(host, port)
    ensure_page_assets()
    print("Preparing the model (its first start after installing compiles it: about 10 s)...",
          flush=True)
    prepare_compiled_loops()
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving the page at http://{shown}:{port}/ (Ctrl+C to stop)", flush=True)
    if host not in LOOPBACK:
        print("Anyone on this network who can reach this computer can open the page.",
              flush=True)
    # Stopping this command (Ctrl+C, or a terminate or hang-up signal, which `run.py` turns
    # into the same interrupt) stops the server with it; a command killed outright takes the
    # server with it too (the kernel's parent-death signal).
    server = subprocess.Popen(server_command(host, port), env=server_environment(start),
                              cwd=ROOT,
                              preexec_fn=server_dies_with_parent)
    try:
        code = server.wait()
    except KeyboardInterrupt as stop:
        print("Stopped the page.")
        return 0 if getattr(stop, "signal_number", signal.SIGINT) == signal.SIGINT \
            else exit_code(stop)
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    if code != 0:
        print(f"error: the page server stopped with exit code {code} (its messages are "
              "above)", file=sys.stderr)
        return 1
    return 0


def server_dies_with_parent() -> None:
    """In the server's process, before it starts: end when this command ends."""

    die_with_parent(signal.SIGTERM)


def export_animation(arguments: argparse.Namespace) -> int:
    if arguments.colour_by not in COLOUR_STATES:
        raise UsageError(f"--colour-by: expected one of {', '.join(COLOUR_STATES)}, got "
                         f"{arguments.colour_by!r}")
    formats = chosen_formats(arguments.format)
    if MP4 in formats and ffmpeg_path() is None:
        raise UsageError(f"--format {arguments.format}: the MP4 video needs ffmpeg, which is not "
                         "installed (e.g. apt-get install ffmpeg); --format gif needs nothing")
    if arguments.format is None and MP4 not in formats:
        print("Note: ffmpeg is not installed, so only the GIF is written (no MP4 video).")
    scenario = scenario_from_arguments(arguments)
    make_output_folder(arguments.out)
    note_stale_folders(arguments.out)
    # Names are drawn as written: a `$` in a scenario's name is not a formula.
    matplotlib.rcParams["text.parse_math"] = False

    def progress(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            print(f"  frame {done} of {total}", flush=True)

    print(f"Animating {scenario.name} (seed {arguments.seed}, a frame every "
          f"{arguments.every} days)...", flush=True)
    try:
        with warnings.catch_warnings():
            # A name in a script the font lacks is drawn as boxes; one warning per glyph and
            # frame would bury the progress lines.
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            paths = animate_scenario(scenario, arguments.seed, arguments.out,
                                     every=arguments.every, fps=arguments.fps,
                                     colour_by=arguments.colour_by, formats=formats,
                                     progress=progress)
    except OSError as error:
        print(f"error: cannot write the animation in {arguments.out} ({reason(error)})",
              file=sys.stderr)
        return 1
    for path in paths:
        print(f"Animation: {path}")
    return 0
