"""An animation of a scenario for slides, as a GIF and, where ffmpeg is installed, an MP4 video:
the hospital view above, the key charts below.

For teachers who cannot run the page live. The frames show what the page shows (same layout of
the hospital, same smoothed series, same intervention markers), drawn once each with matplotlib
and handed to every file being written (sim.app.video). Each file is written under a temporary
name beside its final one and linked into place when complete, so a finished-looking file is
always whole, and an existing file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.app.charts import KEY_CHARTS, draw_chart, hospital_trace
from sim.app.hospital_view import DEFAULT_COLOUR_STATE, draw_picture, hospital_picture
from sim.app.video import GIF, MP4, FrameSink, GifSink, Mp4Sink
from sim.core.model import HospitalModel
from sim.errors import UsageError
from sim.naming import safe_name
from sim.scenario import Scenario
from sim.scenario.runtime import build_model

DPI = 80
FIGURE_SIZE = (16.0, 9.0)  # inches: 1280 x 720 pixels at DPI (a slide; even, as H.264 needs)
# At 80 dpi a point is 80/72 px: 15 points draw text of about 16.7 px on a 1280x720 slide.
SLIDE_TEXT = 15.0


def new_animation_path(parent: Path, label: str, suffixes: Sequence[str] = (".gif",)) -> Path:
    """A fresh file name under `parent`, `<timestamp>-<label>` with the first suffix, such that
    no file of that name exists with any of the suffixes."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base, number = f"{stamp}-{safe_name(label)}", 1
    name = base
    while any((parent / f"{name}{suffix}").exists() for suffix in suffixes):
        number += 1
        name = f"{base}-{number}"
    return parent / f"{name}{suffixes[0]}"


def publish(partial: Path, destination: Path) -> Path:
    """Give the finished file its name; a hard link, unlike a rename, never replaces a file."""
    while True:
        try:
            os.link(partial, destination)
            return destination
        except FileExistsError:  # another export took the name meanwhile
            destination = new_animation_path(destination.parent, destination.stem,
                                             (destination.suffix,))


def frame_days(total: int, every: int) -> list[int]:
    """Model days at which a frame is taken: the start, every `every` days, and the last day."""
    days = list(range(0, total + 1, every))
    if days[-1] != total:
        days.append(total)
    return days


def layout(figure: Figure) -> tuple[object, list[object], object]:
    grid = figure.add_gridspec(2, 4, height_ratios=[2.1, 1], hspace=0.5, wspace=0.3,
                               left=0.04, right=0.99, top=0.99, bottom=0.14)
    hospital = figure.add_subplot(grid[0, :])
    charts = [figure.add_subplot(grid[1, i]) for i in range(len(KEY_CHARTS))]
    key = figure.add_axes((0.01, 0.0, 0.98, 0.08))
    return hospital, charts, key


def in_force(scenario: Scenario, model: HospitalModel) -> list[str]:
    """The scenario's interventions in force today (triggers once they have fired)."""
    day = model.scenario_day
    fired = {name for _, name in getattr(model, "fired_triggers", [])}
    names = []
    for item in scenario.interventions:
        started = item.start <= day if item.kind != "trigger" else item.name in fired
        ended = item.end is not None and day >= item.end
        if started and not ended and item.kind != "event":
            names.append(f"{item.name} (from day {item.start})")
    return names


def draw_frame(figure_parts: tuple[object, list[object], object], model: HospitalModel,
               scenario: Scenario, colour_by: str) -> None:
    hospital_axes, chart_axes, key_axes = figure_parts
    day = model.scenario_day
    when = f"warm-up day {day + model.config.run.burn_in}" if day <= 0 else f"day {day}"
    draw_picture(hospital_axes, hospital_picture(model, colour_by,
                                                 f"{scenario.name}: {when}"), SLIDE_TEXT)
    trace = hospital_trace(model, scenario.name)
    markers = scenario.markers(model)
    for axes, chart in zip(chart_axes, KEY_CHARTS, strict=True):
        draw_chart(axes, chart, [trace], markers, SLIDE_TEXT)
    key_axes.clear()
    key_axes.axis("off")
    forced = in_force(scenario, model)
    caption = ("In force: " + "; ".join(forced)) if forced else "In force: the scenario as written"
    key_axes.text(0.0, 1.0, f"{caption}\nSeed {model.seed} · grey: warm-up · dotted lines: "
                  "interventions · each point: the 30 days up to that day", va="top",
                  fontsize=SLIDE_TEXT, color="#263238", transform=key_axes.transAxes)


def frame_sink(kind: str, path: Path, fps: int, size: tuple[int, int]) -> FrameSink:
    return GifSink(path, fps) if kind == GIF else Mp4Sink(path, fps, *size)


def animate_scenario(scenario: Scenario, seed: int, parent: Path, *, every: int = 5,
                     fps: int = 10, colour_by: str = DEFAULT_COLOUR_STATE,
                     formats: Sequence[str] = (GIF,),
                     progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Run `scenario` and write it, in each of `formats` (gif, mp4), to new files under
    `parent` that share one name; return their paths."""
    if every < 1:
        raise UsageError("--every must be at least 1 day")
    if not 1 <= fps <= 50:
        raise UsageError("--fps must be between 1 and 50")
    if not formats or set(formats) - {GIF, MP4}:
        raise UsageError(f"formats: expected {GIF} and/or {MP4}, got {list(formats)}")
    model = build_model(scenario, seed)
    total = model.config.run.burn_in + model.config.run.days
    parent.mkdir(parents=True, exist_ok=True)
    first = new_animation_path(parent, scenario.name, [f".{kind}" for kind in formats])
    targets = {kind: first.with_suffix(f".{kind}") for kind in formats}
    partials = {kind: path.with_name(f".incomplete-{path.name}")
                for kind, path in targets.items()}
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    parts = layout(figure)
    sinks: list[FrameSink] = []
    days = frame_days(total, every)
    try:
        for kind in formats:
            sinks.append(frame_sink(kind, partials[kind], fps, canvas.get_width_height()))
        for number, day in enumerate(days):
            if day > model.day:
                model.run_for(day - model.day)
            draw_frame(parts, model, scenario, colour_by)
            canvas.draw()
            frame = np.asarray(canvas.buffer_rgba())
            for sink in sinks:
                sink.add(frame)
            if progress is not None:
                progress(number + 1, len(days))
        for sink in sinks:
            sink.finish()
        return [publish(partials[kind], targets[kind]) for kind in formats]
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    finally:
        for partial in partials.values():
            partial.unlink(missing_ok=True)
