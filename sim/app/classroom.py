"""The hospital as the page runs it: a scenario, the teacher's dated changes, and a comparison.

`ClassroomHospital` is the Mesa model the page builds and steps. It holds the hospital built
from the chosen scenario and, side by side, a second hospital with the same seed under the
comparison's scenario; one step advances both by a day.

What the teacher does during a run is kept as dated interventions of the scenario format
(sim/scenario): moving a lever is a change from the next day; switching on an intervention adds
that library scenario's interventions from the next day. They are put on the running hospital's
scheduler exactly as `build_model` puts a scenario's own interventions there, so the saved
scenario (the scenario plus these dated changes) reproduces the page's run day by day. A later
change lays over an earlier one on the same parameter, as in any scenario (docs/scenarios.md).
Reset builds the scenario afresh: the teacher's changes belong to one run.

Side by side, the page also steps a few more pairs of hospitals in the background, with other
seeds and the same settings and changes, so that the gap between the two hospitals shown can be
set against the gap chance alone makes between paired runs (sim/app/side_by_side.py).
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from dataclasses import dataclass, field

from mesa import Model

from sim.app.narrator import Narrator
from sim.app.scenario_menu import MenuEntry, load_entry, scenario_menu
from sim.config import ModelConfig
from sim.config.levers import ClassroomLever, classroom_levers
from sim.core.model import HospitalModel, StoryEvent
from sim.scenario import Intervention, Scenario, load_scenario
from sim.scenario.runtime import (
    ParameterChange,
    ParameterLayers,
    ScheduledChange,
    build_model,
    runner_for,
)

NO_COMPARISON = "nothing (one hospital)"
AS_WRITTEN = "the same scenario without your changes"
DEFAULT_SEED = 1
# Side by side: pairs of hospitals with other seeds, stepped with the two shown, whose gaps are
# the chance variation of a paired gap (five pairs give an interval with 4 degrees of freedom).
REPLICATE_PAIRS = 5
TEACHER = "Your change"


@dataclass(frozen=True)
class Lever:
    """A parameter the teacher can move (its label and range are declared with the parameter,
    sim/config/levers.py)."""

    key: str
    label: str
    short: str
    low: float
    high: float
    step: float
    whole: bool = False

    @classmethod
    def declared(cls, key: str, lever: ClassroomLever) -> Lever:
        return cls(key, lever.label, lever.short, lever.low, lever.high, lever.step,
                   lever.whole)

    def bounds_for(self, value: float) -> tuple[float, float]:
        """The slider range, widened if a scenario starts outside the classroom range."""
        return min(self.low, value), max(self.high, value)


LEVERS: tuple[Lever, ...] = tuple(Lever.declared(key, lever)
                                  for key, lever in classroom_levers(ModelConfig()).items())
LEVER_BY_KEY = {lever.key: lever for lever in LEVERS}

# The interventions a teacher can switch on are the library's own scenarios (scenarios/).
TOGGLE_SCENARIOS = ("just_culture", "closing_the_loop", "walkrounds", "regulation_relief",
                    "patient_partnership", "clinician_led_improvement", "public_inquiry")


@dataclass(frozen=True)
class Toggle:
    """A library scenario's interventions, which the teacher can switch on mid-run."""

    key: str  # the scenario's file name
    label: str
    interventions: tuple[Intervention, ...]

    @classmethod
    def from_library(cls, key: str) -> Toggle:
        scenario = load_scenario(key)
        return cls(key, scenario.interventions[0].name, tuple(scenario.interventions))

    def dated(self, start: int, run_days: int, taken: set[str]) -> list[Intervention]:
        """The interventions moved to begin on `start`, keeping their spacing; those that
        would begin after the run are left out; names already in the scenario get a suffix."""
        offset = start - min(item.start for item in self.interventions)
        items = []
        for item in self.interventions:
            if item.start + offset > run_days:
                continue
            name = item.name if item.name not in taken else f"{item.name} (switched on)"
            taken.add(name)
            items.append(dataclasses.replace(
                item, name=name, start=item.start + offset,
                end=None if item.end is None else min(item.end + offset, run_days + 1)))
        return items


TOGGLES: tuple[Toggle, ...] = tuple(Toggle.from_library(key) for key in TOGGLE_SCENARIOS)
TOGGLE_BY_KEY = {toggle.key: toggle for toggle in TOGGLES}


class TeacherChange(ScheduledChange):
    """A lever move: a change like any scenario's, told once when the teacher makes it rather
    than again when it begins."""

    def begin(self) -> None:
        self.before = {key: self.model.config.get(key) for key in self.item.changes}
        self.ramp_day = 1
        self.layers.add(self)


def layers_of(hospital: HospitalModel) -> ParameterLayers:
    """The hospital's layers of parameter changes (new ones if its scenario had none)."""
    for runner in hospital.interventions:
        if isinstance(runner, ParameterChange):
            return runner.layers
    if not hasattr(hospital, "page_layers"):
        hospital.page_layers = ParameterLayers(hospital)
    return hospital.page_layers


def schedule_of(scenario: Scenario, key: str) -> list[str]:
    """The scenario's planned changes to `key`, in words a class can read."""
    plans = []
    for item in scenario.interventions:
        if key not in item.changes or item.name.startswith(TEACHER):
            continue
        when = (f"from day {item.start}" if item.kind == "change"
                else f"when triggered (from day {item.start})")
        ramp = f", phased in over {item.ramp} days" if item.ramp > 1 else ""
        end = f", until day {item.end}" if item.end is not None else ""
        plans.append(f"{item.name}: {item.changes[key]:g} {when}{ramp}{end}")
    return plans


@dataclass
class ClassroomSettings:
    """What a Reset builds: the scenario, the comparison, and any starting values laid over
    the scenario (`overrides`: not offered on the page; tests use them to shrink the
    hospital). The teacher's moves during a run are not settings: Reset clears them."""

    menu: dict[str, MenuEntry] = field(default_factory=scenario_menu)
    scenario: str = ""
    overrides: dict[str, float] = field(default_factory=dict)
    comparison: str = NO_COMPARISON

    def __post_init__(self) -> None:
        if self.scenario not in self.menu:
            self.scenario = next(iter(self.menu))

    def comparison_choices(self) -> list[str]:
        return [NO_COMPARISON, AS_WRITTEN, *self.menu]

    def scenario_plan(self) -> Scenario:
        return load_entry(self.menu[self.scenario], self.overrides)

    def comparison_plan(self) -> Scenario | None:
        """What the second hospital runs side by side, if anything."""
        if self.comparison == AS_WRITTEN:
            return self.scenario_plan()
        if self.comparison in self.menu:
            return load_entry(self.menu[self.comparison], self.overrides)
        return None

    def scenario_lever_values(self) -> dict[str, float]:
        """Every lever's value as the scenario starts it."""
        config = self.scenario_plan().config
        return {lever.key: config.get(lever.key) for lever in LEVERS}


def replicate_seeds(seed: int, pairs: int = REPLICATE_PAIRS) -> list[int]:
    """Seeds of the background pairs: fixed by the page's seed, never equal to it."""
    return [seed * 1000 + 1 + index for index in range(pairs)]


class ClassroomHospital(Model):
    """The page's model: one hospital, or two stepping together with the same seed."""

    def __init__(self, settings: ClassroomSettings | None = None,
                 seed: int = DEFAULT_SEED) -> None:
        super().__init__(rng=int(seed))
        self.settings = copy.deepcopy(settings) if settings is not None else ClassroomSettings()
        self.seed = int(seed)
        # Play steps in a worker thread while levers move and views redraw in others.
        self.lock = threading.RLock()
        self.plan = self.settings.scenario_plan()
        self.hospital: HospitalModel = build_model(self.plan, self.seed)
        self.comparison_plan = self.settings.comparison_plan()
        self.comparison: HospitalModel | None = None
        self.replicates: list[tuple[HospitalModel, HospitalModel]] = []
        if self.comparison_plan is not None:
            self.comparison = build_model(self.comparison_plan, self.seed)
            self.replicates = [(build_model(self.plan, other, storytelling=False),
                                build_model(self.comparison_plan, other, storytelling=False))
                               for other in replicate_seeds(self.seed)]
        self.narrators = [Narrator(hospital) for hospital in self.hospitals]
        self.changes: list[Intervention] = []  # the teacher's, dated, in the order made
        self.switched_on: dict[str, int] = {}  # toggle key -> the day it begins

    @property
    def hospitals(self) -> list[HospitalModel]:
        """The hospitals shown: yours, and the comparison side by side."""
        return [self.hospital] if self.comparison is None else [self.hospital, self.comparison]

    @property
    def changed_hospitals(self) -> list[HospitalModel]:
        """Every hospital the teacher's changes act on: yours and its background replicates."""
        return [self.hospital, *(left for left, _ in self.replicates)]

    @property
    def last_day(self) -> int:
        """Model time of the last day of the run (burn-in plus run days)."""
        run = self.hospital.config.run
        return run.burn_in + run.days

    def step(self) -> None:
        with self.lock:
            if self.hospital.day >= self.last_day:
                self.running = False
                return
            for hospital, narrator in zip(self.hospitals, self.narrators, strict=True):
                hospital.step()
                narrator.observe()
            for pair in self.replicates:
                for hospital in pair:
                    hospital.step()
            if self.hospital.day >= self.last_day:
                self.running = False
                self.hospital.tell("The run is over. Press Reset to start again.",
                                   kind="end")

    # --- the teacher's changes --------------------------------------------------------------

    def first_day_of_change(self) -> int | None:
        """The scenario day a change made now begins (day 1 during the warm-up); None once
        the run is over."""
        day = max(1, self.hospital.scenario_day + 1)
        return day if day <= self.hospital.config.run.days else None

    def apply_lever(self, key: str, value: float) -> None:
        """Move a lever from the next day: one dated change, one line in the story. Moves of
        the same lever before that day begins (a slider being dragged) make one change."""
        lever = LEVER_BY_KEY[key]
        value = round(value) if lever.whole else float(value)
        with self.lock:
            start = self.first_day_of_change()
            if start is None:
                return
            last = self.changes[-1] if self.changes else None
            pending = (last is not None and last.start == start
                       and last.name.startswith(TEACHER) and key in last.changes)
            before = self.hospital.config.get(key)
            if not pending and before == value:
                return
            item = Intervention(name=f"{TEACHER} {len(self.changes) + (0 if pending else 1)}: "
                                     f"{lever.short}", kind="change", start=start,
                                description=f"{lever.short} {value:g}",
                                changes={key: value})
            if pending:
                self.changes[-1] = item
                for hospital in self.changed_hospitals:
                    hospital.interventions[-1].item = item
            else:
                self.changes.append(item)
                for hospital in self.changed_hospitals:
                    hospital.interventions.append(TeacherChange(
                        hospital, item, len(hospital.interventions), layers_of(hospital)))
            self.tell_move(lever, before, value, start, pending)

    def tell_move(self, lever: Lever, before: float, value: float, start: int,
                  replace_last: bool) -> None:
        overridden = schedule_of(self.plan, lever.key)
        why = (f" It lays over the scenario's own plan ({'; '.join(overridden)}) from then."
               if overridden else "")
        when = "the first day" if self.hospital.scenario_day < 1 else f"day {start}"
        text = f"You set “{lever.label}” to {value:g} from {when} (it was {before:g}).{why}"
        story = self.hospital.story
        if replace_last:
            for index in range(len(story) - 1, -1, -1):
                if story[index].kind == "lever":
                    old = story[index]
                    kept = old.text.split(" (it was ")[1].split(")")[0]
                    text = text.replace(f"(it was {before:g})", f"(it was {kept})")
                    story[index] = StoryEvent(old.day, old.ward, old.kind,
                                              f"Day {old.day}: {text}")
                    return
        self.hospital.tell(text, kind="lever")

    def switch_on(self, key: str) -> None:
        """Add a library scenario's interventions to your hospital from the next day."""
        toggle = TOGGLE_BY_KEY[key]
        with self.lock:
            start = self.first_day_of_change()
            if start is None or key in self.switched_on:
                return
            taken = {item.name for item in self.page_scenario().interventions}
            items = toggle.dated(start, self.hospital.config.run.days, taken)
            self.switched_on[key] = start
            for item in items:
                self.changes.append(item)
                for hospital in self.changed_hospitals:
                    hospital.interventions.append(runner_for(
                        hospital, item, len(hospital.interventions), layers_of(hospital)))
            when = "the first day" if self.hospital.scenario_day < 1 else f"day {start}"
            self.hospital.tell(f"You switched on “{toggle.label}” from {when}.", kind="lever")

    def live_value(self, key: str) -> float:
        """The lever's value in the running hospital today, or the value you set for
        tomorrow (so a slider stays where it was put)."""
        with self.lock:
            today = self.hospital.scenario_day
            pending = [item.changes[key] for item in self.changes
                       if item.name.startswith(TEACHER) and key in item.changes
                       and item.start > today]
            return pending[-1] if pending else self.hospital.config.get(key)

    def held_by_teacher(self, key: str) -> bool:
        return any(item.name.startswith(TEACHER) and key in item.changes
                   for item in self.changes)

    # --- what is in force, and the run as a scenario ----------------------------------------

    def page_scenario(self) -> Scenario:
        """The scenario with the teacher's dated changes: what your hospital runs."""
        scenario = copy.deepcopy(self.plan)
        scenario.interventions = [*scenario.interventions, *self.changes]
        return scenario

    def saved_scenario(self) -> Scenario:
        """This run as a scenario file a colleague can run to get the same days."""
        scenario = self.page_scenario()
        scenario.name = f"{self.plan.name} (classroom run)"
        compared = (f" Compared side by side with {self.comparison_label_plain()}."
                    if self.comparison is not None else "")
        scenario.description = (f"{self.plan.description} Saved from the classroom page "
                                f"(seed {self.seed}) with the changes made there as dated "
                                f"interventions.{compared}").strip()
        return scenario

    def saved_yaml(self) -> str:
        """The saved scenario, headed by the seed and the comparison that reproduce the page."""
        compared = self.comparison_label_plain() if self.comparison is not None else "nothing"
        header = (f"# Saved from the classroom page: seed {self.seed}; compared with "
                  f"{compared}.\n# Your hospital's days, as on the page: build_model("
                  f"load_scenario(<this file>), seed={self.seed}) (sim.scenario)\n")
        return header + self.saved_scenario().to_yaml()

    def markers(self) -> list[tuple[int, str]]:
        """(scenario day, label) of interventions and your changes in your hospital."""
        with self.lock:
            marks = self.page_scenario().markers(self.hospital)
        return [(day, label.split(": ", 1)[1] + " (you)" if label.startswith(TEACHER) else label)
                for day, label in marks]

    def comparison_markers(self) -> list[tuple[int, str]]:
        if self.comparison is None or self.comparison_plan is None:
            return []
        return self.comparison_plan.markers(self.comparison)

    def in_force(self) -> list[str]:
        """Your changes so far, in words: the header of your hospital names them."""
        words = []
        for key, day in self.switched_on.items():
            words.append(f"{TOGGLE_BY_KEY[key].label} from day {day}")
        for item in self.changes:
            if item.name.startswith(TEACHER):
                words.append(f"{item.description} from day {item.start}")
        return words

    @property
    def label(self) -> str:
        changes = self.in_force()
        extra = f" + {'; '.join(changes)}" if changes else ""
        return f"Your hospital: {self.plan.name}{extra}"

    def comparison_label_plain(self) -> str:
        if self.comparison_plan is None:
            return ""
        if self.settings.comparison == AS_WRITTEN:
            return f"{self.plan.name} as written"
        return self.comparison_plan.name

    @property
    def comparison_label(self) -> str:
        if self.comparison_plan is None:
            return ""
        return f"Comparison: {self.comparison_label_plain()}"
