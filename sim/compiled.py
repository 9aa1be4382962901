"""Configuration sections as named tuples, the form compiled (Numba) code can read.

The rules in `sim.mechanisms` read their coefficients by name (`rules.intercept`); a named tuple
with the fields of a behaviour section lets the same functions run compiled. Each record type
must be bound to an attribute of its own name in the module it names, because Numba's on-disk
cache finds the type again by module and name (else every new process compiles afresh).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import fields


def record_type(name: str, section: type, module: str) -> type:
    """A named tuple type with the fields of the configuration dataclass `section`, to be bound
    to `module`.`name`."""
    return namedtuple(name, [field.name for field in fields(section)], module=module)


def as_record(kind: type, section: object) -> tuple:
    """The values of `section` as a `kind` record, every field a float."""
    return kind(*(float(getattr(section, name)) for name in kind._fields))


def prepare_compiled_loops() -> None:
    """Compile the model's loops (or load them from Numba's on-disk cache) by running a default
    hospital for a day.

    The first run after installing compiles them, which takes several seconds; a page that did
    this on the teacher's first Step would look frozen, so `run.py app` calls this before it
    serves the page (and the page's server then loads the loops from the cache).
    """
    from sim.config import ModelConfig
    from sim.model import HospitalModel

    HospitalModel(ModelConfig(), seed=1, storytelling=False).step()
