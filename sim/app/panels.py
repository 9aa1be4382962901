"""The page's panels: the Solara components that put the hospital picture, the live charts and
the side-by-side table on the page.

What they show is drawn by modules that do not need Solara (`sim.app.hospital_view`,
`sim.app.charts`, `sim.app.side_by_side`), so that the exported animation and the command line
load without the page's libraries.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import solara

from sim.app.charts import CHARTS, Chart, charts_svg, key_html, page_traces, traces_coincide
from sim.app.hospital_view import hospital_picture, picture_svg
from sim.app.side_by_side import difference_html, differences
from sim.app.style import PAPER

if TYPE_CHECKING:
    from sim.app.classroom import ClassroomHospital
    from sim.core.model import HospitalModel


@solara.component
def HospitalView(hospital: HospitalModel, lock: AbstractContextManager, colour_by: str,
                 caption: str = "", gradient_id: str = "state-scale", tick: int = 0,
                 compact: bool = False) -> None:
    """The hospital, redrawn whenever the page's model steps (a new `tick`)."""
    with lock:
        svg = picture_svg(hospital_picture(hospital, colour_by, caption, compact), gradient_id)
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["hospital-view-box"], style=PAPER)


@solara.component
def LiveCharts(model: ClassroomHospital, charts: Sequence[Chart] = CHARTS,
               css_class: str = "live-charts", tick: int = 0) -> None:
    """Charts for the page's hospital (and its comparison), redrawn as the model steps (a new
    `tick`), with the key in words beneath."""
    traces, markers = page_traces(model, charts)
    coincide = len(traces) == 2 and traces_coincide(*traces)
    with solara.Column(gap="0px", classes=["charts-panel"]):
        solara.HTML(tag="div", unsafe_innerHTML=charts_svg(traces, markers, charts),
                    classes=[css_class], style=PAPER)
        key = key_html(traces, markers, charts)
        if coincide:
            key += ('<div class="lines-coincide">Same seed, same settings so far: the two '
                    "lines coincide until they part.</div>")
        solara.HTML(tag="div", unsafe_innerHTML=key, classes=["chart-key-box"])


@solara.component
def DifferenceTable(model: ClassroomHospital, tick: int = 0) -> None:
    """Both hospitals over the last month, with the verdict on each gap; redrawn as the model
    steps (a new `tick`)."""
    if model.comparison is None:
        return
    with model.lock:
        rows = differences(model)
    solara.HTML(tag="div", unsafe_innerHTML=difference_html(
        rows, model.label, model.comparison_label, len(model.replicates)),
        classes=["difference-panel"], style=PAPER)
