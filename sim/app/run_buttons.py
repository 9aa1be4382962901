"""Mesa's run buttons: names a screen reader can say, and fewer redraws on Play than on Step.

Mesa's ModelController labels Play and Pause with symbols only ("▶", "❚❚"), which a screen
reader reads as shapes or not at all. Its buttons take no extra attributes, so the names are
set on the browser-side widgets once they exist, and follow the label as Play turns to Pause.

Mesa steps "render interval" days per redraw on Play and on Step alike; the page wants Step to
be one day and Play to redraw only every few days (a redraw costs several days of work). The
Play button's label is the one sign of Mesa's play state outside it, so it sets the interval.
"""

from __future__ import annotations

from typing import Any

import ipyvuetify as v
import ipywidgets
import solara

# Mesa's button labels and the names said for them.
PLAY, PAUSE = "▶", "❚❚"
BUTTON_NAMES = {PLAY: "Play", PAUSE: "Pause", "Reset": "Reset", "Step": "Step one day"}


class PlayRedraws:
    """Mesa's render interval, read as `.value` before each redraw: `every` days while Play
    runs (the Advanced slider), one day for Step."""

    def __init__(self, every: solara.Reactive[int]) -> None:
        self.every = every
        self.playing = False

    @property
    def value(self) -> int:
        return self.every.value if self.playing else 1


def button_label(children: list[Any]) -> str:
    return "".join(child for child in children if isinstance(child, str)).strip()


def follow_button(button: v.Btn, redraws: PlayRedraws) -> None:
    """Name the button after its label; a Pause label means Play is running."""
    label = button_label(button.children)
    if label in (PLAY, PAUSE):
        redraws.playing = label == PAUSE
    name = BUTTON_NAMES.get(label)
    if name is not None and (button.attributes or {}).get("aria-label") != name:
        button.attributes = {**(button.attributes or {}), "aria-label": name,
                             "title": name}


def buttons_in(widget: ipywidgets.Widget) -> list[v.Btn]:
    """Every Vuetify button in the widget tree below `widget`."""
    found, pending = [], [widget]
    while pending:
        current = pending.pop()
        if isinstance(current, v.Btn):
            found.append(current)
        children = getattr(current, "children", None) or []
        pending.extend(child for child in children if isinstance(child, ipywidgets.Widget))
    return found


def follow_run_buttons(root: ipywidgets.Widget, redraws: PlayRedraws) -> None:
    """Name the run buttons under `root` and track Play, now and whenever a label changes."""
    for button in buttons_in(root):
        follow_button(button, redraws)
        if not getattr(button, "_followed", False):
            button.observe(lambda change: follow_button(change["owner"], redraws),
                           names="children")
            button._followed = True
