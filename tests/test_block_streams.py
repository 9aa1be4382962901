"""Patient flow drawn a day at a time: the same numbers as Python's generator, one at a time.

`BlockStream` hands compiled code blocks of the uniforms `random.Random` gives, and its samplers
are Python's own algorithms; `draw_the_days_admissions` draws a day's admissions in one call.
These tests hold them to a reference written with `random.Random` itself, draw for draw.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from numba import njit

from sim.core import mechanisms as rules
from sim.core import random_streams
from sim.core.agents.patient import AdmissionProfile
from sim.core.passes import admissions
from sim.core.passes.admissions import admission_traits, draw_the_days_admissions
from sim.core.random_streams import (
    OUT_OF_UNIFORMS,
    BlockStream,
    gauss_pair,
    normal_variate,
    round_half_even,
)
from sim.core.world import Ward


@njit
def compiled_pair(first, second):
    return gauss_pair(first, second)


@njit
def compiled_round(value):
    return round_half_even(value)


def test_a_block_stream_gives_the_uniforms_of_random_random_across_blocks():
    seed = 2**100 + 12345
    reference = random.Random(seed)
    stream = BlockStream(seed)
    ours = [stream.random() for _ in range(3 * random_streams.BLOCK + 7)]
    assert ours == [reference.random() for _ in ours]


def test_its_lognormal_draws_are_python_s_interleaved_with_uniforms():
    reference, stream = random.Random(7), BlockStream(7)
    for _ in range(3000):
        assert stream.lognormvariate(1.4, 0.6) == reference.lognormvariate(1.4, 0.6)
        assert stream.random() == reference.random()


def test_gauss_pairs_are_the_two_draws_of_python_s_gauss():
    reference, uniforms = random.Random(11), random.Random(11)
    for _ in range(2000):
        first, second = uniforms.random(), uniforms.random()
        expected = (reference.gauss(0.0, 1.0), reference.gauss(0.0, 1.0))
        assert gauss_pair(first, second) == expected
        assert compiled_pair(first, second) == expected


def test_round_half_even_is_python_s_round():
    values = [0.5, 1.5, 2.5, 2.4999999999999996, 3.5000000000000004, 7.0, 0.49, 1e6 + 0.5]
    values += [random.Random(3).lognormvariate(1.5, 0.7) for _ in range(500)]
    assert [round_half_even(v) for v in values] == [round(v) for v in values]
    assert [compiled_round(v) for v in values] == [round(v) for v in values]


def test_a_sampler_says_when_the_uniforms_ran_out():
    # u2 = 1 - 0.999999 is tiny, so z is huge and every pair is rejected.
    assert normal_variate(np.full(5, 0.999999), 0, 0.0, 1.0)[1] == OUT_OF_UNIFORMS
    assert normal_variate(np.array([0.5, 0.5]), 0, 2.0, 1.0) == (2.0, 2)


def reference_admissions(wards, arrivals, traits, per_bed, mu, sigma, profile, day):
    """The day's admissions drawn one at a time with `random.Random`, as the model did before
    it drew them in blocks."""
    admitted, stays, frailty, voice = [], [], [], []
    for ward in wards:
        taken = 0
        count = random_streams.poisson_quantile(ward.beds * per_bed, arrivals.random())
        for _ in range(count):
            stay = max(1, round(arrivals.lognormvariate(mu, sigma)))
            if ward.beds > len(ward.patients) + taken:
                taken += 1
                stays.append(day + stay)
                frailty.append(rules.logistic(profile.vulnerability_log_odds
                                              + profile.vulnerability_spread * traits.gauss()))
                voice.append(rules.logistic(profile.engagement_log_odds
                                            + profile.engagement_spread * traits.gauss()))
        admitted.append(taken)
    return admitted, stays, frailty, voice


@pytest.mark.parametrize("small_blocks", [False, True])
def test_a_day_of_admissions_is_the_one_drawn_one_patient_at_a_time(monkeypatch, small_blocks):
    if small_blocks:  # the compiled call runs out of uniforms and asks again
        monkeypatch.setattr(random_streams, "BLOCK", 16)
        monkeypatch.setattr(admissions, "UNIFORMS_PER_ARRIVAL", 0)
    wards = [Ward(index, 12) for index in range(5)]
    for ward, occupied in zip(wards, (0, 6, 11, 12, 3), strict=True):
        ward.patients = [object()] * occupied
    profile = AdmissionProfile(rules.log_odds(0.2), 0.8, rules.log_odds(0.3), 1.1)
    arrivals, traits = BlockStream(21), BlockStream(22)
    python_arrivals, python_traits = random.Random(21), random.Random(22)
    for day in range(40):
        ours = draw_the_days_admissions(wards, arrivals, traits, 0.4, (1.2, 0.7), profile, day)
        expected = reference_admissions(wards, python_arrivals, python_traits, 0.4, 1.2, 0.7,
                                        profile, day)
        assert [list(values) for values in ours] == [list(values) for values in expected]
        assert all(0 <= taken <= ward.beds - len(ward.patients)
                   for taken, ward in zip(ours[0], wards, strict=True))
    # The streams stand where Python's would: what comes next is the same too.
    assert arrivals.random() == python_arrivals.random()
    assert admission_traits(traits, profile) == (
        rules.logistic(profile.vulnerability_log_odds
                       + profile.vulnerability_spread * python_traits.gauss()),
        rules.logistic(profile.engagement_log_odds
                       + profile.engagement_spread * python_traits.gauss()))


def test_admissions_fill_no_bed_twice_and_leave_none_free_when_arrivals_abound():
    wards = [Ward(index, 4) for index in range(3)]
    profile = AdmissionProfile(0.0, 1.0, 0.0, 1.0)
    admitted, stays, frailty, voice = draw_the_days_admissions(
        wards, BlockStream(1), BlockStream(2), 50.0, (math.log(3.0), 0.5), profile, 10)
    assert admitted.tolist() == [4, 4, 4]
    assert len(stays) == len(frailty) == len(voice) == 12
    assert (stays >= 11).all() and ((frailty > 0) & (frailty < 1)).all()
