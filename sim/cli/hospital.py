"""`run.py fit-hospital HOSPITAL.yaml`: a hospital's own figures turned into a fitted model
hospital, written as a results folder and installed as `scenarios/hospitals/<name>.yaml`.

The hospital file is checked first (every problem one line, exit 2, nothing run); the fit's
results folder appears only when complete, and an existing fitted hospital of the same name
is never overwritten unless `--replace` is given.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from sim.cli.checks import note_stale_folders, whole_number
from sim.cli.evidence import add_run_options
from sim.cli.results_folder import UnfinishedFolder, check_output_folder
from sim.hospital.fit import fit_hospital
from sim.hospital.fit_report import (
    check_destination,
    install_scenario,
    scenario_destination,
    write_fit,
)
from sim.hospital.hospital_file import read_hospital
from sim.naming import safe_name
from sim.scenario.yaml_io import display_path

MAX_TRIALS = 2000
DEFAULT_TRIALS = 20
DEFAULT_REPLICATES = 4


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fit-hospital", help="fit the model to a hospital's own survey, incident and staff "
                             "figures",
        description="Size the model hospital to a hospital file (hospitals/*.yaml), fit the "
                    "culture and workload coefficients to its survey composites, incident "
                    "reporting, turnover and burnout (each weighted by its sampling error), "
                    "say which coefficients the data cannot pin down, and install the fitted "
                    "hospital as scenarios/hospitals/<name>.yaml.")
    parser.add_argument("hospital", metavar="HOSPITAL.yaml")
    parser.add_argument("--trials", type=whole_number("--trials", 1, MAX_TRIALS),
                        default=DEFAULT_TRIALS,
                        help=f"candidates to try (default {DEFAULT_TRIALS})")
    parser.add_argument("--scenarios", type=Path, default=Path("scenarios") / "hospitals",
                        help="where the fitted scenario is installed (default "
                             "scenarios/hospitals)")
    parser.add_argument("--replace", action="store_true",
                        help="overwrite a fitted hospital of the same name")
    add_run_options(parser, replicates=DEFAULT_REPLICATES, fewest=2, each="candidate",
                    seeds="both the sampler and the replicates")
    parser.set_defaults(func=fit_hospital_command)


def fit_hospital_command(arguments: argparse.Namespace) -> int:
    hospital = read_hospital(arguments.hospital)
    check_output_folder(arguments.out)
    destination = scenario_destination(hospital.name, arguments.scenarios)
    check_destination(destination, arguments.replace)
    shown_path = display_path(Path(arguments.hospital))
    command = shlex.join(["python", "run.py", "fit-hospital", shown_path, "--trials",
                          str(arguments.trials), "--replicates", str(arguments.replicates),
                          "--seed", str(arguments.seed)])
    print(f"Fitting {hospital.name}: {arguments.trials} candidates x {arguments.replicates} "
          "replicate hospitals.", file=sys.stderr)
    with UnfinishedFolder.claim(arguments.out,
                                f"fit-{safe_name(hospital.name)}") as folder:
        note_stale_folders(arguments.out)
        try:
            fit = fit_hospital(hospital, trials=arguments.trials,
                               replicates=arguments.replicates, seed=arguments.seed,
                               workers=arguments.workers,
                               progress=lambda text: print(text, file=sys.stderr))
            write_fit(folder.path, fit, command, shown_path)
        except BaseException:
            folder.discard()  # a fit without its check is not worth keeping
            raise
        results = folder.publish()
    install_scenario(results, destination)
    print(f"Fit quality: {fit.quality}.")
    print(f"Results: {results}")
    print(f"Fitted hospital: {display_path(destination)} (use it as the first scenario of "
          f"`run.py compare`)")
    return 0
