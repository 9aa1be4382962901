"""Every parameter of the hospital model, in one typed configuration object.

Levers (`sim.config.levers`) are grouped the way a reader thinks about a hospital: hospital and
staffing, patients, hazards, regulation, transparency, management, clinicians, run. The
coefficients inside the agents' rules (`sim.config.behaviour`) form advanced groups, one per
submodel. Each field carries its unit, meaning, valid range and source in its metadata, so that
the scenario loader validates YAML against it and the interactive page builds sliders from it.
This package never imports the model: validating a scenario does not load Mesa.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sim.config.base import ASSUMPTION, parameter
from sim.config.behaviour import (
    AuditBehaviour,
    BurnoutBehaviour,
    CorrectionBehaviour,
    ErrorBehaviour,
    ImprovementBehaviour,
    LearningBehaviour,
    ManagerBehaviour,
    ObstacleBehaviour,
    PatientVoiceBehaviour,
    ReportingBehaviour,
    SurveyBehaviour,
    TurnoverBehaviour,
    WalkroundBehaviour,
    WorkaroundBehaviour,
)
from sim.config.levers import (
    ClinicianConfig,
    HazardConfig,
    HospitalConfig,
    ManagementConfig,
    PatientConfig,
    RegulationConfig,
    RunConfig,
    TransparencyConfig,
)

__all__ = ["ASSUMPTION", "BEHAVIOUR_GROUPS", "STRUCTURAL_PARAMETERS", "ModelConfig",
           "parameter", "parameter_fields", "split_key"]

# Parameters fixed once the hospital is built; changing them mid-run would mean a new hospital.
STRUCTURAL_PARAMETERS = frozenset({
    "hospital.wards", "hospital.beds_per_ward", "hospital.executives", "run.days", "run.burn_in",
    "hazards.initial_age_days"})


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
    # Advanced: the coefficients of the agents' rules, one group per submodel.
    reporting: ReportingBehaviour = field(default_factory=ReportingBehaviour)
    workarounds: WorkaroundBehaviour = field(default_factory=WorkaroundBehaviour)
    obstacles: ObstacleBehaviour = field(default_factory=ObstacleBehaviour)
    errors: ErrorBehaviour = field(default_factory=ErrorBehaviour)
    learning: LearningBehaviour = field(default_factory=LearningBehaviour)
    walkrounds: WalkroundBehaviour = field(default_factory=WalkroundBehaviour)
    burnout: BurnoutBehaviour = field(default_factory=BurnoutBehaviour)
    turnover: TurnoverBehaviour = field(default_factory=TurnoverBehaviour)
    improvement: ImprovementBehaviour = field(default_factory=ImprovementBehaviour)
    managers: ManagerBehaviour = field(default_factory=ManagerBehaviour)
    audits: AuditBehaviour = field(default_factory=AuditBehaviour)
    patient_voice: PatientVoiceBehaviour = field(default_factory=PatientVoiceBehaviour)
    correction: CorrectionBehaviour = field(default_factory=CorrectionBehaviour)
    survey: SurveyBehaviour = field(default_factory=SurveyBehaviour)

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


BEHAVIOUR_GROUPS = ("reporting", "workarounds", "obstacles", "errors", "learning", "walkrounds",
                    "burnout", "turnover", "improvement", "managers", "audits", "patient_voice",
                    "correction", "survey")


def split_key(dotted_key: str) -> tuple[str, str]:
    """`'management.punitiveness'` -> `('management', 'punitiveness')`."""
    group, _, name = dotted_key.partition(".")
    return group, name


def parameter_fields() -> dict[str, dataclasses.Field]:
    """Every parameter as `group.name` -> dataclass field (with unit, doc, range, source)."""
    fields: dict[str, dataclasses.Field] = {}
    defaults = ModelConfig()
    for group in dataclasses.fields(ModelConfig):
        for item in dataclasses.fields(getattr(defaults, group.name)):
            fields[f"{group.name}.{item.name}"] = item
    return fields
