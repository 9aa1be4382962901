"""Configuration sections as named tuples, the form compiled (Numba) code can read.

The rules in `sim.core.mechanisms` read their coefficients by name (`rules.intercept`); a named
tuple with the fields of a behaviour section lets the same functions run compiled. Each record type
must be bound to an attribute of its own name in the module it names, because Numba's on-disk
cache finds the type again by module and name (else every new process compiles afresh).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import fields
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING

from sim.config.behaviour import (
    AuditBehaviour,
    ErrorBehaviour,
    ImprovementBehaviour,
    WorkaroundBehaviour,
)

if TYPE_CHECKING:
    from sim.config import ModelConfig


def record_type(name: str, section: type, module: str) -> type:
    """A named tuple type with the fields of the configuration dataclass `section`, to be bound
    to `module`.`name`."""
    return namedtuple(name, [field.name for field in fields(section)], module=module)


def as_record(kind: type, section: object) -> tuple:
    """The values of `section` as a `kind` record, every field a float."""
    return kind._make(map(float, field_reader(kind)(section)))


@cache
def field_reader(kind: type) -> Callable[[object], tuple]:
    """Reads the fields of `kind` from a section in one call (records are built every day)."""
    read = attrgetter(*kind._fields)
    return read if len(kind._fields) > 1 else lambda section: (read(section),)


def error_record(config: ModelConfig) -> tuple:
    """The error rules as the compiled passes read them (shift, care and bedside)."""
    return as_record(ErrorRecord, config.errors)


# The behaviour sections that more than one of the day's passes reads (`sim.core.passes`).
ImprovementRecord = record_type("ImprovementRecord", ImprovementBehaviour, __name__)
WorkaroundRecord = record_type("WorkaroundRecord", WorkaroundBehaviour, __name__)
AuditRecord = record_type("AuditRecord", AuditBehaviour, __name__)
ErrorRecord = record_type("ErrorRecord", ErrorBehaviour, __name__)
