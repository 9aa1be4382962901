"""The notebook API raises ValueError (UsageError is one) for every bad argument, with a short
message naming the argument, and nothing is simulated."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import api
from sim.errors import UsageError


@pytest.fixture(autouse=True)
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.experiment.runner.simulate_job",
                        lambda *args: pytest.fail("a run started before the input was checked"))


def test_usage_errors_are_value_errors() -> None:
    assert issubclass(UsageError, ValueError)


@pytest.mark.parametrize("call, expected", [
    (lambda out: api.load_scenario("nosuch"), "nosuch: file not found"),
    (lambda out: api.load_scenario("baseline", ["management.punitiveness=7"]), "out of range"),
    (lambda out: api.metric("nosuch"), "unknown metric 'nosuch'"),
    (lambda out: api.metric("adverse_event"), "did you mean 'adverse_events'"),
    (lambda out: api.run(api.load_scenario("baseline"), out=out), "got Scenario"),
    (lambda out: api.run("baseline", overrides=5, out=out), "overrides: expected a mapping"),
    (lambda out: api.run("baseline", overrides=[3], out=out), "overrides: expected 'key=value'"),
    (lambda out: api.run("baseline", overrides=["management.punitiveness=7"], out=out),
     "out of range"),
    (lambda out: api.run("baseline", workers=0, out=out), "workers: expected a whole number"),
    (lambda out: api.run("baseline", workers=True, out=out), "workers: expected"),
    (lambda out: api.run("baseline", replicates=0, out=out), "--replicates"),
    (lambda out: api.run("baseline", out=3), "out: expected a folder path"),
    (lambda out: api.compare("baseline", out=out), "scenarios: expected a list"),
    (lambda out: api.compare(["baseline"], out=out), "compare needs a reference"),
])
def test_every_bad_argument_is_a_value_error_in_one_short_line(call, expected: str,
                                                               tmp_path: Path) -> None:
    with pytest.raises(ValueError) as error:
        call(tmp_path / "out")
    message = str(error.value)
    assert expected in message, message
    assert "\n" not in message and len(message) < 300, message
    assert not (tmp_path / "out").exists()
