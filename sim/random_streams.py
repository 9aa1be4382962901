"""Named random streams derived from one run seed (common random numbers).

Each process (patient arrivals, hazard emergence, errors, each kind of decision) draws from its
own generator, seeded from the run seed and the process name with `numpy.random.SeedSequence`.
Two scenarios run with the same seed therefore share their patient flow and hazards and differ
only where policy changes what agents do (Starsim's common-random-numbers idea). Python's
`random.Random` is used for the scalar draws because it is several times faster than a NumPy
generator for one number at a time.
"""

from __future__ import annotations

import random
import zlib

import numpy as np

STREAM_NAMES = (
    "arrivals", "patients", "hazards", "duty", "obstacles", "decisions", "errors",
    "reporting", "management", "visibility", "audits", "walkrounds", "complications",
    "speaking_up", "staff", "managers", "patient_voice", "hazard_resolution",
)


class RandomStreams:
    """One independent `random.Random` per named process, all derived from `seed`."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        for name in STREAM_NAMES:
            setattr(self, name, random.Random(stream_seed(seed, name)))

    def __getattr__(self, name: str) -> random.Random:
        raise AttributeError(f"no random stream named {name!r}; add it to STREAM_NAMES")


def stream_seed(seed: int, name: str) -> int:
    """A 128-bit integer seed for stream `name` of run `seed`, stable across runs and platforms."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(zlib.crc32(name.encode()),))
    words = sequence.generate_state(4, dtype=np.uint32)
    return int(words[0]) | int(words[1]) << 32 | int(words[2]) << 64 | int(words[3]) << 96


def poisson(generator: random.Random, mean: float) -> int:
    """Poisson draw by inversion (Knuth); means here are small, a few per ward-day."""
    if mean <= 0.0:
        return 0
    if mean > 30.0:
        return max(0, round(generator.gauss(mean, mean ** 0.5)))
    limit = 2.718281828459045 ** -mean
    count, product = 0, generator.random()
    while product > limit:
        count += 1
        product *= generator.random()
    return count
