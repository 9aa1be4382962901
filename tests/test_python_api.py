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
    assert {"label", "unit", "direction", "material", "verdict", "scale"} <= set(
        results.comparison)
    assert "Report:" in capsys.readouterr().out
    # The example's horizon outlasts the intervention's start, so it can show an effect.
    scenario = namespace["just_culture"]
    start = min(item.start for item in scenario.interventions)
    assert namespace["results"].comparison is not None and start < 240
    primary = results.comparison[results.comparison["primary"]
                                 & (results.comparison["scenario"] != "baseline")]
    assert primary["verdict"].isin(["better", "worse"]).any()
    assert isinstance(namespace["again"], api.Results)
    assert namespace["again"].folder == results.folder


def test_results_from_a_string_and_plots_as_figures(tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    results = api.compare(["baseline", "just_culture"], replicates=2, days=70, window=30,
                          workers=1, out=tmp_path)
    again = api.Results(str(results.folder))
    assert again.folder == results.folder and again.board is not None
    for group in ("harm", "reporting", "work", "culture"):
        figure = api.forest_plot(str(results.folder), group)
        assert isinstance(figure, Figure)
        assert all(axis.get_xlabel() for axis in figure.axes)  # every panel names its unit
    assert isinstance(again.time_to_effect_plot(), Figure)
    board = again.board
    assert list(board.sort_values("rank")["option"].unique()) == ["just culture"]
    with pytest.raises(ValueError, match="group"):
        api.forest_plot(results, "everything")
    with pytest.raises(ValueError, match="not a finished results folder"):
        api.Results(str(tmp_path / "nowhere"))
    with pytest.raises(ValueError, match="expected a results folder"):
        api.Results(42)  # type: ignore[arg-type]
    single = api.run("baseline", replicates=1, days=10, window=5, workers=1, out=tmp_path)
    with pytest.raises(ValueError, match="compare"):
        api.time_to_effect_plot(single)


def test_bad_input_raises_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no_such_scenario"):
        api.run("no_such_scenario", replicates=1, days=5, out=tmp_path)
    with pytest.raises(ValueError, match="punitiveness"):
        api.compare(["baseline", "just_culture"], replicates=1, days=5, out=tmp_path,
                    overrides={"management.punitiveness": 7})
