"""Perceptions measured the way staff surveys measure them (AHRQ SOPS 2.0).

A survey does not read a belief off a clinician: each clinician answers a few items on a 1-5
agreement scale, each answer their latent belief (0-1, mapped onto the scale) plus response
noise and the item's own difficulty, and a composite is the share of positive answers (4 or 5;
reverse-worded items already inverted) over its items and respondents (Sorra et al., AHRQ
SOPS 2.0 user's guide, 2019). So a composite saturates gracefully toward 0 and 100% and can be
set beside a hospital's own survey.

The composite here is the expected share positive of a census survey: for each clinician and
item, the chance that latent + noise lands on 4 or 5, averaged. It draws no random numbers, so
measuring never changes a run; a sampled survey would add sampling noise around it. It runs
every simulated day, so the average is compiled (Numba).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit
from numba.extending import register_jitable as jitable

from sim.config.behaviour import SurveyBehaviour

SCALE_LOW, SCALE_HIGH = 1.0, 5.0
POSITIVE_FROM = 3.5  # answers of 4 ("agree") or 5 ("strongly agree") round up from here


@dataclass(frozen=True)
class Composite:
    """A SOPS 2.0 composite: which latent belief its items read, and how hard its items are."""

    name: str  # the metric's name
    title: str  # the composite's name in SOPS 2.0
    belief: str  # the clinician attribute the items read
    reverse: bool  # the belief is the opposite of a positive answer (expected blame)
    difficulty: str  # the SurveyBehaviour field holding the composite's mean item difficulty


COMPOSITES: tuple[Composite, ...] = (
    # The items ask how mistakes are treated here ("staff are treated fairly when they make
    # mistakes"): the settled view, not the expectation after the latest response.
    Composite("sops_response_to_error", "Response to error (nonpunitive)", "blame_disposition",
              True, "response_to_error_difficulty"),
    Composite("sops_communication_openness", "Communication openness",
              "psychological_safety", False, "communication_openness_difficulty"),
    Composite("sops_communication_about_error", "Communication about error (feedback)",
              "perceived_usefulness", False, "communication_about_error_difficulty"),
    Composite("sops_management_support", "Hospital management support for patient safety",
              "trust_in_management", False, "management_support_difficulty"),
)
BELIEFS_READ = tuple(composite.belief for composite in COMPOSITES)
NAMES = tuple(composite.name for composite in COMPOSITES)
REVERSED = np.array([composite.reverse for composite in COMPOSITES], dtype=np.bool_)


@jitable
def positive_chance(latent: float, difficulty: float, noise: float) -> float:
    """Chance that one answer to one item is positive (4-5 on the 1-5 scale).

    The answer is 1 + 4 x latent - difficulty + noise, the noise normal with SD `noise` scale
    points (a person's answer to one item varies from one day to another)."""
    answer = SCALE_LOW + (SCALE_HIGH - SCALE_LOW) * latent - difficulty
    if noise <= 0.0:
        return 1.0 if answer >= POSITIVE_FROM else 0.0
    return 0.5 * math.erfc((POSITIVE_FROM - answer) / (noise * math.sqrt(2.0)))


def item_difficulties(mean: float, spread: float, items: int) -> list[float]:
    """Difficulties of a composite's items, evenly spread around their mean."""
    if items == 1:
        return [mean]
    return [mean + spread * (2.0 * k / (items - 1) - 1.0) for k in range(items)]


def composite_score(latents: Sequence[float], difficulties: Sequence[float], noise: float,
                    reverse: bool = False) -> float:
    """Share of positive answers over every respondent and item (NaN with no respondents)."""
    if len(latents) == 0 or len(difficulties) == 0:
        return math.nan
    return float(composite_scores(np.array([latents], dtype=np.float64),
                                  np.array([difficulties], dtype=np.float64), noise,
                                  np.array([reverse]))[0])


@jitable
def mean_positive(latents, difficulties, noise, reverse):
    """`positive_chance` averaged over respondents and items."""
    total = 0.0
    for value in latents:
        latent = 1.0 - value if reverse else value
        for item in difficulties:
            total += positive_chance(latent, item, noise)
    return total / (len(latents) * len(difficulties))


def measure(beliefs: Mapping[str, Sequence[float]], rules: SurveyBehaviour) -> dict[str, float]:
    """Every composite over the respondents whose latent beliefs are given (by belief name,
    one value per respondent), by metric name."""
    latents = np.array([beliefs[composite.belief] for composite in COMPOSITES],
                       dtype=np.float64)
    items = round(rules.items_per_composite)
    difficulties = np.array([item_difficulties(getattr(rules, composite.difficulty),
                                               rules.item_spread, items)
                             for composite in COMPOSITES], dtype=np.float64)
    if latents.shape[1] == 0 or items == 0:
        return dict.fromkeys(NAMES, math.nan)
    # All composites in one compiled call: the survey is read every simulated day.
    return dict(zip(NAMES, composite_scores(latents, difficulties, rules.response_noise,
                                            REVERSED).tolist(), strict=True))


@njit(cache=True)
def composite_scores(latents, difficulties, noise, reverse):
    """`mean_positive` of each composite: row k of `latents` and `difficulties`, reversed
    where `reverse[k]`."""
    scores = np.empty(len(latents))
    for k in range(len(latents)):
        scores[k] = mean_positive(latents[k], difficulties[k], noise, reverse[k])
    return scores
