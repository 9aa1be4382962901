"""Command-line arguments shared by every command that runs a scenario."""

from __future__ import annotations

import argparse

from sim.scenario.scenario import Scenario, load_scenario

SET_HELP = ("change one parameter, e.g. --set management.punitiveness=0.2 (repeatable; checked "
            "like the scenario file)")


def add_scenario_arguments(parser: argparse.ArgumentParser, *, positional: bool = False,
                           multiple: bool = False) -> None:
    """Add the scenario file(s) (`scenario`) and `--set KEY=VALUE` (`overrides`) arguments.

    With `positional`, the scenario is a positional argument (`multiple`: one or more),
    otherwise `--scenario FILE` (`multiple`: repeatable). A bundled scenario may be named
    without folder or `.yaml` (`just_culture`). No scenario means the default hospital.
    """
    help_text = "scenario YAML file, or the name of a bundled scenario (default: built-in hospital)"
    if positional:
        parser.add_argument("scenario", nargs="+" if multiple else "?", metavar="SCENARIO",
                            default=None, help=help_text)
    else:
        parser.add_argument("--scenario", action="append" if multiple else "store",
                            metavar="FILE", default=None, help=help_text)
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help=SET_HELP)


def scenario_from_arguments(arguments: argparse.Namespace) -> Scenario | list[Scenario]:
    """The scenario(s) named by `add_scenario_arguments`, with overrides applied and validated."""
    chosen = getattr(arguments, "scenario", None)
    overrides = getattr(arguments, "overrides", None) or []
    if isinstance(chosen, list):
        return [load_scenario(path, overrides) for path in chosen]
    return load_scenario(chosen, overrides)
