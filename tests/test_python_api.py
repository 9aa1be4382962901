"""The notebook API: the worked example in docs/python_api.md runs as written, and bad input
raises ValueError with the command line's message."""

import re
from pathlib import Path

import pytest

from sim import api

DOC = Path(__file__).resolve().parents[1] / "docs" / "python_api.md"


def test_the_worked_example_in_the_docs_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    namespace: dict[str, object] = {}
    exec(compile("\n".join(blocks), str(DOC), "exec"), namespace)
    results = namespace["results"]
    assert isinstance(results, api.Results) and results.report.exists()
    assert {"label", "unit", "direction", "material", "verdict"} <= set(results.comparison)
    assert "Report:" in capsys.readouterr().out


def test_bad_input_raises_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no_such_scenario"):
        api.run("no_such_scenario", replicates=1, days=5, out=tmp_path)
    with pytest.raises(ValueError, match="punitiveness"):
        api.compare(["baseline", "just_culture"], replicates=1, days=5, out=tmp_path,
                    overrides={"management.punitiveness": 7})
