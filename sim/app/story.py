"""The story feed: the latest notable events in plain words, newest first, filtered by kind,
with the whole story to download as a CSV log.

The model tells its story in model time ("Day 112"); the page counts days the way scenarios and
charts do (day 1 is the first day after the warm-up), so each line is re-dated before it is
shown. Lines are escaped: they are drawn as HTML, and nothing in them may become markup.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass
from html import escape
from itertools import islice
from typing import TYPE_CHECKING

import solara

from sim.app.style import PAPER

if TYPE_CHECKING:
    from sim.core.model import HospitalModel, StoryEvent

FEED_LENGTH = 15
# Every kind of line, as the filter names it, with its dot's colour.
KINDS: dict[str, tuple[str, str]] = {
    "workaround": ("workarounds as habit", "#8d6e63"),
    "unreported": ("harm nobody reported", "#ad1457"),
    "harm": ("serious harm", "#b71c1c"),
    "burnout": ("burnout and leaving", "#5d4037"),
    "manager": ("managers' style", "#00838f"),
    "audit": ("audits", "#f9a825"),
    "blame": ("blame", "#c62828"),
    "fix": ("fixes", "#2e7d32"),
    "feedback": ("feedback", "#1565c0"),
    "walkround": ("walkrounds", "#6a1b9a"),
    "intervention": ("interventions", "#ef6c00"),
    "lever": ("teacher's changes", "#ef6c00"),
    "shock": ("inquiries", "#000000"),
    "end": ("end of run", "#455a64"),
}
KIND_COLOURS = {kind: colour for kind, (_, colour) in KINDS.items()}
OTHER_COLOUR = "#78909c"
# What the feed shows until the class picks: the title's story, blame included (it is why
# staff fall silent); the routine of fixes and feedback, which would flood the feed, only when
# asked for.
STORY_KINDS = ("workaround", "unreported", "harm", "burnout", "manager", "audit", "blame",
               "intervention", "lever", "shock", "end")
THE_STORY, EVERYTHING = "the story", "everything"
FILTERS: dict[str, Collection[str] | None] = {
    THE_STORY: STORY_KINDS, EVERYTHING: None,
    **{f"only {label}": (kind,) for kind, (label, _) in KINDS.items()}}


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


def latest_lines(model: HospitalModel, count: int = FEED_LENGTH,
                 kinds: Collection[str] | None = None) -> list[StoryLine]:
    """The latest `count` story lines of the given kinds (all if None), newest first."""
    burn_in = model.config.run.burn_in
    events = (event for event in reversed(model.story) if kinds is None or event.kind in kinds)
    return [redated(event, burn_in) for event in islice(events, count)]


def story_csv(model: HospitalModel) -> str:
    """The whole story the feed draws from, oldest first, as CSV (day as on the charts)."""
    burn_in = model.config.run.burn_in
    out = io.StringIO()
    table = csv.writer(out)
    table.writerow(["day", "kind", "ward", "text"])
    for event in list(model.story):
        line = redated(event, burn_in)
        ward = "" if event.ward is None else event.ward + 1
        table.writerow([line.day, line.kind, ward, line.text])
    return out.getvalue()


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
            f'<ol style="padding: 0; margin: 0; line-height: 1.35">'
            f"{items}</ol>"
            '<div style="color: #455a64; margin-top: 6px">Days count from '
            "the end of the warm-up; newest first; the dot's colour is the kind of event."
            "</div></div>")


@solara.component
def StoryFeed(hospital: HospitalModel, lock: AbstractContextManager,
              title: str = "What is happening", tick: int = 0, height_class: str = "") -> None:
    """The filter, the latest lines of the hospital's story, and the log to download."""
    choice = solara.use_reactive(THE_STORY)

    def log() -> str:
        with lock:
            return story_csv(hospital)

    with solara.Column(gap="4px", classes=["story-panel"]):
        with solara.Row(style="align-items: center; gap: 4px"):
            solara.Select("Show", value=choice, values=list(FILTERS), dense=True,
                          classes=["story-filter"], style="flex: 1 1 auto")
            solara.FileDownload(log, filename="hospital-story.csv", label="CSV")
        StoryLines(hospital, lock, choice.value, title, tick, height_class)


@solara.component
def StoryLines(hospital: HospitalModel, lock: AbstractContextManager, choice: str,
               title: str, tick: int, height_class: str = "") -> None:
    """The feed itself, the only part redrawn as the model steps (a new `tick`)."""
    with lock:
        lines = latest_lines(hospital, kinds=FILTERS[choice])
    solara.HTML(tag="div", unsafe_innerHTML=story_html(lines, title),
                classes=["story-box", *([height_class] if height_class else [])], style=PAPER)
