"""Reading scenario YAML safely: plain data only, duplicate keys refused, errors as one line.

Only the safe subset of YAML is understood (no Python objects), a mapping that names the same
key twice is an error rather than a silent overwrite, and every failure becomes a UsageError
naming the file and, where YAML knows it, the line and column.

YAML 1.1's surprises are not read as numbers or booleans: `1:30` (base 60, that is 90),
`010` (octal, 8) and `yes`, `no`, `on`, `off`, `y`, `n` (booleans) stay text, so a numeric or
true/false setting written that way is refused by name instead of silently becoming another
value (as YAML 1.2 reads them). Only `true` and `false` are booleans.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
from pathlib import Path
from typing import Any, ClassVar

import yaml

from sim.errors import UsageError

# A scenario is a page of settings: 200 interventions and every text at its longest fit in a
# quarter of this; anything larger is a mistake, refused before YAML spends seconds on it.
MAX_FILE_BYTES = 256_000
# Documents already parsed, by a digest of their text: `validate` reads a file several times
# over (its kind, its load, its problems) and a large one takes a while to parse.
PARSED: dict[str, Any] = {}
PARSED_LIMIT = 32
MERGE_TAG = "tag:yaml.org,2002:merge"
BOOL_TAG, INT_TAG, FLOAT_TAG = (f"tag:yaml.org,2002:{kind}" for kind in ("bool", "int", "float"))
# YAML 1.1's own patterns, less base 60, octal with a bare leading zero and yes/no/on/off; a
# float after a bare point needs a digit (YAML 1.1 also takes `._`, which is no number at all
# once its underscores are dropped, and PyYAML then fails with a bare ValueError).
BOOLEAN = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
INTEGER = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$")
FLOAT = re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
                   r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


class ScenarioLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key repeated in the same mapping and reads YAML 1.1's
    base-60 numbers, bare-zero octals and yes/no/on/off as text (see the module docstring)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, pattern) for tag, pattern in resolvers
                if tag not in (BOOL_TAG, INT_TAG, FLOAT_TAG)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == MERGE_TAG:
                    continue  # `<<:` merges are allowed to be overridden by explicit keys
                key = self.construct_object(key_node, deep=True)
                try:
                    repeated = key in seen
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be plain text or a number",
                        key_node.start_mark) from None
                if repeated:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


ScenarioLoader.add_implicit_resolver(BOOL_TAG, BOOLEAN, list("tTfF"))
ScenarioLoader.add_implicit_resolver(INT_TAG, INTEGER, list("-+0123456789"))
ScenarioLoader.add_implicit_resolver(FLOAT_TAG, FLOAT, list("-+0123456789."))


def display_path(path: Path) -> str:
    """A path as the user best recognises it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def parse_yaml(text: str, where: str) -> Any:
    """Parse one YAML document; any problem becomes a UsageError prefixed with `where`."""
    loader = None
    try:
        loader = ScenarioLoader(text)  # checks for unprintable characters already
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        raise UsageError(f"{where}: {describe_yaml_error(error)}") from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        raise UsageError(f"{where}: line {line}, column {column}: YAML syntax error: character "
                         f"U+{error.character:04X} is not allowed in YAML") from None
    except yaml.YAMLError as error:
        raise UsageError(f"{where}: YAML syntax error: {one_line(str(error))}") from None
    except RecursionError:
        raise UsageError(f"{where}: YAML syntax error: the document is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def describe_yaml_error(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "not valid YAML"
    place = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    if "another document" in problem:
        return f"{place}YAML syntax error: a scenario file holds one document, found a second"
    if problem.startswith("duplicate key"):
        return f"{place}{problem}; each key may appear only once in a mapping"
    context = f" ({error.context})" if error.context and error.problem else ""
    return f"{place}YAML syntax error: {one_line(problem + context)}"


def one_line(text: str) -> str:
    return " ".join(text.split())


def read_yaml_file(path: Path, where: str) -> Any:
    """Read and parse a scenario file, refusing missing, unreadable or oversized files."""
    if not path.exists():
        raise UsageError(f"{where}: file not found")
    if not path.is_file():
        raise UsageError(f"{where}: not a file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UsageError(f"{where}: file is {size:,} bytes; a scenario file may be at most "
                             f"{MAX_FILE_BYTES:,} bytes")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{where}: not a text file (expected UTF-8 YAML)") from None
    except OSError as error:
        raise UsageError(f"{where}: cannot read the file ({error.strerror or error})") from None
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if key in PARSED:
        return copy.deepcopy(PARSED[key])
    data = parse_yaml(text, where)
    if len(PARSED) >= PARSED_LIMIT:
        PARSED.clear()
    PARSED[key] = copy.deepcopy(data)  # callers may change what they are given
    return data


def dump_yaml(data: Any) -> str:
    """Plain, human-readable YAML that `parse_yaml` reads back to equal data."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False,
                          width=100)
