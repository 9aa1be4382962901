"""An animated GIF of a scenario for slides: the hospital view above, the key charts below.

For teachers who cannot run the page live. The frames show what the page shows (same layout of
the hospital, same smoothed series, same intervention markers), drawn with matplotlib and
written with its PillowWriter. The file is written under a temporary name beside its final one
and linked into place when complete, so a finished-looking file is always whole, and an
existing file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.animation import PillowWriter
from matplotlib.figure import Figure
from PIL import Image

from sim.app.charts import CHARTS, draw_chart, hospital_trace
from sim.app.hospital_view import DEFAULT_COLOUR_STATE, draw_picture, hospital_picture
from sim.errors import UsageError
from sim.model import HospitalModel
from sim.results_folder import safe_name
from sim.scenario import Scenario, build_model

DPI = 80
FIGURE_SIZE = (12.0, 9.5)  # inches: 960 x 760 pixels at DPI


class CompactPillowWriter(PillowWriter):
    """PillowWriter that keeps each frame as a 256-colour image, not full RGB, in memory."""

    def grab_frame(self, **savefig_kwargs) -> None:
        super().grab_frame(**savefig_kwargs)
        # Fast octree quantising: the median cut Pillow uses by default for RGB took as long
        # as drawing the frame, for no difference a viewer of flat chart colours can see.
        self._frames[-1] = self._frames[-1].convert("RGB").quantize(
            256, method=Image.Quantize.FASTOCTREE)


def new_animation_path(parent: Path, label: str) -> Path:
    """A fresh file name under `parent`: `<timestamp>-<label>.gif`."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"{stamp}-{safe_name(label)}"
    candidate, number = parent / f"{base}.gif", 1
    while candidate.exists():
        number += 1
        candidate = parent / f"{base}-{number}.gif"
    return candidate


def publish(partial: Path, destination: Path) -> Path:
    """Give the finished file its name; a hard link, unlike a rename, never replaces a file."""
    while True:
        try:
            os.link(partial, destination)
            return destination
        except FileExistsError:  # another export took the name meanwhile
            destination = new_animation_path(destination.parent, destination.stem)


def frame_days(total: int, every: int) -> list[int]:
    """Model days at which a frame is taken: the start, every `every` days, and the last day."""
    days = list(range(0, total + 1, every))
    if days[-1] != total:
        days.append(total)
    return days


def layout(figure: Figure) -> tuple[object, list[object], object]:
    grid = figure.add_gridspec(3, 4, height_ratios=[3.2, 1, 1], hspace=0.4, wspace=0.25,
                               left=0.04, right=0.98, top=0.97, bottom=0.04)
    hospital = figure.add_subplot(grid[0, :])
    charts = [figure.add_subplot(grid[1 + i // 4, i % 4]) for i in range(len(CHARTS))]
    key = figure.add_subplot(grid[2, 3])
    return hospital, charts, key


def draw_frame(figure_parts: tuple[object, list[object], object], model: HospitalModel,
               scenario: Scenario, colour_by: str) -> None:
    hospital_axes, chart_axes, key_axes = figure_parts
    day = model.scenario_day
    when = f"warm-up day {day + model.config.run.burn_in}" if day <= 0 else f"day {day}"
    draw_picture(hospital_axes, hospital_picture(model, colour_by,
                                                 f"{scenario.name}: {when}"))
    trace = hospital_trace(model, scenario.name)
    markers = scenario.markers(model)
    for axes, chart in zip(chart_axes, CHARTS, strict=True):
        draw_chart(axes, chart, [trace], markers)
    key_axes.clear()
    key_axes.axis("off")
    lines = [f"seed {model.seed}", "grey: warm-up; dotted: interventions",
             "compliance: blue measured, red true"]
    lines += [f"day {d}: {label}"[:44] for d, label in markers[:6]]
    key_axes.text(0.0, 1.0, "\n".join(lines), va="top", fontsize=6.5, color="#263238",
                  transform=key_axes.transAxes)


def animate_scenario(scenario: Scenario, seed: int, parent: Path, *, every: int = 5,
                     fps: int = 10, colour_by: str = DEFAULT_COLOUR_STATE,
                     progress: Callable[[int, int], None] | None = None) -> Path:
    """Run `scenario` and write a GIF of it to a new file under `parent`; return its path."""
    if every < 1:
        raise UsageError("--every must be at least 1 day")
    if not 1 <= fps <= 50:
        raise UsageError("--fps must be between 1 and 50")
    model = build_model(scenario, seed)
    total = model.config.run.burn_in + model.config.run.days
    parent.mkdir(parents=True, exist_ok=True)
    destination = new_animation_path(parent, scenario.name)
    partial = destination.with_name(f".incomplete-{destination.name}")
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
    parts = layout(figure)
    writer = CompactPillowWriter(fps=fps)
    days = frame_days(total, every)
    try:
        with writer.saving(figure, str(partial), dpi=DPI):
            for number, day in enumerate(days):
                if day > model.day:
                    model.run_for(day - model.day)
                draw_frame(parts, model, scenario, colour_by)
                writer.grab_frame()
                if progress is not None:
                    progress(number + 1, len(days))
        destination = publish(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination
