"""The story feed: the latest notable events in plain words, newest first.

The model tells its story in model time ("Day 112"); the page counts days the way scenarios and
charts do (day 1 is the first day after the warm-up), so each line is re-dated before it is
shown. Lines are escaped: they are drawn as HTML, and nothing in them may become markup.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from html import escape
from itertools import islice
from typing import TYPE_CHECKING

import solara
from mesa.visualization.utils import update_counter

from sim.app.style import PAPER

if TYPE_CHECKING:
    from sim.model import HospitalModel, StoryEvent

FEED_LENGTH = 15
KIND_COLOURS = {"fix": "#2e7d32", "feedback": "#1565c0", "walkround": "#6a1b9a",
                "blame": "#c62828", "shock": "#000000", "intervention": "#ef6c00",
                "lever": "#ef6c00", "end": "#455a64"}
OTHER_COLOUR = "#78909c"


@dataclass(frozen=True)
class StoryLine:
    """One line of the feed, dated in scenario days."""

    day: int
    kind: str
    text: str


def redated(event: StoryEvent, burn_in: int) -> StoryLine:
    """The event with its day counted from the end of the warm-up, as on the charts."""
    day = event.day - burn_in
    prefix = f"Day {event.day}"
    text = event.text
    if text.startswith(prefix):
        when = f"Day {day}" if day > 0 else f"Warm-up day {event.day}"
        text = when + text[len(prefix):]
    return StoryLine(day, event.kind, text)


def latest_lines(model: HospitalModel, count: int = FEED_LENGTH) -> list[StoryLine]:
    """The latest `count` story lines, newest first."""
    burn_in = model.config.run.burn_in
    return [redated(event, burn_in) for event in islice(reversed(model.story), count)]


def story_html(lines: list[StoryLine], title: str = "What is happening") -> str:
    """The feed as an HTML list (every text escaped)."""
    items = "".join(
        f'<li data-kind="{escape(line.kind)}" style="margin: 0 0 4px 0; list-style: none">'
        f'<span style="display: inline-block; width: 9px; height: 9px; border-radius: 50%; '
        f'margin-right: 6px; background: {KIND_COLOURS.get(line.kind, OTHER_COLOUR)}"></span>'
        f"{escape(line.text)}</li>"
        for line in lines)
    if not items:
        items = ('<li style="list-style: none; color: #607d8b">Nothing has happened yet: press '
                 "Step or Play.</li>")
    return (f'<div class="story-feed"><div style="font-weight: 600; margin-bottom: 6px">'
            f"{escape(title)}</div>"
            f'<ol style="padding: 0; margin: 0; font-size: 14px; line-height: 1.35">'
            f"{items}</ol>"
            '<div style="color: #607d8b; font-size: 12px; margin-top: 6px">Days count from '
            "the end of the warm-up; newest first. Green: fixed; blue: feedback; red: blame; "
            "purple: walkround; orange: intervention or teacher's change.</div></div>")


@solara.component
def StoryFeed(hospital: HospitalModel, lock: AbstractContextManager,
              title: str = "What is happening") -> None:
    """The latest lines of the hospital's story, redrawn as the model steps."""
    update_counter.get()
    with lock:
        lines = latest_lines(hospital)
    solara.HTML(tag="div", unsafe_innerHTML=story_html(lines, title),
                style=f"{PAPER}; max-height: 560px; overflow-y: auto")
