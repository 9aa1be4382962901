"""Agent-based simulation of safety culture in a hospital (Mesa)."""

from sim.config import ModelConfig
from sim.model import HospitalModel

__all__ = ["HospitalModel", "ModelConfig"]
