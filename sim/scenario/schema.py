"""What a scenario file may contain, and the checks on each value.

The parameter schema is not written twice: names, types (the type of the default), units and
valid ranges all come from `sim.config`. Every check raises UsageError with one message of the
form `<file>: <key path>: <what is wrong and what was expected>`.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sim.config import STRUCTURAL_PARAMETERS, ModelConfig, parameter_fields
from sim.errors import UsageError

PARAMETERS: dict[str, dataclasses.Field] = parameter_fields()
GROUPS: dict[str, list[str]] = {}
for _key in PARAMETERS:
    _group, _name = _key.split(".", 1)
    GROUPS.setdefault(_group, []).append(_name)

TEXT_KEYS = ("name", "description", "evidence", "extends", "lesson")
TOP_LEVEL_KEYS = (*TEXT_KEYS, *GROUPS, "interventions")
# A lesson guide for the classroom page: what to notice, questions for the class, what to try.
LESSON_PARTS = ("notice", "ask", "try")

# Refuse runs whose size would exhaust memory or run for hours: agents held at once, and
# agent-days (agents times simulated days), which sets both run time and collected data.
MAX_AGENTS = 100_000
MAX_AGENT_DAYS = 200_000_000
MAX_NAME_LENGTH = 120
MAX_TEXT_LENGTH = 20_000


def fail(where: str, path: str, message: str) -> UsageError:
    """The one error shape: `<file>: <key path>: <message>` (path may be empty)."""
    return UsageError(f"{where}: {path}: {message}" if path else f"{where}: {message}")


def show(value: Any) -> str:
    """A value as the user wrote it, short enough for a one-line message."""
    if value is None:
        text = "nothing (null)"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = f"text {value!r}"
    elif isinstance(value, Mapping):
        text = "a mapping"
    elif isinstance(value, list | tuple):
        text = "a list"
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def suggestion(word: Any, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` for a close match (difflib), else nothing."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def describe_key(key: Any) -> str:
    return key if isinstance(key, str) else repr(key)


def unknown_key(where: str, path: str, key: Any, candidates: Iterable[str]) -> UsageError:
    full = f"{path}.{describe_key(key)}" if path else describe_key(key)
    return fail(where, full, f"unknown key{suggestion(key, candidates)}")


def check_mapping(value: Any, where: str, path: str, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise fail(where, path, f"expected {what}, got {show(value)}")
    return value


def check_text(value: Any, where: str, path: str, limit: int = MAX_TEXT_LENGTH,
               one_line: bool = False) -> str:
    """Text of any script, within `limit` characters; no control characters (line breaks and
    tabs are allowed unless `one_line`), and no lone surrogates, which YAML's escapes can
    produce but no file, figure or report can hold."""
    if not isinstance(value, str):
        raise fail(where, path, f"expected text, got {show(value)}")
    if len(value) > limit:
        raise fail(where, path, f"text is {len(value):,} characters; at most {limit:,} allowed")
    allowed = "" if one_line else "\n\t\r"
    for character in value:
        code = ord(character)
        control = code < 0x20 or 0x7F <= code < 0xA0  # Unicode category Cc
        surrogate = 0xD800 <= code <= 0xDFFF  # category Cs
        if surrogate or (control and character not in allowed):
            what = "a line break" if character in "\n\r" else f"character U+{ord(character):04X}"
            raise fail(where, path, f"{what} is not allowed here"
                       + (" (a name is one line of text)" if one_line else ""))
    return value


def check_number(value: Any, where: str, path: str, *, whole: bool = False,
                 low: float | None = None, high: float | None = None,
                 unit: str = "") -> int | float:
    """A finite number (a whole number if `whole`) within the inclusive range [low, high].

    Booleans are not numbers here, and whole numbers never come from floats (2.0 is refused
    for a count), so the same value always has the same type and reloads identically.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        expected = "a whole number" if whole else "a number"
        hint = numeric_hint(value) if isinstance(value, str) else ""
        raise fail(where, path, f"expected {expected}, got {show(value)}{hint}")
    if whole and not isinstance(value, int):
        raise fail(where, path, f"expected a whole number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise fail(where, path, f"expected a finite number, got {value!r}")
    too_low = low is not None and value < low
    too_high = high is not None and value > high
    if too_low or too_high:
        unit_text = f" ({unit})" if unit else ""
        expected = describe_range(low, high, format_bound, joiner="{} to {}") + unit_text
        raise fail(where, path, f"out of range: expected {expected}, got {value!r}")
    return value


def describe_range(low: float | None, high: float | None, shown: Callable[[float], str],
                   joiner: str = "from {} to {}") -> str:
    """`from 1 to 10`, `at least 1` or `at most 10`, for messages about allowed values."""
    if low is not None and high is not None:
        return joiner.format(shown(low), shown(high))
    if low is not None:
        return f"at least {shown(low)}"
    return f"at most {shown(high)}"


BASE_60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
BARE_OCTAL = re.compile(r"^[-+]?0[0-9_]+$")
YAML_11_BOOLEANS = ("yes", "no", "on", "off", "y", "n")


def numeric_hint(text: str) -> str:
    """Why text that looks like a number was read as text, and how to write the number."""
    stripped = text.strip()
    if BASE_60.match(stripped):
        return (f" (some YAML readers take it as the base-60 number {base_60(stripped):g}; "
                "write the number itself)")
    if BARE_OCTAL.match(stripped):
        return (" (some YAML readers take a leading zero as an octal number; write the "
                "number without it)")
    if stripped.lower() in YAML_11_BOOLEANS:
        return " (some YAML readers take it as true or false; write a number)"
    if not looks_numeric(stripped) or stripped.lower().lstrip("+-") in ("inf", "infinity",
                                                                       "nan"):
        return ""
    mantissa, exponent_mark, exponent = stripped.lower().partition("e")
    if exponent_mark and "." not in mantissa:
        return (" (YAML reads it as text: an exponent needs a dot in the number, like "
                f"{mantissa.lstrip('+')}.0e{exponent if exponent[:1] in '+-' else '+' + exponent})")
    if exponent_mark and exponent[:1] not in "+-":
        return (" (YAML reads it as text: write the exponent with its sign, like "
                f"{mantissa}e+{exponent})")
    return " (YAML reads it as text: remove the quotes)"


def base_60(text: str) -> float:
    """What YAML 1.1 makes of `1:30` (90) or `-1:00:00.5`."""
    sign = -1 if text.startswith("-") else 1
    value = 0.0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        value = value * 60 + float(part)
    return sign * value


def check_boolean(value: Any, where: str, path: str) -> bool:
    """`true` or `false` (yes/no/on/off are refused by name: YAML readers disagree on them)."""
    if not isinstance(value, bool):
        hint = ""
        if isinstance(value, str) and value.strip().lower() in YAML_11_BOOLEANS:
            hint = " (write true or false: YAML readers disagree on yes, no, on and off)"
        raise fail(where, path, f"expected true or false, got {show(value)}{hint}")
    return value


def looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def format_bound(bound: float) -> str:
    return f"{bound:g}"


def check_parameter(key: str, value: Any, where: str, path: str | None = None) -> int | float:
    """A valid value for parameter `group.name`, typed like its default (ints stay ints)."""
    field = PARAMETERS[key]
    whole = isinstance(field.default, int)
    meta = field.metadata
    number = check_number(value, where, path or key, whole=whole, low=meta.get("low"),
                          high=meta.get("high"), unit=meta.get("unit", ""))
    return number if whole else float(number)


def check_parameter_key(key: Any, where: str, path: str, *, mid_run: bool) -> str:
    """A dotted parameter key (`management.punitiveness`) that exists and, for changes
    during a run, is not one that fixes the shape of the hospital."""
    if not isinstance(key, str) or key not in PARAMETERS:
        shown = f"{path}.{describe_key(key)}" if path else describe_key(key)
        return_hint = suggestion(key, PARAMETERS)
        if not return_hint and isinstance(key, str) and "." not in key:
            homes = [k for k in PARAMETERS if k.endswith("." + key)]
            if homes:
                return_hint = f"; did you mean {homes[0]!r}? (parameters are named group.name)"
        raise fail(where, shown, f"unknown parameter{return_hint}")
    if mid_run and key in STRUCTURAL_PARAMETERS:
        raise fail(where, f"{path}.{key}" if path else key,
                   "cannot change during a run (it fixes the shape of the hospital or the run); "
                   f"set it in the '{key.split('.')[0]}' group instead")
    return key


def check_group(group: str, values: Any, where: str) -> dict[str, int | float]:
    """The parameters given for one group, each checked; unknown names get a suggestion."""
    mapping = check_mapping(values if values is not None else {}, where, group,
                            f"a mapping of '{group}' parameters")
    checked: dict[str, int | float] = {}
    for name, value in mapping.items():
        if name not in GROUPS[group]:
            elsewhere = [k for k in PARAMETERS if isinstance(name, str) and k.endswith("." + name)]
            if elsewhere and not suggestion(name, GROUPS[group]):
                raise fail(where, f"{group}.{name}",
                           f"unknown key; did you mean {elsewhere[0]!r}? (it belongs to the "
                           f"'{elsewhere[0].split('.')[0]}' group)")
            raise unknown_key(where, group, name, GROUPS[group])
        checked[name] = check_parameter(f"{group}.{name}", value, where)
    return checked


def unknown_top_level_key(key: Any, where: str) -> UsageError:
    if isinstance(key, str):
        if key in PARAMETERS:
            group, name = key.split(".", 1)
            return fail(where, key, f"unknown key; write it nested: '{group}:' with "
                                    f"'{name}:' indented under it")
        homes = [k for k in PARAMETERS if k.endswith("." + key)]
        if homes and not suggestion(key, TOP_LEVEL_KEYS):
            group = homes[0].split(".")[0]
            return fail(where, key, f"unknown key; did you mean {homes[0]!r}? (write "
                                    f"'{key}:' under '{group}:')")
    return unknown_key(where, "", key, TOP_LEVEL_KEYS)


def build_config(groups: Mapping[str, Mapping[str, int | float]]) -> ModelConfig:
    """Defaults from ModelConfig, with the (already checked) values of each group laid over."""
    config = ModelConfig()
    for group, values in groups.items():
        for name, value in values.items():
            config.set(f"{group}.{name}", value)
    return config


def agents_in(config: ModelConfig) -> int:
    """Agents the hospital can hold at once: staff, managers and a full house of patients."""
    hospital = config.hospital
    per_ward = (hospital.nurses_per_ward + hospital.doctors_per_ward + 1
                + hospital.beds_per_ward)
    return hospital.wards * per_ward + hospital.executives


def check_run_size(config: ModelConfig, where: str) -> None:
    """Refuse hospitals and run lengths that would exhaust memory or run for many hours."""
    agents = agents_in(config)
    days = config.run.burn_in + config.run.days
    if agents > MAX_AGENTS:
        raise fail(where, "", f"run too large: about {agents:,} agents at once; the "
                   f"limit is {MAX_AGENTS:,} (use fewer wards, staff or beds)")
    if agents * days > MAX_AGENT_DAYS:
        raise fail(where, "", f"run too large: {agents:,} agents over {days:,} days is "
                   f"{agents * days:,} agent-days; the limit is {MAX_AGENT_DAYS:,} (use fewer "
                   "wards, staff or beds, or a shorter run.days/run.burn_in)")
