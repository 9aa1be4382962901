"""Speed of the model: seconds per default year and microseconds per agent-day, and scaling.

Run with `python benchmarks/benchmark.py` (or `make bench`). Times the default hospital for
365 days after its burn-in, then a hospital ten times larger, and reports whether cost grows
linearly with size. A benchmark, not a test: figures depend on the machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.config import ModelConfig
from sim.model import HospitalModel


def time_year(scale: int, seed: int) -> tuple[float, float]:
    """Seconds for 365 days (after burn-in) and the mean number of agents alive."""
    config = ModelConfig()
    config.hospital.wards *= scale
    model = HospitalModel(config, seed=seed, storytelling=False)
    model.run(config.run.burn_in)
    start = time.perf_counter()
    model.run(365)
    elapsed = time.perf_counter() - start
    return elapsed, len(model.agents)


def main(repeats: int = 5) -> None:
    results = {}
    for scale in (1, 10):
        timings = [time_year(scale, seed) for seed in range(repeats if scale == 1 else 2)]
        seconds = statistics.median(t for t, _ in timings)
        agents = statistics.mean(a for _, a in timings)
        results[scale] = seconds
        print(f"{scale:>2}x hospital: {agents:7.0f} agents, {seconds:6.2f} s per 365 days, "
              f"{1e6 * seconds / (agents * 365):5.2f} us per agent-day")
    ratio = results[10] / results[1]
    print(f"10x hospital takes {ratio:.1f}x the time of the default (target < 11x); "
          f"default year target < 1 s: {'met' if results[1] < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
