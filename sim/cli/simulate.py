"""`python run.py` with no arguments: the default hospital for one simulated year."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.config import ModelConfig
from sim.model import HospitalModel
from sim.results_folder import atomic_results_folder, new_results_path

OUTPUTS = Path("outputs")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("simulate", help="run the default hospital once")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUTPUTS)
    parser.set_defaults(func=lambda args: simulate_default(args.seed, args.out))


def main_job() -> int:
    return simulate_default(seed=1, parent=OUTPUTS)


def simulate_default(seed: int, parent: Path) -> int:
    from sim.plots import plot_key_series

    config = ModelConfig()
    model = HospitalModel(config, seed=seed)
    model.run()
    destination = new_results_path(parent, "default-hospital")
    with atomic_results_folder(destination) as folder:
        daily = model.daily_data()
        daily.to_csv(folder / "daily_metrics.csv", index=False)
        plot_key_series(daily, folder / "key_series.png")
    print(f"Default hospital, one year after {config.run.burn_in} days of burn-in (seed {seed}).")
    print(f"Daily metrics: {destination / 'daily_metrics.csv'}")
    print(f"Figure:        {destination / 'key_series.png'}")
    return 0
