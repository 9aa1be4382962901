"""Entry point: `python run.py` runs the main job; `python run.py --help` lists the rest."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
