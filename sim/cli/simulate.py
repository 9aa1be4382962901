"""`python run.py simulate`: the default hospital for one simulated year."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.checks import note_stale_folders, seed_number
from sim.cli.error_log import one_line, print_error, write_error_log
from sim.cli.options import OUTPUTS
from sim.cli.plots import plot_key_series
from sim.cli.results_folder import UnfinishedFolder, check_output_folder, reason
from sim.config import ModelConfig
from sim.core.model import HospitalModel


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("simulate", help="run the default hospital once")
    parser.add_argument("--seed", type=seed_number(), default=1)
    parser.add_argument("--out", type=Path, default=OUTPUTS,
                        help="parent folder of the results folder (default outputs/)")
    parser.set_defaults(func=lambda args: simulate_default(args.seed, args.out))


def simulate_default(seed: int, parent: Path) -> int:
    check_output_folder(parent)
    config = ModelConfig()
    with UnfinishedFolder.claim(parent, "default-hospital") as folder:
        note_stale_folders(parent)
        try:
            model = HospitalModel(config, seed=seed)
            model.run()
            daily = model.daily_data()
            daily.to_csv(folder.path / "daily_metrics.csv", index=False)
        except KeyboardInterrupt:
            folder.discard()  # one run, nothing finished to keep
            raise
        except OSError as error:
            folder.discard()
            print_error(f"cannot write the results in {parent} ({reason(error)})")
            return 1
        problem = draw_figure(daily, folder)
        destination = folder.publish()
    print(f"Default hospital, one year after {config.run.burn_in} days of burn-in (seed {seed}).")
    print(f"Daily metrics: {destination / 'daily_metrics.csv'}")
    if problem is None:
        print(f"Figure:        {destination / 'key_series.png'}")
        return 0
    print_error(f"the figure could not be drawn ({problem}); the daily metrics are kept in "
                f"{destination}")
    return 1


def draw_figure(daily: object, folder: UnfinishedFolder) -> str | None:
    """Draw the key series; on failure (a full disk, a plotting bug) return what went wrong,
    with the traceback in error.log beside the table, which is kept."""

    try:
        plot_key_series(daily, folder.path / "key_series.png")
    except Exception as error:  # the table is what matters; say where it is
        (folder.path / "key_series.png").unlink(missing_ok=True)
        log = write_error_log(error, folder.path)
        return one_line(error) + (f"; details in {log.name}" if log else "")
    return None
