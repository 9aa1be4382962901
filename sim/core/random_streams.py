"""Named random streams derived from one run seed (common random numbers).

Each process (patient arrivals, hazard emergence, errors, each kind of decision) draws from its
own generator, seeded from the run seed and the process name with `numpy.random.SeedSequence`.
Two scenarios run with the same seed therefore share their patient flow and hazards and differ
only where policy changes what agents do (Starsim's common-random-numbers idea). Python code
draws from `random.Random`, several times faster than a NumPy generator for one number at a
time; the compiled loops (Numba) draw from NumPy generators of their own; patient flow, which a
compiled pass draws a day of at once, from `BlockStream`s (the numbers of `random.Random`,
drawn ahead in blocks).
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
    "hazards", "duty", "reporting", "management", "visibility",
    "walkrounds", "complications", "speaking_up", "staff", "managers", "patient_voice",
    "support", "turnover", "correction",
)
# Streams read many numbers at a time (a day's patient flow, `sim.core.passes.admissions`; one
# uniform per open hazard): the numbers of `random.Random`, drawn ahead in blocks.
BLOCK_STREAM_NAMES = ("arrivals", "patients", "hazard_resolution")
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
        for name in BLOCK_STREAM_NAMES:
            setattr(self, name, BlockStream(stream_seed(seed, name)))
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
                 purpose: int) -> np.ndarray:
        """`uniform(day, ward, post, purpose)` for many posts at once (compiled)."""
        return keyed_uniforms(self.key, day, wards, posts, purpose)


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


# --- streams drawn ahead in blocks --------------------------------------------------------------
# A `BlockStream` gives the very uniforms that `random.Random` seeded alike gives, one after
# another, but draws them ahead in blocks from NumPy's Mersenne Twister (the same generator,
# handed the same state; both build a double from two 32-bit outputs the same way). Its normal,
# Gaussian and lognormal draws are Python's own algorithms (`random.Random.normalvariate`,
# `gauss`, `lognormvariate`, written out below), so a stream gives the same numbers whether a
# compiled pass reads its block or Python calls it one draw at a time. Admitting a day's
# patients (a length of stay and two traits per patient) then costs one compiled call instead
# of four Python calls per patient, and a day of hazards resolving by themselves one
# comparison of an array, with the same numbers as before.

BLOCK = 4096  # uniforms drawn at a time; a default hospital's day takes a few hundred
# Python's constants for its normal samplers (`random.NV_MAGICCONST`, `random.TWOPI`).
NV_MAGICCONST = 4 * math.exp(-0.5) / math.sqrt(2.0)
TWOPI = 2.0 * math.pi
OUT_OF_UNIFORMS = -1  # what a sampler returns as the next position when the block ran out


class BlockStream:
    """The uniforms of `random.Random(seed)`, in order, drawn ahead in blocks.

    `block()` hands compiled code the unused uniforms from `position` on; the code says how
    many it used (`use`). `random()` and the samplers below take them one at a time.
    """

    def __init__(self, seed: int) -> None:
        state = random.Random(seed).getstate()[1]  # 624 words and the position in them
        self.generator = np.random.RandomState()
        self.generator.set_state(("MT19937", np.array(state[:-1], dtype=np.uint32), state[-1]))
        self.uniforms = np.empty(0)
        self.position = 0

    def block(self, wanted: int = 1) -> tuple[np.ndarray, int]:
        """The block of uniforms and the position of the first unused one, with at least
        `wanted` unused."""
        if self.position + wanted > len(self.uniforms):
            fresh = self.generator.random_sample(max(BLOCK, wanted))
            self.uniforms = np.concatenate((self.uniforms[self.position:], fresh))
            self.position = 0
        return self.uniforms, self.position

    def use(self, count: int) -> None:
        """Mark `count` uniforms of the block as used."""
        self.position += count

    def random(self) -> float:
        """The next uniform in [0, 1), as `random.Random.random`."""
        uniforms, position = self.block()
        self.position = position + 1
        return float(uniforms[position])

    def lognormvariate(self, mu: float, sigma: float) -> float:
        """As `random.Random.lognormvariate`."""
        uniforms, position = self.block(64)
        value, after = lognormal_variate(uniforms, position, mu, sigma)
        while after == OUT_OF_UNIFORMS:  # dozens of rejections in a row: practically never
            uniforms, position = self.block(2 * (len(uniforms) - position))
            value, after = lognormal_variate(uniforms, position, mu, sigma)
        self.position = after
        return value


@jitable
def normal_variate(uniforms: np.ndarray, position: int, mu: float,
                   sigma: float) -> tuple[float, int]:
    """`random.Random.normalvariate` (Kinderman and Monahan's ratio method) on the uniforms
    from `position`: the draw and the position after it (`OUT_OF_UNIFORMS` if they ran out)."""
    while position + 1 < len(uniforms):
        u1 = uniforms[position]
        u2 = 1.0 - uniforms[position + 1]
        position += 2
        z = NV_MAGICCONST * (u1 - 0.5) / u2
        if z * z / 4.0 <= -math.log(u2):
            return mu + z * sigma, position
    return math.nan, OUT_OF_UNIFORMS


@jitable
def lognormal_variate(uniforms: np.ndarray, position: int, mu: float,
                      sigma: float) -> tuple[float, int]:
    """`random.Random.lognormvariate` on the uniforms from `position`, as `normal_variate`."""
    value, position = normal_variate(uniforms, position, mu, sigma)
    return math.exp(value), position


@jitable
def gauss_pair(first: float, second: float) -> tuple[float, float]:
    """The two standard normal draws that `random.Random.gauss` makes of two uniforms (Box and
    Muller): its first call returns the first, its next call the second."""
    angle = first * TWOPI
    radius = math.sqrt(-2.0 * math.log(1.0 - second))
    return math.cos(angle) * radius, math.sin(angle) * radius


@jitable
def round_half_even(value: float) -> int:
    """Python's `round(value)`: to the nearest integer, halves to the even one."""
    floor = math.floor(value)
    rest = value - floor  # exact for doubles of this size
    if rest > 0.5 or (rest == 0.5 and floor % 2.0 == 1.0):
        floor += 1.0
    return int(floor)
