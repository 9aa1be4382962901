"""Agent-based simulation of safety culture in a hospital (Mesa).

The model lives in `sim.core.model` (`HospitalModel`) and its parameters in `sim.config`
(`ModelConfig`). This package file imports nothing, so that light modules such as `sim.errors`
load without Mesa.
"""
