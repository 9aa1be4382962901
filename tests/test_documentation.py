"""The model description documents the code as it is: generated tables are current, every
parameter has a source, and every mechanism M1-M14 has its place."""

from pathlib import Path

from sim.config import parameter_fields
from sim.evidence.tables import refreshed

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def test_generated_tables_of_the_odd_are_current():
    text = ODD.read_text(encoding="utf-8")
    assert refreshed(text) == text, "run: python -m sim.evidence.tables docs/ODD.md"


def test_every_parameter_has_unit_meaning_range_and_source():
    for key, field in parameter_fields().items():
        meta = field.metadata
        assert meta["unit"] and meta["doc"] and meta["source"], key
        assert meta["low"] is not None and meta["high"] is not None, key
        assert meta["low"] <= field.default <= meta["high"], key


def test_every_mechanism_and_shortcut_fix_is_described():
    text = ODD.read_text(encoding="utf-8")
    for mechanism in [f"M{n}" for n in range(1, 15)]:
        assert mechanism in text
    for heading in ("What the model does not capture", "Effect bands", "Stationarity"):
        assert heading in text


def test_importing_errors_or_validating_scenarios_does_not_load_the_model():
    import subprocess
    import sys

    code = ("import sys, sim.errors, sim.config, sim.scenario; "
            "sim.scenario.load_scenario('just_culture'); print('mesa' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_the_validation_report_is_generated_evidence():
    """docs/VALIDATION.md is written by `run.py check-model`; it is linked as such, and when
    it exists it states the seed, replicates, versions, commit and date of its run."""
    from sim.evidence.validation import header_problems

    root = ODD.parents[1]
    for document in (root / "README.md", ODD):
        text = document.read_text(encoding="utf-8")
        assert "VALIDATION.md" in text and "run.py check-model" in text, document.name
    report = root / "docs" / "VALIDATION.md"
    if report.exists():
        assert header_problems(report.read_text(encoding="utf-8")) == []
