"""Speed of the main job with its decision tables: five scenarios x 10 replicates, costs, and
20 plausible worlds of the model's assumptions x 3 replicates (350 runs), on 2 workers.

    .venv/bin/python benchmarks/decision_benchmark.py [--worlds 20] [--workers 2]

Reports the wall time of the whole command (target: under 600 s on an otherwise idle 2-core
machine) and of its parts as the command prints them. A script, not a test: it takes minutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.cli import main  # noqa: E402
from sim.cli.experiment import MAIN_JOB_COSTS, MAIN_JOB_SCENARIOS  # noqa: E402

TARGET_SECONDS = 600.0


def benchmark(worlds: int, workers: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        code = main(["compare", *MAIN_JOB_SCENARIOS, "--replicates", "10", "--workers",
                     str(workers), "--costs", str(MAIN_JOB_COSTS), "--assumptions", str(worlds),
                     "--quiet", "--out", folder])
        seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"the command failed with exit code {code}")
    return seconds


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    seconds = benchmark(options.worlds, options.workers)
    verdict = "within" if seconds <= TARGET_SECONDS else "over"
    print(f"main job with costs and {options.worlds} worlds on {options.workers} workers: "
          f"{seconds:.0f} s ({verdict} the {TARGET_SECONDS:.0f} s target)")
