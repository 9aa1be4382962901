"""How a parameter is declared: default, unit, meaning, valid range and source.

Every number that shapes behaviour is declared with `parameter`, so that the scenario loader can
validate YAML against it, the interactive page can build sliders from it, and sweeps and
calibration can reach it, without a second list of parameters anywhere.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

ASSUMPTION = "assumption"


def parameter(default: Any, unit: str, doc: str, low: float | None = None,
              high: float | None = None, source: str = ASSUMPTION) -> Any:
    """Declare a model parameter with its unit, meaning, inclusive valid range and source.

    `source` names the published evidence the value comes from, "assumption" when it is a
    modelling choice, or "calibrated: ..." when it was fitted to a published target (docs/ODD.md).
    """
    return field(default=default, metadata={"unit": unit, "doc": doc, "low": low, "high": high,
                                            "source": source})
