"""Tables of docs/ODD.md generated from the code, so that the documentation cannot drift from it.

`python -m sim.evidence.tables docs/ODD.md` rewrites the parameter table (from the metadata of
`sim.config`) and the metrics table (from `sim.core.metrics`) between their markers in the file;
`tests/test_documentation.py` fails when the file is out of date.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.config import BEHAVIOUR_GROUPS, STRUCTURAL_PARAMETERS, parameter_fields
from sim.core.metrics import METRICS


def cell(text: object) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def parameter_rows(advanced: bool) -> list[str]:
    rows = []
    for key, field in parameter_fields().items():
        if (key.split(".")[0] in BEHAVIOUR_GROUPS) != advanced:
            continue
        meta = field.metadata
        bounds = f"{meta['low']:g}-{meta['high']:g}"
        note = " (fixed for a run)" if key in STRUCTURAL_PARAMETERS else ""
        rows.append(f"| `{key}` | {field.default:g} | {cell(meta['unit'])} | {bounds} | "
                    f"{cell(meta['doc'])}{note} | {cell(meta['source'])} |")
    return rows


def parameter_table() -> str:
    header = ["| parameter | default | unit | range | meaning | source |",
              "|---|---|---|---|---|---|"]
    return "\n".join(["**Levers** (`sim/config/levers.py`)", "", *header,
                      *parameter_rows(advanced=False), "",
                      "**Coefficients of the rules** (`sim/config/behaviour.py`; advanced "
                      "groups, reachable from YAML and `--set` like any lever)", "", *header,
                      *parameter_rows(advanced=True)])


def metrics_table() -> str:
    rows = ["| column | kind | definition | better |", "|---|---|---|---|"]
    for metric in METRICS:
        definition = metric.meaning
        if metric.kind == "ratio":
            ratio = f"sum `{metric.numerator}` / sum `{metric.denominator}`"
            definition += f" (= {'1 - ' if metric.complement else ''}{ratio})"
        rows.append(f"| `{metric.name}` | {metric.kind} | {cell(definition)} | "
                    f"{metric.better or '-'} |")
    return "\n".join(rows)


GENERATED = {"parameters": parameter_table, "metrics": metrics_table}


def replace_block(text: str, name: str, content: str) -> str:
    """`text` with the lines between `<!-- name:start -->` and `<!-- name:end -->` replaced."""
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"no <!-- {name}:start --> ... <!-- {name}:end --> block")
    return pattern.sub(lambda match: match.group(1) + content + "\n" + match.group(2), text)


def refreshed(text: str) -> str:
    """The document with every generated block replaced by its current content."""
    for name, render in GENERATED.items():
        text = replace_block(text, name, render())
    return text


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    path = Path(args[0] if args else "docs/ODD.md")
    path.write_text(refreshed(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"refreshed the generated tables of {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
