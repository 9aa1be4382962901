"""Speed of the model against a yardstick: Mesa's Boltzmann wealth example, same process.

Run with `python benchmarks/benchmark.py` (or `make bench`). Times, in one process:
- Mesa's Boltzmann wealth example (the reference cost of one agent-step in Mesa),
- the default hospital for 365 days after its burn-in, in turns with the Boltzmann example
  (the median of the turns' ratios is the figure; their range says how steady the machine was),
- a hospital ten times larger,
and reports microseconds per agent-day against the targets: the default hospital at most 0.5x
the Boltzmann example's cost per agent-step, and the ten-times hospital at most 10.5x the
default's time. A benchmark, not a test: figures depend on the machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.config import ModelConfig
from sim.core.model import HospitalModel

BOLTZMANN_AGENTS = 400  # about as many agents as the default hospital holds
BOLTZMANN_STEPS = 365
PER_AGENT_TARGET = 0.5  # the renovated core's target: half the cost of a Mesa agent-step
SCALING_TARGET = 10.5


def time_boltzmann(seed: int) -> float:
    """Microseconds per agent-step of Mesa's Boltzmann wealth example."""
    from mesa.examples.basic.boltzmann_wealth_model.model import (
        BoltzmannScenario,
        BoltzmannWealth,
    )

    model = BoltzmannWealth(BoltzmannScenario(n=BOLTZMANN_AGENTS, width=20, height=20,
                                              rng=seed))
    start = time.perf_counter()
    for _ in range(BOLTZMANN_STEPS):
        model.step()
    elapsed = time.perf_counter() - start
    return 1e6 * elapsed / (BOLTZMANN_AGENTS * BOLTZMANN_STEPS)


def time_year(scale: int, seed: int) -> tuple[float, float]:
    """Seconds for 365 days (after burn-in) and the mean number of agents alive."""
    config = ModelConfig()
    config.hospital.wards *= scale
    model = HospitalModel(config, seed=seed, storytelling=False)
    model.run(config.run.burn_in)
    start = time.perf_counter()
    agent_days = 0
    for _ in range(365):
        agent_days += len(model.agents)
        model.step()
    return time.perf_counter() - start, agent_days / 365


def main(repeats: int = 5) -> None:
    # The yardstick and the default hospital take turns, so that a machine whose speed drifts
    # (a busy neighbour, a clock that steps down) slows both alike; each turn's ratio is kept.
    boltzmann, year, turns = [], [], []
    for seed in range(repeats):
        boltzmann.append(time_boltzmann(seed))
        seconds, agents = time_year(1, seed)
        year.append((seconds, agents))
        turns.append(1e6 * seconds / (agents * 365) / boltzmann[-1])
    yardstick = statistics.median(boltzmann)
    print(f"Mesa Boltzmann example: {BOLTZMANN_AGENTS} agents, {yardstick:5.2f} us per "
          "agent-step")
    results = {}
    for scale in (1, 10):
        timings = year if scale == 1 else [time_year(scale, seed) for seed in range(2)]
        seconds = statistics.median(t for t, _ in timings)
        agents = statistics.mean(a for _, a in timings)
        per_agent_day = 1e6 * seconds / (agents * 365)
        results[scale] = (seconds, per_agent_day)
        print(f"{scale:>2}x hospital: {agents:7.0f} agents, {seconds:6.2f} s per 365 days, "
              f"{per_agent_day:5.2f} us per agent-day")
    relative = statistics.median(turns)
    ratio = results[10][0] / results[1][0]
    print(f"default hospital: {relative:.2f}x Boltzmann's cost per agent-step (turns "
          f"{min(turns):.2f}x-{max(turns):.2f}x; target at most {PER_AGENT_TARGET}x): "
          f"{'met' if relative <= PER_AGENT_TARGET else 'NOT met'}")
    print(f"10x hospital: {ratio:.2f}x the default's time (target at most {SCALING_TARGET}x): "
          f"{'met' if ratio <= SCALING_TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
