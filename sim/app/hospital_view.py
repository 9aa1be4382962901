"""The hospital at a glance: wards as blocks, every person a marker, hazards as warning signs.

The picture is laid out once (`hospital_picture`) as plain marks in a fixed coordinate space and
then drawn either as SVG for the page (native tooltips through `<title>`, and cheap enough to
redraw every simulated day) or with matplotlib for the exported animation, so both always show
the same thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from matplotlib import colormaps
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle

from sim.core.world import DOCTOR

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.core.model import HospitalModel
    from sim.core.world import Ward


@dataclass(frozen=True)
class ColourState:
    """A clinician state the markers can be coloured by."""

    label: str
    short: str
    attribute: str
    higher_is_better: bool


COLOUR_STATES: dict[str, ColourState] = {
    "psychological_safety": ColourState("Psychological safety", "safety",
                                        "psychological_safety", True),
    "workaround_habit": ColourState("Workaround habit", "workarounds", "deviation_tolerance",
                                    False),
    "burnout": ColourState("Exhaustion (burnout)", "burnout", "exhaustion", False),
}
DEFAULT_COLOUR_STATE = "psychological_safety"

# Red for the worse end, blue for the better end of every state (colour-blind safe diverging).
PALETTE = tuple(
    "#{:02x}{:02x}{:02x}".format(*(round(255 * c) for c in colormaps["RdYlBu"](i / 100)[:3]))
    for i in range(101))
PATIENT_COLOUR, HARMED_COLOUR, HAZARD_COLOUR = "#b8b8b8", "#8e24aa", "#ef6c00"
INK, FAINT_INK, BLOCK_FILL = "#263238", "#607d8b", "#f7f9fa"

# Layout in SVG user units (about pixels at full width).
STAFF_COLUMNS, STAFF_GAP, STAFF_RADIUS = 12, 17.0, 6.5
BED_COLUMNS, BED_GAP, BED_RADIUS = 14, 14.6, 5.0
HAZARDS_SHOWN, HAZARD_GAP, HAZARD_SIZE = 12, 17.0, 6.5
# Text is sized for a projector: the picture is drawn at least about 660 px wide at 1280x720
# (a scale of about 0.8), so TEXT user units show at no less than 16 px.
TEXT = 26.0
PAD, HEADER, BLOCK_GAP, TOP_STRIP = 8.0, 36.0, 12.0, 32.0
# Everything a hover would tell is also in words: the key below the wards.
LEGEND_LINES = ("● nurse  ◆ doctor: faded off duty, ringed burned out",
                "■ manager: blue learns, red blames   • patient: purple harmed",
                "▲ hazard: ringed once reported")
LEGEND = 10.0 + (len(LEGEND_LINES) + 1) * (TEXT + 4)
BLOCK_WIDTH = 2 * PAD + STAFF_COLUMNS * STAFF_GAP


@dataclass(frozen=True)
class Mark:
    """One person or hazard: a shape at (x, y) with a fill, an opacity and a tooltip."""

    kind: str  # nurse, doctor, manager, executive, patient, hazard
    x: float
    y: float
    size: float  # radius, or half-width of squares, diamonds and triangles
    fill: str
    tooltip: str
    opacity: float = 1.0
    outline: bool = False  # burned out clinicians, reported hazards


@dataclass(frozen=True)
class Block:
    """A ward drawn as a rectangle with a title line."""

    x: float
    y: float
    width: float
    height: float
    title: str
    subtitle: str
    tooltip: str


@dataclass(frozen=True)
class HospitalPicture:
    """Everything needed to draw the hospital on one day."""

    width: float
    height: float
    blocks: tuple[Block, ...]
    marks: tuple[Mark, ...]
    colour_state: ColourState
    caption: str
    text: float = TEXT  # size of its text in user units
    legend: bool = True  # the key drawn below the wards (else given in words beside it)


def colour_for(value: float, state: ColourState) -> str:
    goodness = value if state.higher_is_better else 1.0 - value
    return PALETTE[min(100, max(0, round(100 * goodness)))]


def ward_columns(wards: int) -> int:
    """Blocks per row: a wide grid suited to a projector (8 wards: 4 by 2)."""
    return max(1, min(wards, round(math.sqrt(2 * wards))))


# Two hospitals side by side are drawn at about half the width: their text is larger in user
# units (and the key is given once, in words, beneath both).
COMPACT_TEXT = 34.0
COMPACT_KEY = ("● nurse ◆ doctor: colour = the state chosen, red worse, blue better; faded off "
               "duty, ringed burned out · ■ manager: blue learns, red blames · • patient: purple "
               "harmed · ▲ hazard: ringed once reported")


def header_height(text: float) -> float:
    return HEADER + text - TEXT


def block_height(staff: int, beds: int, text: float = TEXT) -> float:
    staff_rows = max(1, math.ceil(staff / STAFF_COLUMNS))
    bed_rows = max(1, math.ceil(beds / BED_COLUMNS))
    return header_height(text) + staff_rows * STAFF_GAP + bed_rows * BED_GAP + 2 * HAZARD_GAP + PAD


def hospital_picture(model: HospitalModel, colour_by: str = DEFAULT_COLOUR_STATE,
                     caption: str = "", compact: bool = False) -> HospitalPicture:
    """Lay out the hospital as it stands at the end of today (`compact`: for half the page's
    width, larger text and no key)."""
    text = COMPACT_TEXT if compact else TEXT
    state = COLOUR_STATES[colour_by]
    wards = model.wards
    columns = ward_columns(len(wards))
    rows = math.ceil(len(wards) / columns)
    height = block_height(max((len(w.clinicians) for w in wards), default=0),
                          max((w.beds for w in wards), default=0), text)
    blocks: list[Block] = []
    marks: list[Mark] = []
    top = TOP_STRIP + PAD + text - TEXT
    for ward in wards:
        x = PAD + (ward.index % columns) * (BLOCK_WIDTH + BLOCK_GAP)
        y = top + (ward.index // columns) * (height + BLOCK_GAP)
        blocks.append(ward_block(ward, x, y, height))
        marks.extend(ward_marks(model, ward, x, y, state, header_height(text)))
    marks.extend(executive_marks(model, text))
    width = 2 * PAD + columns * BLOCK_WIDTH + (columns - 1) * BLOCK_GAP
    total_height = top + rows * height + (rows - 1) * BLOCK_GAP + (PAD if compact else LEGEND)
    return HospitalPicture(width, total_height, tuple(blocks), tuple(marks), state, caption,
                           text, not compact)


def ward_block(ward: Ward, x: float, y: float, height: float) -> Block:
    subtitle = ""  # the clinicians' colours show the climate; counts are in the tooltip
    tooltip = (f"{ward.name}\nSafety climate {ward.safety_climate:.2f}\n"
               f"Open hazards {len(ward.hazards)}\nIncidents so far {ward.incidents}, "
               f"staff reports {ward.staff_reports}, adverse events {ward.adverse_events}")
    return Block(x, y, BLOCK_WIDTH, height, ward.name, subtitle, tooltip)


def ward_marks(model: HospitalModel, ward: Ward, x: float, y: float,
               state: ColourState, header: float = HEADER) -> list[Mark]:
    threshold = model.config.clinicians.burnout_threshold
    burn_in = model.config.run.burn_in
    marks: list[Mark] = []
    manager = ward.manager
    if manager is not None:
        marks.append(Mark(
            "manager", x + BLOCK_WIDTH - PAD - 7, y + TEXT / 2 + 4, 7.0,
            colour_for(1.0 - manager.punitiveness, COLOUR_STATES["psychological_safety"]),
            f"Manager of {ward.name} (#{manager.unique_id})\nBlames {manager.punitiveness:.0%} "
            f"of reports, learns from the rest\nReports waiting {len(manager.backlog)}"))
    staff_top = y + header + STAFF_GAP / 2
    for place, clinician in enumerate(ward.clinicians):
        value = getattr(clinician, state.attribute)
        burned_out = clinician.exhaustion > threshold
        role = "doctor" if clinician.role == DOCTOR else "nurse"
        tooltip = (
            f"{role.capitalize()} #{clinician.unique_id} · {ward.name} · "
            f"{'on duty' if clinician.on_duty else 'off duty'}\n"
            f"Psychological safety {clinician.psychological_safety:.2f}\n"
            f"Workaround habit {clinician.deviation_tolerance:.2f}\n"
            f"Exhaustion {clinician.exhaustion:.2f}{' (burned out)' if burned_out else ''}\n"
            f"Trust in management {clinician.trust_in_management:.2f}\n"
            f"Reports filed {clinician.reports_filed}")
        marks.append(Mark(
            role, x + PAD + (place % STAFF_COLUMNS + 0.5) * STAFF_GAP,
            staff_top + (place // STAFF_COLUMNS) * STAFF_GAP, STAFF_RADIUS,
            colour_for(value, state), tooltip, 1.0 if clinician.on_duty else 0.45,
            outline=burned_out))
    staff_rows = max(1, math.ceil(len(ward.clinicians) / STAFF_COLUMNS))
    bed_top = staff_top + staff_rows * STAFF_GAP - STAFF_GAP / 2 + BED_GAP / 2
    for place, patient in enumerate(ward.patients):
        tooltip = (f"Patient #{patient.admission} · {ward.name}\n"
                   f"Frailty {patient.vulnerability:.2f}\n"
                   f"Willingness to speak up {patient.engagement:.2f}"
                   + ("\nHarmed during this stay" if patient.harmed else ""))
        marks.append(Mark(
            "patient", x + PAD + (place % BED_COLUMNS + 0.5) * BED_GAP,
            bed_top + (place // BED_COLUMNS) * BED_GAP, BED_RADIUS,
            HARMED_COLOUR if patient.harmed else PATIENT_COLOUR, tooltip))
    bed_rows = max(1, math.ceil(ward.beds / BED_COLUMNS))
    hazard_y = bed_top + bed_rows * BED_GAP + HAZARD_GAP / 2
    for place, hazard in enumerate(ward.hazards[:HAZARDS_SHOWN]):
        tooltip = (f"{hazard.kind.capitalize()} problem on {ward.name}\n"
                   f"Open since day {hazard.opened_day - burn_in}"
                   + ("\nReported to the manager" if hazard.reported else "\nNot reported"))
        marks.append(Mark("hazard", x + PAD + (place + 0.5) * HAZARD_GAP, hazard_y,
                          HAZARD_SIZE, HAZARD_COLOUR, tooltip, outline=hazard.reported))
    return marks


def executive_marks(model: HospitalModel, text: float = TEXT) -> list[Mark]:
    learning = COLOUR_STATES["psychological_safety"]
    return [Mark("executive", PAD + 6.5 * text + 20 * place, PAD + text / 2, 7.0,
                 colour_for(1.0 - executive.punitiveness, learning),
                 f"Executive #{executive.unique_id}\nBlames {executive.punitiveness:.0%} of "
                 "reports, learns from the rest\nWalks the wards now and then")
            for place, executive in enumerate(model.executives)]


# --- SVG for the page ----------------------------------------------------------------------

SHAPE_KINDS = {"nurse": "circle", "patient": "circle", "doctor": "diamond",
               "manager": "square", "executive": "square", "hazard": "triangle"}


def svg_shape(mark: Mark) -> str:
    x, y, s = mark.x, mark.y, mark.size
    shape = SHAPE_KINDS[mark.kind]
    style = f'fill="{mark.fill}"'
    if mark.opacity < 1.0:
        style += f' fill-opacity="{mark.opacity:.2f}"'
    if mark.outline:
        style += f' stroke="{INK}" stroke-width="2"'
    title = f"<title>{escape(mark.tooltip)}</title>"
    if shape == "circle":
        return (f'<circle class="{mark.kind}" cx="{x:.1f}" cy="{y:.1f}" r="{s}" {style}>'
                f"{title}</circle>")
    if shape == "square":
        return (f'<rect class="{mark.kind}" x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s}" '
                f'height="{2 * s}" {style}>{title}</rect>')
    if shape == "diamond":
        points = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}"
    else:
        points = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y + s * 0.8:.1f} {x - s:.1f},{y + s * 0.8:.1f}"
    return f'<polygon class="{mark.kind}" points="{points}" {style}>{title}</polygon>'


def svg_block(block: Block, text: float = TEXT) -> str:
    return (
        f'<g class="ward"><rect x="{block.x:.1f}" y="{block.y:.1f}" width="{block.width:.1f}" '
        f'height="{block.height:.1f}" rx="6" fill="{BLOCK_FILL}" stroke="#cfd8dc">'
        f"<title>{escape(block.tooltip)}</title></rect>"
        f'<text x="{block.x + PAD:.1f}" y="{block.y + text + 1:.1f}" font-size="{text}" '
        f'font-weight="600" fill="{INK}">{escape(block.title)} '
        f'<tspan font-weight="400" fill="{FAINT_INK}">{escape(block.subtitle)}</tspan>'
        "</text></g>")


def svg_legend(picture: HospitalPicture, gradient_id: str) -> str:
    y = picture.height - LEGEND + 14
    state = picture.colour_state
    stops = "".join(
        f'<stop offset="{i / 10:.1f}" stop-color="{PALETTE[i * 10]}"/>' for i in range(11))
    ends = ("low", "high") if state.higher_is_better else ("high", "low")
    label = f"{state.label}: {ends[0]}"
    bar_x = PAD + 0.56 * TEXT * len(label) + 8
    parts = [
        f'<defs><linearGradient id="{gradient_id}">{stops}</linearGradient></defs>'
        f'<text x="{PAD}" y="{y + TEXT - 4}" font-size="{TEXT}" fill="{INK}">{escape(label)}'
        "</text>"
        f'<rect x="{bar_x:.0f}" y="{y}" width="100" height="{TEXT - 4}" '
        f'fill="url(#{gradient_id})"/>'
        f'<text x="{bar_x + 108:.0f}" y="{y + TEXT - 4}" font-size="{TEXT}" fill="{INK}">'
        f'{ends[1]} <tspan fill="{FAINT_INK}">(red worse, blue better)</tspan></text>']
    for line, text in enumerate(LEGEND_LINES, start=1):
        parts.append(f'<text x="{PAD}" y="{y + TEXT - 4 + line * (TEXT + 4)}" '
                     f'font-size="{TEXT}" fill="{FAINT_INK}">{escape(text)}</text>')
    return "".join(parts)


def picture_svg(picture: HospitalPicture, gradient_id: str = "state-scale") -> str:
    """The picture as one inline SVG element that scales to its container's width."""
    parts = [
        f'<svg class="hospital-view" viewBox="0 0 {picture.width:.0f} {picture.height:.0f}" '
        'width="100%" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(picture.caption or "The hospital")}" '
        'style="font-family: sans-serif; display: block">',
        f'<text x="{PAD}" y="{PAD + picture.text}" font-size="{picture.text}" fill="{INK}">'
        "Executives</text>",
        f'<text x="{picture.width - PAD}" y="{PAD + picture.text}" font-size="{picture.text}" '
        f'fill="{INK}" '
        f'text-anchor="end">{escape(picture.caption)}</text>',
    ]
    parts.extend(svg_block(block, picture.text) for block in picture.blocks)
    parts.extend(svg_shape(mark) for mark in picture.marks)
    if picture.legend:
        parts.append(svg_legend(picture, gradient_id))
    parts.append("</svg>")
    return "".join(parts)


# --- matplotlib for the animation -----------------------------------------------------------

MPL_MARKERS = {"circle": "o", "diamond": "D", "square": "s", "triangle": "^"}


def draw_picture(axes: Axes, picture: HospitalPicture, text: float = 7.0) -> None:
    """Draw the picture on matplotlib axes (y grows downward, as in the SVG); `text` in
    points."""
    axes.clear()
    axes.set_xlim(0, picture.width)
    axes.set_ylim(picture.height, 0)
    axes.set_aspect("equal")
    axes.axis("off")
    figure_width = axes.get_figure().get_figwidth() * axes.get_position().width
    points_per_unit = figure_width * 72.0 / picture.width
    for block in picture.blocks:
        axes.add_patch(Rectangle((block.x, block.y), block.width, block.height,
                                 facecolor=BLOCK_FILL, edgecolor="#cfd8dc"))
        axes.text(block.x + PAD, block.y + picture.text, block.title, fontsize=text,
                  color=INK, weight="bold")
    axes.text(PAD, PAD + picture.text, "Executives", fontsize=text, color=INK)
    axes.text(picture.width - PAD, PAD + picture.text, picture.caption, fontsize=text,
              color=INK, ha="right")
    groups: dict[str, list[Mark]] = {}
    for mark in picture.marks:
        groups.setdefault(SHAPE_KINDS[mark.kind], []).append(mark)
    for shape, marks in groups.items():
        scale = 1.3 if shape in ("square", "diamond") else 2.0
        axes.scatter(
            [m.x for m in marks], [m.y for m in marks],
            s=[(scale * m.size * points_per_unit) ** 2 for m in marks],
            c=[to_rgba(m.fill, m.opacity) for m in marks], marker=MPL_MARKERS[shape],
            edgecolors=[INK if m.outline else "none" for m in marks], linewidths=0.8)
    for line, words in enumerate((f"{picture.colour_state.label}: red worse, blue better",
                                  *LEGEND_LINES)):
        axes.text(PAD, picture.height - LEGEND + 14 + (line + 1) * (picture.text + 4) - 4,
                  words, fontsize=text, color=FAINT_INK)
