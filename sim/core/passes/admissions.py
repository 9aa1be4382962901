"""The day's admissions, drawn for the whole hospital in one compiled call.

Each ward receives a Poisson number of arrivals (the occupancy the hospital aims for over the
mean stay, per bed); each arrival draws a lognormal length of stay, and is admitted while the
ward has a free bed. An admitted patient draws a frailty and a willingness to speak up
(logit-normal about the day's `AdmissionProfile`). The numbers come from the `arrivals` and
`patients` streams (`BlockStream`s of `sim.core.random_streams`); the model gives them to the
patients' agents (`HospitalModel.discharge_and_admit`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit
from numba.extending import register_jitable as jitable

from sim.core import mechanisms as rules
from sim.core.random_streams import (
    OUT_OF_UNIFORMS,
    BlockStream,
    gauss_pair,
    lognormal_variate,
    poisson_quantile,
    round_half_even,
)

if TYPE_CHECKING:
    from sim.core.agents.patient import AdmissionProfile
    from sim.core.world import Ward

# Arrival uniforms asked for per expected arrival: one stay takes two or more (rejections).
UNIFORMS_PER_ARRIVAL = 4


def draw_the_days_admissions(wards: list[Ward], arrivals: BlockStream, traits: BlockStream,
                             arrivals_per_bed: float, stay_law: tuple[float, float],
                             profile: AdmissionProfile, day: int) -> tuple[np.ndarray, ...]:
    """Admissions per ward of `wards` (as their beds are now), and each admitted patient's
    discharge day, frailty and inborn willingness to speak up, in order of admission.
    `stay_law` is the lognormal's mu and sigma."""
    beds = np.array([ward.beds for ward in wards], dtype=np.int64)
    free = np.array([max(0, ward.beds - len(ward.patients)) for ward in wards], dtype=np.int64)
    mu, sigma = stay_law
    patient_uniforms, patient_position = traits.block(2 * int(free.sum()))
    wanted = len(beds) + UNIFORMS_PER_ARRIVAL * round(float(beds.sum()) * arrivals_per_bed) + 64
    while True:
        arrival_uniforms, arrival_position = arrivals.block(wanted)
        *drawn, arrivals_after, traits_after = admissions_of_the_day(
            arrival_uniforms, arrival_position, patient_uniforms, patient_position, beds, free,
            arrivals_per_bed, mu, sigma, *profile, day)
        if arrivals_after != OUT_OF_UNIFORMS:
            break
        wanted *= 2  # a day of unusually many arrivals or rejections
    arrivals.position = arrivals_after
    traits.position = traits_after
    return tuple(drawn)


@njit(cache=True)
def admissions_of_the_day(arrival_uniforms, arrival_position, patient_uniforms,
                          patient_position, beds, free, arrivals_per_bed, mu, sigma,
                          vulnerability_log_odds, vulnerability_spread, engagement_log_odds,
                          engagement_spread, day):
    """The day's arrivals ward by ward (a Poisson count, then a stay each) and the traits of
    those a free bed takes; the positions after the uniforms used (the first
    `OUT_OF_UNIFORMS` if the arrivals' block ran out)."""
    wards = len(beds)
    capacity = 0
    for w in range(wards):
        capacity += free[w]
    admitted = np.zeros(wards, dtype=np.int64)
    discharge = np.empty(capacity, dtype=np.int64)
    vulnerability = np.empty(capacity)
    engagement = np.empty(capacity)
    n = 0
    for w in range(wards):
        if arrival_position >= len(arrival_uniforms):
            return admitted, discharge, vulnerability, engagement, OUT_OF_UNIFORMS, 0
        count = poisson_quantile(beds[w] * arrivals_per_bed, arrival_uniforms[arrival_position])
        arrival_position += 1
        for _ in range(count):
            stay, arrival_position = lognormal_variate(arrival_uniforms, arrival_position, mu,
                                                       sigma)
            if arrival_position == OUT_OF_UNIFORMS:
                return admitted, discharge, vulnerability, engagement, OUT_OF_UNIFORMS, 0
            if admitted[w] < free[w]:
                discharge[n] = day + max(1, round_half_even(stay))
                vulnerability[n], engagement[n] = traits_of(
                    patient_uniforms[patient_position], patient_uniforms[patient_position + 1],
                    vulnerability_log_odds, vulnerability_spread, engagement_log_odds,
                    engagement_spread)
                patient_position += 2
                admitted[w] += 1
                n += 1
    return (admitted, discharge[:n], vulnerability[:n], engagement[:n], arrival_position,
            patient_position)


def admission_traits(traits: BlockStream, profile: AdmissionProfile) -> tuple[float, float]:
    """One admitted patient's frailty and inborn willingness to speak up (one at a time, as
    `admissions_of_the_day` draws them for a day)."""
    uniforms, position = traits.block(2)
    traits.use(2)
    return traits_of(float(uniforms[position]), float(uniforms[position + 1]), *profile)


@jitable
def traits_of(first: float, second: float, vulnerability_log_odds: float,
              vulnerability_spread: float, engagement_log_odds: float,
              engagement_spread: float) -> tuple[float, float]:
    """A patient's frailty and inborn willingness to speak up from two uniforms: logit-normal
    about the profile's centres, from the two normal draws of `gauss_pair`."""
    frailty, voice = gauss_pair(first, second)
    return (rules.logistic(vulnerability_log_odds + vulnerability_spread * frailty),
            rules.logistic(engagement_log_odds + engagement_spread * voice))
