"""Speed of experiments: five scenarios x 30 replicates x 365 days, on 1 and on 2 workers.

    .venv/bin/python benchmarks/experiment_benchmark.py [--replicates 30] [--days 365]

Reports the wall time of the runs with 2 workers (target: under 60 s on a 2-core machine), the
speed-up from 1 to 2 workers (target: at least 1.7x), the time to write the results folder,
and peak memory (the whole process tree, sampled). Also checks that both worker counts give
identical results. A script, not a test: it takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiment.evaluators import make_evaluator  # noqa: E402
from sim.experiment.outputs import write_figures_and_report, write_tables  # noqa: E402
from sim.experiment.runner import ExperimentResults, run_experiment  # noqa: E402
from sim.experiment.tables import summary_table  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SCENARIOS = ("baseline", "just_culture", "closing_the_loop", "regulation_relief",
             "letter_recommendation")


class MemoryWatch:
    """Peak resident memory of this process and its worker processes, summed, sampled."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join()

    def watch(self) -> None:
        try:
            import psutil
        except ImportError:  # fall back to this process's own peak (no workers)
            return
        me = psutil.Process()
        while not self.stop.wait(self.interval):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)


def timed_run(scenarios: list, replicates: int, workers: int) -> tuple[ExperimentResults, float,
                                                                        int]:
    with MemoryWatch() as memory:
        started = time.perf_counter()
        results = run_experiment(scenarios, replicates=replicates, root_seed=1, window=180,
                                 evaluator=make_evaluator(workers), quiet=True)
        seconds = time.perf_counter() - started
    return results, seconds, memory.peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=30)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--skip-serial", action="store_true",
                        help="only the 2-worker run (no speed-up figure)")
    args = parser.parse_args()
    scenarios = [load_scenario(name, overrides=[f"run.days={args.days}"]) for name in SCENARIOS]
    runs = len(scenarios) * args.replicates
    print(f"{len(scenarios)} scenarios x {args.replicates} replicates x {args.days} days "
          f"(+{scenarios[0].config.run.burn_in} burn-in) = {runs} runs")

    parallel, parallel_seconds, parallel_memory = timed_run(scenarios, args.replicates, 2)
    print(f"2 workers: {parallel_seconds:.1f} s ({parallel_seconds / runs:.3f} s per run)")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        results_folder = Path(folder) / "results"
        results_folder.mkdir()
        tables = write_tables(results_folder, parallel, ["benchmark"], compare=True)
        write_figures_and_report(results_folder, parallel, tables)
        writing = time.perf_counter() - started
    print(f"writing the results folder (tables, figures, report): {writing:.1f} s")

    record = {"scenarios": list(SCENARIOS), "replicates": args.replicates, "days": args.days,
              "runs": runs, "seconds_2_workers": round(parallel_seconds, 2),
              "seconds_writing": round(writing, 2),
              "peak_memory_mb_2_workers": round(parallel_memory / 2 ** 20, 1)}
    if not args.skip_serial:
        serial, serial_seconds, _ = timed_run(scenarios, args.replicates, 1)
        same = summary_table(serial).equals(summary_table(parallel))
        speedup = serial_seconds / parallel_seconds
        print(f"1 worker:  {serial_seconds:.1f} s; speed-up {speedup:.2f}x; identical results: "
              f"{same}")
        record.update(seconds_1_worker=round(serial_seconds, 2),
                      speedup=round(speedup, 2), identical=same)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {parallel_memory / 2 ** 20:.0f} MB for the process tree with 2 workers; "
          f"{own_peak:.0f} MB for the main process")
    record["peak_memory_mb_main_process"] = round(own_peak, 1)
    out = ROOT / "outputs" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"experiment-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(record, indent=2))
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
