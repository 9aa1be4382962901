"""Every parameter of the hospital model, in one typed configuration object.

The configuration is grouped the way a reader thinks about a hospital (hospital and staffing,
patients, hazards, regulation, transparency, management, clinicians, run). Each field carries
its unit, its plain-language meaning and its valid range in the field metadata, so that the
scenario loader can validate YAML against it and the interactive page can build sliders from it
without a second list of parameters. Defaults describe the calibrated baseline hospital
(docs/ODD.md, "Initialisation" and "Input data").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def parameter(default: Any, unit: str, doc: str, low: float | None = None,
              high: float | None = None) -> Any:
    """Declare a model parameter with its unit, meaning and inclusive valid range."""
    return field(default=default, metadata={"unit": unit, "doc": doc, "low": low, "high": high})


@dataclass
class HospitalConfig:
    """Size and staffing of the hospital."""

    wards: int = parameter(8, "wards", "Number of wards (clinical teams).", 1, 200)
    beds_per_ward: int = parameter(28, "beds", "Beds in each ward.", 1, 200)
    nurses_per_ward: int = parameter(18, "nurses", "Nurses employed on each ward.", 1, 500)
    doctors_per_ward: int = parameter(6, "doctors", "Doctors attached to each ward.", 0, 200)
    executives: int = parameter(2, "managers", "Executives above the ward managers.", 0, 50)
    attendance: float = parameter(
        0.65, "share", "Share of a ward's clinicians on duty on a given day.", 0.05, 1.0)
    care_capacity: float = parameter(
        3.0, "patients per clinician-day",
        "Patients one clinician can care for in a day with no regulatory work; more patients "
        "than this per clinician on duty is time pressure.", 0.5, 20.0)


@dataclass
class PatientConfig:
    """Patient flow, vulnerability and partnership (M10)."""

    target_occupancy: float = parameter(
        0.88, "share", "Bed occupancy the admission stream aims at.", 0.05, 1.0)
    mean_length_of_stay: float = parameter(
        5.0, "days", "Mean length of stay (log-normal).", 1.0, 60.0)
    mean_vulnerability: float = parameter(
        0.35, "0-1", "Mean frailty: raises the chance an error causes harm.", 0.01, 0.99)
    complication_rate: float = parameter(
        0.0085, "per patient-day",
        "Daily chance of a non-preventable adverse event (a complication of care itself) for a "
        "patient of mean vulnerability.", 0.0, 0.2)
    engagement: float = parameter(
        0.25, "0-1", "Mean willingness of patients to speak up about their care.", 0.0, 1.0)
    speak_up_invitation: float = parameter(
        0.0, "0-1",
        "Patient partnership: how strongly staff invite patients to speak up and report "
        "(PRASE, Lawton 2017).", 0.0, 1.0)
    reports_acted_on: float = parameter(
        0.2, "share", "Share of patient reports and concerns that lead to action.", 0.0, 1.0)


@dataclass
class HazardConfig:
    """Latent hazards: the 'problems' that make workarounds necessary (M4)."""

    emergence_rate: float = parameter(
        0.2, "per ward-day", "New latent hazards (broken equipment, missing supplies, process "
        "gaps) appearing in a ward each day.", 0.0, 20.0)
    self_resolution_days: float = parameter(
        120.0, "days", "Mean time after which a hazard disappears without anyone fixing it "
        "(replacement stock arrives, equipment is swapped).", 1.0, 10000.0)
    encounters_per_hazard: float = parameter(
        0.25, "per clinician-day", "Chance that a clinician on duty meets each open hazard.",
        0.0, 1.0)


@dataclass
class RegulationConfig:
    """The regulatory regime (M7, M8, M12)."""

    admin_share: float = parameter(
        0.30, "share of time", "Share of a clinician's working time that regulatory work and "
        "documentation demand (Hendrich 2008: ~35% for nurses; Sinsky 2016: ~49% for "
        "physicians' desk work).", 0.0, 0.9)
    coherence: float = parameter(
        0.6, "0-1", "Share of rules clinicians see as sensible and consistent; incoherent rules "
        "become obstacles that invite workarounds.", 0.0, 1.0)
    rule_obstacles: float = parameter(
        0.8, "per clinician-day", "Times a day a clinician meets a rule that slows care, "
        "before coherence is taken into account.", 0.0, 20.0)
    audits_per_year: float = parameter(
        4.0, "per ward-year", "Compliance audits of each ward per year.", 0.0, 365.0)
    audit_time_cost: float = parameter(
        0.05, "share of day", "Time an audit day takes from each clinician on the ward.",
        0.0, 0.5)


@dataclass
class TransparencyConfig:
    """Transparency policy (M14): who learns what happened to a report."""

    report_visibility: float = parameter(
        0.25, "share", "Share of ward colleagues who learn how a report was handled.", 0.0, 1.0)
    cross_ward_visibility: float = parameter(
        0.01, "share", "Share of clinicians in other wards who learn of it.", 0.0, 1.0)
    open_disclosure: float = parameter(
        0.3, "share", "Share of adverse events openly disclosed to the patient.", 0.0, 1.0)


@dataclass
class ManagementConfig:
    """How managers respond to reports and spend their attention (M2, M3, M11, M12)."""

    punitiveness: float = parameter(
        0.5, "0-1", "Mean chance a manager answers a report with blame rather than learning.",
        0.0, 1.0)
    punitiveness_spread: float = parameter(
        0.7, "log-odds", "Spread of punitiveness between managers (standard deviation "
        "in log-odds).", 0.0, 3.0)
    follow_up_capacity: float = parameter(
        1.0, "reports per manager-day", "Reports a ward manager can properly follow up each day.",
        0.0, 50.0)
    feedback_probability: float = parameter(
        0.25, "share", "Chance a followed-up report gets feedback to the reporter "
        "(Harrison 2014: 14% of physicians got useful feedback).", 0.0, 1.0)
    feedback_delay_days: float = parameter(
        7.0, "days", "Mean delay between a report and its feedback.", 0.0, 120.0)
    fix_probability: float = parameter(
        0.5, "share", "Chance a learning response fixes the hazard behind the report "
        "(OIG 2012: 5 of 40 reported events led to a policy change).", 0.0, 1.0)
    compliance_focus: float = parameter(
        0.5, "0-1", "Share of managers' attention taken by compliance targets rather than "
        "fixing problems.", 0.0, 1.0)
    walkrounds_per_month: float = parameter(
        0.0, "per ward-month", "Safety walkrounds by managers on each ward per month.", 0.0, 30.0)
    walkround_follow_through: float = parameter(
        0.5, "share", "Chance that a concern raised on a walkround is resolved and fed back "
        "(Sexton 2018; Tucker & Singer 2015).", 0.0, 1.0)


@dataclass
class ClinicianConfig:
    """Clinicians' starting beliefs and how they learn (M1-M9)."""

    initial_psychological_safety: float = parameter(
        0.45, "0-1", "Mean psychological safety at the start.", 0.0, 1.0)
    initial_trust: float = parameter(
        0.4, "0-1", "Mean trust in management at the start.", 0.0, 1.0)
    initial_usefulness: float = parameter(
        0.3, "0-1", "Mean belief that reporting changes something.", 0.0, 1.0)
    initial_tolerance: float = parameter(
        0.35, "0-1", "Mean tolerance of deviation from procedure.", 0.0, 1.0)
    second_order_propensity: float = parameter(
        0.09, "share", "Baseline chance a clinician fixes or reports the cause of a problem "
        "instead of working around it, before beliefs and time pressure act; set so that "
        "about 7% of responses are second order (Tucker & Edmondson 2003).", 0.0, 1.0)
    clinician_led_improvement: float = parameter(
        0.0, "0-1", "Support for clinicians to own second-order problem solving (protected "
        "time, authority to fix).", 0.0, 1.0)
    peer_influence: float = parameter(
        0.05, "per day", "Rate at which beliefs and habits move toward the ward's norm.",
        0.0, 1.0)
    belief_memory: float = parameter(
        0.02, "per day", "Rate at which beliefs return toward the ward's climate.", 0.0, 1.0)
    efficiency_drift: float = parameter(
        0.002, "per day", "Drift of tolerance toward deviation under time pressure "
        "(Rasmussen 1997).", 0.0, 0.1)
    normalisation_step: float = parameter(
        0.01, "per event", "Rise in tolerance after a workaround followed by no harm "
        "(Vaughan 1996).", 0.0, 0.5)
    harm_correction: float = parameter(
        0.15, "per event", "Fall in tolerance after a workaround that caused harm.", 0.0, 1.0)
    burnout_threshold: float = parameter(
        0.6, "0-1", "Exhaustion above which a clinician counts as burned out.", 0.05, 1.0)
    recovery_rate: float = parameter(
        0.03, "per day", "Rate at which exhaustion recovers toward the day's strain.", 0.0, 1.0)
    base_error_rate: float = parameter(
        0.007, "per patient-day", "Chance of an error in one patient's care by one clinician "
        "in a day, before workarounds, hazards and burnout.", 0.0, 0.5)


@dataclass
class RunConfig:
    """Length of a run."""

    days: int = parameter(365, "days", "Days simulated after burn-in.", 1, 3650)
    burn_in: int = parameter(90, "days", "Days simulated first so that beliefs settle.", 0, 3650)


@dataclass
class ModelConfig:
    """All parameters of a run of the hospital model."""

    hospital: HospitalConfig = field(default_factory=HospitalConfig)
    patients: PatientConfig = field(default_factory=PatientConfig)
    hazards: HazardConfig = field(default_factory=HazardConfig)
    regulation: RegulationConfig = field(default_factory=RegulationConfig)
    transparency: TransparencyConfig = field(default_factory=TransparencyConfig)
    management: ManagementConfig = field(default_factory=ManagementConfig)
    clinicians: ClinicianConfig = field(default_factory=ClinicianConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict, as written to YAML."""
        return dataclasses.asdict(self)

    def get(self, dotted_key: str) -> Any:
        """Value of a parameter named `group.name`."""
        group, name = split_key(dotted_key)
        return getattr(getattr(self, group), name)

    def set(self, dotted_key: str, value: Any) -> None:
        """Change a parameter named `group.name` in place (no validation here)."""
        group, name = split_key(dotted_key)
        setattr(getattr(self, group), name, value)

    def replace(self, **changes: Any) -> ModelConfig:
        """Copy with dotted-key changes given as `group__name=value` keyword arguments."""
        copy = dataclasses.replace(self, **{
            f.name: dataclasses.replace(getattr(self, f.name)) for f in dataclasses.fields(self)})
        for key, value in changes.items():
            copy.set(key.replace("__", "."), value)
        return copy


def split_key(dotted_key: str) -> tuple[str, str]:
    """`'management.punitiveness'` -> `('management', 'punitiveness')`."""
    group, _, name = dotted_key.partition(".")
    return group, name


def parameter_fields() -> dict[str, dataclasses.Field]:
    """Every parameter as `group.name` -> dataclass field (with unit, doc and range)."""
    fields: dict[str, dataclasses.Field] = {}
    defaults = ModelConfig()
    for group in dataclasses.fields(ModelConfig):
        for item in dataclasses.fields(getattr(defaults, group.name)):
            fields[f"{group.name}.{item.name}"] = item
    return fields
