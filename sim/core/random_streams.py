"""Named random streams derived from one run seed (common random numbers).

Each process (patient arrivals, hazard emergence, errors, each kind of decision) draws from its
own generator, seeded from the run seed and the process name with `numpy.random.SeedSequence`.
Two scenarios run with the same seed therefore share their patient flow and hazards and differ
only where policy changes what agents do (Starsim's common-random-numbers idea). Python code
draws from `random.Random`, several times faster than a NumPy generator for one number at a
time; the compiled loops (Numba) draw from NumPy generators of their own.
"""

from __future__ import annotations

import math
import random
import zlib

import numpy as np
from numba import njit, types
from numba.experimental import structref
from numba.extending import register_jitable as jitable

STREAM_NAMES = (
    "arrivals", "patients", "hazards", "duty", "reporting", "management", "visibility",
    "walkrounds", "complications", "speaking_up", "staff", "managers", "patient_voice",
    "hazard_resolution", "support", "turnover", "correction",
)
# Streams of the compiled loops (`sim.core.passes`: shift, fatigue, bedside): NumPy generators,
# which Numba can draw from. Meeting obstacles, deciding, being observed by an auditor, the error
# a workaround may cause, resilience, complications and concerns each have their own, so that a
# change in one does not shift the others.
COMPILED_STREAM_NAMES = ("obstacle_meetings", "obstacle_decisions", "audit_observation",
                         "workaround_errors", "resilience", "complication_draws",
                         "concern_draws")
# Purposes of keyed draws (`KeyedDraws`, `keyed_uniform`): the day's number of errors in care
# (`sim.core.passes.care`), who is on duty, who leaves, and an error's draws, which follow its
# number (whose patient, caught by a colleague, by the patient, harm, reported).
ERROR_COUNT, DUTY, LEAVING, ERROR_DRAWS = 0, 1, 2, 3
PATIENT_DRAW, CATCH_DRAW, PATIENT_CATCH_DRAW, HARM_DRAW, REPORT_DRAW = 0, 1, 2, 3, 4


class RandomStreams:
    """One independent generator per named process, all derived from `seed`."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        for name in STREAM_NAMES:
            setattr(self, name, random.Random(stream_seed(seed, name)))
        for name in COMPILED_STREAM_NAMES:
            setattr(self, name, np.random.Generator(np.random.PCG64(stream_seed(seed, name))))
        self.compiled = compiled_streams(*(getattr(self, name) for name in COMPILED_STREAM_NAMES))

    def __getattr__(self, name: str) -> random.Random:
        raise AttributeError(f"no random stream named {name!r}; add it to STREAM_NAMES")


@structref.register
class CompiledStreamsType(types.StructRef):
    def preprocess_fields(self, fields: tuple) -> tuple:
        return tuple((name, types.unliteral(kind)) for name, kind in fields)


class CompiledStreams(structref.StructRefProxy):
    """The compiled loops' generators in one record, by the names of `COMPILED_STREAM_NAMES`:
    the same generators as `RandomStreams`' attributes, so Python and compiled code draw from
    one state. Handing Numba a NumPy generator costs about 9 us a call (three ctypes casts);
    the record hands over all of them for less than one."""


structref.define_proxy(CompiledStreams, CompiledStreamsType, list(COMPILED_STREAM_NAMES))


@njit(cache=True)
def compiled_streams(obstacle_meetings, obstacle_decisions, audit_observation, workaround_errors,
                     resilience, complication_draws, concern_draws):
    """The record of the compiled streams (built in compiled code, so that it is cached)."""
    return CompiledStreams(obstacle_meetings, obstacle_decisions, audit_observation,
                           workaround_errors, resilience, complication_draws, concern_draws)


def stream_seed(seed: int, name: str) -> int:
    """A 128-bit integer seed for stream `name` of run `seed`, stable across runs and platforms."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(zlib.crc32(name.encode()),))
    words = sequence.generate_state(4, dtype=np.uint32)
    return int(words[0]) | int(words[1]) << 32 | int(words[2]) << 64 | int(words[3]) << 96


def poisson(generator: random.Random, mean: float) -> int:
    """A Poisson(mean) draw from a Python stream: `poisson_quantile` of its next uniform (the
    model's one Poisson sampler, also used by the compiled loops and the keyed draws)."""
    return poisson_quantile(mean, generator.random())


class KeyedDraws:
    """Counter-based uniforms: the draw for a key (day, ward, post, purpose...) is fixed by the
    run seed and the key alone, however many draws came before.

    Used where common random numbers matter most: whether a clinician's day of care goes
    wrong, and whether that error is caught or harms. Two scenarios run with the same seed then
    see the same errors wherever policy has not changed the odds, so that paired differences in
    harm reflect policy, not which stream happened to be consumed first. One implementation,
    `keyed_uniform_of`, serves Python (compiled, through `uniform`) and the compiled loops.
    """

    def __init__(self, seed: int) -> None:
        self.key = stream_seed(seed, "keyed") % ((1 << 61) - 1)

    def uniform(self, *key: int) -> float:
        """The uniform for `key`, non-negative integers below 2**61 - 1."""
        return compiled_keyed_uniform((self.key, *key))

    def uniforms_of(self, day: int, ward: int, post: int, kind: int, number: int,
                    purposes: int) -> list[float]:
        """`uniform(day, ward, post, kind, number, purpose)` for purposes 0 .. `purposes` - 1,
        in one compiled call (a Python-to-compiled call costs more than the draws)."""
        return keyed_purposes(self.key, day, ward, post, kind, number, purposes).tolist()

    def uniforms(self, day: int, wards: np.ndarray, posts: np.ndarray,
                 purpose: int) -> list[float]:
        """`uniform(day, ward, post, purpose)` for many posts at once (compiled)."""
        return keyed_uniforms(self.key, day, wards, posts, purpose).tolist()


# The mixing is CPython's hash of a tuple of integers (Objects/tupleobject.c, xxHash-based,
# 64-bit builds), which the model used to call, followed by the splitmix64 finaliser, which
# spreads it over 53 uniform bits. For non-negative integers below 2**61 - 1 (each its own hash)
# the uniform is the one `hash()` gave, so draws did not change; a test checks it still does.
_UNIT = 1.0 / (1 << 53)
_XXPRIME_1 = 11400714785074694791
_XXPRIME_2 = 14029467366897019727
_XXPRIME_5 = 2870177450012600261
_LENGTH_MANGLE = _XXPRIME_5 ^ 3527539
_HASH_OF_MINUS_ONE_TUPLE = 1546275796


@jitable
def _tuple_hash_lane(accumulator: np.uint64, item: int) -> np.uint64:
    """One item of a tuple hash; `item` is a non-negative integer below 2**61, its own hash."""
    accumulator = accumulator + np.uint64(item) * np.uint64(_XXPRIME_2)
    accumulator = (accumulator << np.uint64(31)) | (accumulator >> np.uint64(33))
    return accumulator * np.uint64(_XXPRIME_1)


@jitable
def keyed_uniform_of(items: tuple[int, ...]) -> float:
    """The keyed uniform in [0, 1) of `items`: the draws' `key` first, then the draw's own key,
    all non-negative integers below 2**61 - 1 (the one implementation of keyed draws)."""
    mixed = np.uint64(_XXPRIME_5)
    for item in items:
        mixed = _tuple_hash_lane(mixed, item)
    mixed = mixed + (np.uint64(len(items)) ^ np.uint64(_LENGTH_MANGLE))
    if mixed == np.uint64(0xFFFFFFFFFFFFFFFF):
        mixed = np.uint64(_HASH_OF_MINUS_ONE_TUPLE)
    mixed = (mixed ^ (mixed >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    mixed = (mixed ^ (mixed >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return float((mixed ^ (mixed >> np.uint64(31))) >> np.uint64(11)) * _UNIT


@jitable
def keyed_uniform(key: int, day: int, ward: int, post: int, purpose: int) -> float:
    """`KeyedDraws(seed).uniform(day, ward, post, purpose)` for compiled code (`key` is the
    draws' `key`)."""
    return keyed_uniform_of((key, day, ward, post, purpose))


# Above this mean, e**-mean is too close to the smallest double for the product of terms.
LARGE_POISSON_MEAN = 700.0


@jitable
def poisson_quantile(mean: float, uniform: float) -> int:
    """The Poisson(mean) count at cumulative probability `uniform`: inversion of one uniform,
    so a draw uses one number whatever its mean (common random numbers). The model's one
    Poisson sampler: Python streams (`poisson`), the compiled loops and the keyed draws of care
    all call it."""
    if mean <= 0.0:
        return 0
    count = 0
    if mean <= LARGE_POISSON_MEAN:
        term = cumulative = 2.718281828459045 ** -mean
        while uniform > cumulative and term > 0.0:
            count += 1
            term *= mean / count
            cumulative += term
        return count
    # Terms from their logarithms: the first ones vanish, the sum still reaches `uniform`.
    log_mean = math.log(mean)
    cumulative = math.exp(-mean)
    while uniform > cumulative and count < 10.0 * mean:
        count += 1
        cumulative += math.exp(count * log_mean - mean - math.lgamma(count + 1.0))
    return count


@njit(cache=True)
def compiled_keyed_uniform(items):
    """`keyed_uniform_of` compiled, for Python: `hash()` and plain-Python 64-bit arithmetic
    would be a second implementation, or slower."""
    return keyed_uniform_of(items)


@njit(cache=True)
def keyed_uniforms(key, day, wards, posts, purpose):
    draws = np.empty(len(posts))
    for i in range(len(posts)):
        draws[i] = keyed_uniform(key, day, wards[i], posts[i], purpose)
    return draws


@njit(cache=True)
def keyed_purposes(key, day, ward, post, kind, number, purposes):
    draws = np.empty(purposes)
    for purpose in range(purposes):
        draws[purpose] = keyed_uniform_of((key, day, ward, post, kind, number, purpose))
    return draws
