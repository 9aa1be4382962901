"""Configuration sections as named tuples, the form compiled (Numba) code can read.

The rules in `sim.mechanisms` read their coefficients by name (`rules.intercept`); a named tuple
with the fields of a behaviour section lets the same functions run compiled. Each record type
must be bound to a module attribute of its own name, because Numba's on-disk cache finds the
type again by name.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import fields


def record_type(name: str, section: type) -> type:
    """A named tuple type with the fields of the configuration dataclass `section`."""
    return namedtuple(name, [field.name for field in fields(section)])


def as_record(kind: type, section: object) -> tuple:
    """The values of `section` as a `kind` record, every field a float."""
    return kind(*(float(getattr(section, name)) for name in kind._fields))
