"""Entry point: `python run.py` runs the main job; `python run.py --help` lists the rest."""

import sys

if __name__ == "__main__":
    try:
        from sim.cli import main
    except KeyboardInterrupt:  # Ctrl-C while the model's libraries are still loading
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(main())
