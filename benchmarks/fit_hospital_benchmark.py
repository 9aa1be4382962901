"""Speed of `run.py fit-hospital` with its shipped settings on the shipped example hospital.

    .venv/bin/python benchmarks/fit_hospital_benchmark.py [--workers 2]

Reports the wall time of the whole command (target: under 10 minutes on a 2-core machine),
the number of model runs it made and the fit quality. A script, not a test: it takes minutes.
The results go to a temporary folder and nothing is installed in scenarios/.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "hospitals" / "northfield_general.yaml"
TARGET_SECONDS = 600


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hospital", type=Path, default=EXAMPLE)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(ROOT / "run.py"), "fit-hospital", str(arguments.hospital),
             "--workers", str(arguments.workers), "--out", folder,
             "--scenarios", str(Path(folder) / "installed")],
            capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - start
        trials = list(Path(folder).glob("*fit-*/trials.csv"))
        candidates = len(trials[0].read_text().splitlines()) - 1 if trials else 0
    print(result.stdout.strip())
    if result.returncode != 0:
        print(result.stderr.strip(), file=sys.stderr)
        return result.returncode
    verdict = "within" if seconds <= TARGET_SECONDS else "OVER"
    print(f"fit-hospital on {arguments.hospital.name}: {seconds:.0f} s with "
          f"{arguments.workers} workers ({candidates} TPE candidates); {verdict} the "
          f"{TARGET_SECONDS // 60}-minute target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
