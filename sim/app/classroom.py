"""The hospital as the page runs it: a scenario, a teacher's changes, and an optional twin.

`ClassroomHospital` is the Mesa model the page (Mesa's SolaraViz) builds and steps. It holds
the hospital built from the chosen scenario with the teacher's lever settings and intervention
toggles, and, in side-by-side mode, a second hospital with the same seed under other settings;
one step advances both by a day. Levers can also be moved while the run goes on: the change
takes effect from the next day, is told in the story and marked on the charts, and the
teacher's value holds against any of the scenario's changes already running on that parameter
(a phase-in no longer walks it back); a change that starts later still applies, as later
changes do over earlier ones.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field

from mesa import Model

from sim.app.narrator import Narrator
from sim.app.scenario_menu import MenuEntry, load_entry, scenario_menu
from sim.model import HospitalModel
from sim.scenario import Intervention, Scenario, Shock, build_model
from sim.scenario.runtime import ParameterChange, ParameterLayers

NO_COMPARISON = "nothing (one hospital)"
WITHOUT_INTERVENTIONS = "the same hospital without the toggled interventions"
DEFAULT_INTERVENTION_DAY = 60
DEFAULT_SEED = 1


@dataclass(frozen=True)
class Lever:
    """A setting the teacher can move: a model parameter with a classroom-sized range."""

    key: str
    label: str
    low: float
    high: float
    step: float
    whole: bool = False

    def bounds_for(self, value: float) -> tuple[float, float]:
        """The slider range, widened if a scenario starts outside the classroom range."""
        return min(self.low, value), max(self.high, value)


LEVERS: tuple[Lever, ...] = (
    Lever("regulation.admin_share", "Paperwork: share of working time", 0.0, 0.7, 0.05),
    Lever("regulation.audits_per_year", "Compliance audits per ward per year", 0.0, 24.0, 1.0),
    Lever("transparency.report_visibility",
          "Transparency: colleagues who see how a report was handled", 0.0, 1.0, 0.05),
    Lever("management.punitiveness", "Managers' blame (0: always learn, 1: always blame)",
          0.0, 1.0, 0.05),
    Lever("management.feedback_probability", "Feedback to the reporter", 0.0, 1.0, 0.05),
    Lever("management.walkrounds_per_month", "Walkrounds per ward per month", 0.0, 8.0, 0.5),
    Lever("management.walkround_follow_through", "Walkround follow-through", 0.0, 1.0, 0.05),
    Lever("patients.speak_up_invitation", "Patient partnership", 0.0, 1.0, 0.05),
    Lever("hospital.nurses_per_ward", "Staffing: nurses per ward", 6, 30, 1, whole=True),
)
LEVER_BY_KEY = {lever.key: lever for lever in LEVERS}


@dataclass(frozen=True)
class Toggle:
    """An intervention the teacher can switch on from a chosen day."""

    key: str
    label: str
    changes: dict[str, float] = field(default_factory=dict)
    shock: float | None = None  # magnitude of a public inquiry / media storm

    def intervention(self, start: int, taken: set[str]) -> Intervention:
        name = self.label if self.label not in taken else f"{self.label} (toggle)"
        if self.shock is not None:
            return Intervention(name=name, kind="event", start=start,
                                shock=Shock(self.shock, "A public inquiry into the hospital"))
        return Intervention(name=name, kind="change", start=start, changes=dict(self.changes))


TOGGLES: tuple[Toggle, ...] = (
    Toggle("just_culture", "Just culture", {"management.punitiveness": 0.15,
                                            "management.punitiveness_spread": 0.4}),
    Toggle("feedback", "Feedback on every report", {"management.feedback_probability": 0.9,
                                                    "management.follow_up_capacity": 3.0}),
    Toggle("walkrounds", "Walkrounds with follow-through", {
        "management.walkrounds_per_month": 4.0, "management.walkround_follow_through": 0.8}),
    Toggle("less_paperwork", "Less, more coherent paperwork", {
        "regulation.admin_share": 0.15, "regulation.coherence": 0.8}),
    Toggle("patients", "Patients as partners", {"patients.speak_up_invitation": 0.8,
                                                "patients.reports_acted_on": 0.7}),
    Toggle("clinician_led", "Clinician-led improvement", {
        "clinicians.clinician_led_improvement": 0.7}),
    Toggle("inquiry", "Public inquiry (media storm)", shock=0.5),
)
TOGGLE_BY_KEY = {toggle.key: toggle for toggle in TOGGLES}


class TeacherSetting:
    """A lever the teacher moved, laid over the scenario's changes on that parameter.

    It joins the scenario's layers of changes (sim/scenario/runtime.py) as one that started on
    the day the lever moved, so every change already in force lies beneath it and a running
    phase-in can no longer undo it. It never ends.
    """

    position = 10**9  # after every scenario change that starts on the same day

    def __init__(self, key: str, value: float, first_day: int) -> None:
        self.item = Intervention(name="The teacher's setting", kind="change", start=first_day,
                                 changes={key: value})
        self.first_day = first_day

    def laid_over(self, key: str, below: float) -> float:
        return self.item.changes[key]


def changes_in_force(hospital: HospitalModel, key: str) -> list[ParameterChange]:
    """The scenario's changes to `key` in force now (phasing in or reached)."""
    layers = layers_of(hospital)
    if layers is None:
        return []
    return [layer for layer in layers.in_force
            if isinstance(layer, ParameterChange) and key in layer.item.changes]


def layers_of(hospital: HospitalModel) -> ParameterLayers | None:
    """The hospital's layers of parameter changes, if its scenario has any."""
    for runner in hospital.interventions:
        if isinstance(runner, ParameterChange):
            return runner.layers
    return None


def schedule_of(scenario: Scenario, key: str) -> list[str]:
    """The scenario's planned changes to `key`, in words a class can read."""
    plans = []
    for item in scenario.interventions:
        if key not in item.changes:
            continue
        when = (f"from day {item.start}" if item.kind == "change"
                else f"when triggered (from day {item.start})")
        ramp = f", phased in over {item.ramp} days" if item.ramp > 1 else ""
        end = f", until day {item.end}" if item.end is not None else ""
        plans.append(f"{item.name}: {item.changes[key]:g} {when}{ramp}{end}")
    return plans


@dataclass
class ClassroomSettings:
    """Everything the page lets a teacher choose, apart from the seed."""

    menu: dict[str, MenuEntry] = field(default_factory=scenario_menu)
    scenario: str = ""
    levers: dict[str, float] = field(default_factory=dict)  # changes to the scenario's values
    toggles: list[str] = field(default_factory=list)
    toggle_day: int = DEFAULT_INTERVENTION_DAY
    comparison: str = NO_COMPARISON

    def __post_init__(self) -> None:
        if self.scenario not in self.menu:
            self.scenario = next(iter(self.menu))

    def comparison_choices(self) -> list[str]:
        return [NO_COMPARISON, WITHOUT_INTERVENTIONS, *self.menu]

    def base_scenario(self) -> Scenario:
        """The chosen scenario with the teacher's lever values."""
        return load_entry(self.menu[self.scenario], self.levers)

    def hospital_scenario(self) -> Scenario:
        """The chosen scenario with lever values and the toggled interventions."""
        scenario = self.base_scenario()
        start = max(1, min(self.toggle_day, scenario.config.run.days))
        taken = {item.name for item in scenario.interventions}
        for key in self.toggles:
            item = TOGGLE_BY_KEY[key].intervention(start, taken)
            taken.add(item.name)
            scenario.interventions.append(item)
        return scenario

    def saved_scenario(self) -> Scenario:
        """These settings as a scenario a policy colleague can run: the chosen scenario with
        the teacher's lever values and toggled interventions, under a name of its own."""
        scenario = self.hospital_scenario()
        scenario.name = f"{scenario.name} (classroom settings)"
        scenario.description = (f"{scenario.description} Saved from the classroom page with "
                                "the levers and interventions chosen there.").strip()
        return scenario

    def comparison_scenario(self) -> Scenario | None:
        """What the second hospital runs in side-by-side mode, if anything."""
        if self.comparison == WITHOUT_INTERVENTIONS:
            return self.base_scenario()
        if self.comparison in self.menu:
            return load_entry(self.menu[self.comparison])
        return None

    def scenario_lever_values(self) -> dict[str, float]:
        """Every lever's value as the scenario starts it, before the teacher moves anything."""
        config = load_entry(self.menu[self.scenario]).config
        return {lever.key: config.get(lever.key) for lever in LEVERS}

    def lever_values(self) -> dict[str, float]:
        """Every lever's value: the teacher's change, or else the scenario's starting value."""
        config = load_entry(self.menu[self.scenario]).config
        return {lever.key: self.levers.get(lever.key, config.get(lever.key)) for lever in LEVERS}


class ClassroomHospital(Model):
    """The page's model: one hospital, or two stepping together with the same seed."""

    def __init__(self, settings: ClassroomSettings | None = None,
                 seed: int = DEFAULT_SEED) -> None:
        super().__init__(rng=int(seed))
        self.settings = copy.deepcopy(settings) if settings is not None else ClassroomSettings()
        self.seed = int(seed)
        # Play steps in a worker thread while levers move and views redraw in others.
        self.lock = threading.RLock()
        self.plan = self.settings.hospital_scenario()
        self.hospital: HospitalModel = build_model(self.plan, self.seed)
        self.comparison_plan = self.settings.comparison_scenario()
        self.comparison: HospitalModel | None = (
            build_model(self.comparison_plan, self.seed) if self.comparison_plan else None)
        self.narrators = [Narrator(hospital) for hospital in self.hospitals]
        self.lever_markers: list[tuple[int, str]] = []
        self.teacher_settings: dict[str, TeacherSetting] = {}

    @property
    def hospitals(self) -> list[HospitalModel]:
        return [self.hospital] if self.comparison is None else [self.hospital, self.comparison]

    @property
    def last_day(self) -> int:
        """Model time of the last day of the run (burn-in plus run days)."""
        run = self.hospital.config.run
        return run.burn_in + run.days

    def step(self) -> None:
        with self.lock:
            for hospital, narrator in zip(self.hospitals, self.narrators, strict=True):
                hospital.step()
                narrator.observe()
            if self.hospital.day >= self.last_day:
                self.running = False
                self.hospital.tell("The run is over. Press Reset to start again.",
                                   kind="end")

    def apply_lever(self, key: str, value: float) -> None:
        """Move a lever in the running hospital, from the next day on."""
        lever = LEVER_BY_KEY[key]
        value = round(value) if lever.whole else float(value)
        with self.lock:
            before = self.hospital.config.get(key)
            if before == value:
                return
            day = self.hospital.scenario_day + 1
            overridden = [layer.item.name for layer in changes_in_force(self.hospital, key)]
            self.hold(key, value, day)
            self.lever_markers.append((day, f"{lever.label}: {before:g} to {value:g}"))
            self.hospital.tell(f"The teacher changed “{lever.label}” from {before:g} to "
                               f"{value:g}.", kind="lever")
            if overridden:
                self.hospital.tell(f"The teacher's “{lever.label}” replaces the running "
                                   f"{', '.join(overridden)} on this setting: the scenario no "
                                   "longer moves it.", kind="lever")

    def hold(self, key: str, value: float, day: int) -> None:
        """Set `key` and keep it there against the scenario's changes already in force."""
        layers = layers_of(self.hospital)
        if layers is None:  # no scenario change can ever touch it
            self.hospital.set_parameter(key, value)
            return
        setting = self.teacher_settings.get(key)
        if setting is None:
            self.teacher_settings[key] = TeacherSetting(key, value, day)
            layers.add(self.teacher_settings[key])
            return
        # Moved again: updated in place, on top again, so the parameter is set once (re-setting
        # staffing twice would hire and let go clinicians for nothing).
        setting.item.changes[key] = value
        setting.first_day = day
        layers.in_force.sort(key=lambda layer: (layer.first_day, layer.position))
        layers.refresh({key: value})

    def live_value(self, key: str) -> float:
        """The lever's value in the running hospital today."""
        with self.lock:
            return self.hospital.config.get(key)

    def held_by_teacher(self, key: str) -> bool:
        return key in self.teacher_settings

    def markers(self) -> list[tuple[int, str]]:
        """(scenario day, label) of interventions and lever changes in the main hospital."""
        with self.lock:
            marks = self.plan.markers(self.hospital) + self.lever_markers
        return sorted(marks, key=lambda mark: mark[0])

    def comparison_markers(self) -> list[tuple[int, str]]:
        if self.comparison is None or self.comparison_plan is None:
            return []
        return self.comparison_plan.markers(self.comparison)

    @property
    def label(self) -> str:
        toggled = [TOGGLE_BY_KEY[key].label for key in self.settings.toggles]
        extra = f" + {', '.join(toggled)} from day {self.settings.toggle_day}" if toggled else ""
        return f"Your hospital: {self.settings.scenario}{extra}"

    @property
    def comparison_label(self) -> str:
        if self.comparison_plan is None:
            return ""
        if self.settings.comparison == WITHOUT_INTERVENTIONS:
            return f"Comparison: {self.settings.scenario} without toggles"
        return f"Comparison: {self.comparison_plan.name}"
