"""The one sandbox for every path a file names (`extends:`, a sweep's `base:`, and any other
file a scenario-like file refers to).

A file may name only files in its own folder (or below) and the bundled scenario library,
which can also be named without a folder (`baseline`). Absolute paths, `~`, a `..` that
leaves the folder and links that point out of it are refused; so is anything that is not a
`.yaml` file. Messages name the referring file and key and say what is allowed; they never
show what the named file contains (it might be any file at all).
"""

from __future__ import annotations

from pathlib import Path

from sim.naming import safe_name
from sim.scenario.schema import fail
from sim.scenario.yaml_io import display_path

BUNDLED_FOLDER = Path(__file__).resolve().parents[2] / "scenarios"
SUFFIXES = (".yaml", ".yml")


def roots_of(source: Path) -> tuple[Path, ...]:
    """The folders `source` may name files in: its own folder tree and the library."""
    try:
        own = source.resolve().parent
    except (OSError, ValueError):
        own = source.parent
    return (own, BUNDLED_FOLDER.resolve())


def named_file(source: Path, written: str, where: str, key: str,
               roots: tuple[Path, ...] | None = None, what: str = "a scenario") -> Path:
    """The resolved file that `key: written` in `source` names, if `source` may use it.

    `written` is relative to `source`'s folder; a bare name that is no file there is a bundled
    scenario (`baseline` or `baseline.yaml`). `roots` are the allowed folders (by default
    `roots_of(source)`, which a chain of files keeps from its first file).
    """
    roots = roots_of(source) if roots is None else roots
    allowed = (f"{what} may name only scenario files in its own folder (or below) or a "
               "bundled scenario")
    if Path(written).is_absolute() or written.startswith("~"):
        raise fail(where, key, f"an absolute path is not allowed: {allowed}")
    try:
        here = source.resolve().parent
        target = (here / written).resolve()
        stem = written.removesuffix(".yaml")
        bundled = BUNDLED_FOLDER / f"{stem}.yaml"
        if not target.exists() and safe_name(stem) == stem and bundled.is_file():
            target = bundled.resolve()
        found = target.is_file()
    except (OSError, ValueError):  # e.g. a NUL character or a name too long for the system
        raise fail(where, key, f"not a usable file name: {written!r}") from None
    if not any(target.is_relative_to(root) for root in roots):
        raise fail(where, key, f"{written!r} is outside the scenario's folder "
                   f"({display_path(roots[0])}): {allowed}")
    if target.suffix.lower() not in SUFFIXES:
        raise fail(where, key, f"{written!r} is not a scenario file (expected a name ending "
                   "in .yaml)")
    if not found:
        raise fail(where, key, f"file not found: {display_path(target)} (paths are relative "
                   "to the file that names them)")
    return target
