"""Rules and documentation that protect, walkrounds that saturate, news that travels per ward,
and perceptions measured like a survey: each rule directly, then a few short paired runs.

The held-out patterns these rules produce at full size (the regulation optimum, saturation,
scale invariance, nonpunitive lowest) are in `sim.evidence.heldout`; the slow tier runs them.
"""

import math

import pytest

from sim.config import ModelConfig
from sim.core import mechanisms as rules
from sim.core import survey
from sim.evidence.effects import interval, run_variants
from sim.experiment.jobs import replicate_seeds

CONFIG = ModelConfig()
ERRORS = CONFIG.errors


# --- rules that protect, documentation that carries information ---------------------------

def test_a_sensible_rule_removed_exposes_the_care_it_covered():
    baseline = rules.unguarded_barrier_tasks(ERRORS, 0.8, 0.6)
    assert baseline == pytest.approx(max(0.0, ERRORS.barrier_tasks - 0.48))
    assert rules.unguarded_barrier_tasks(ERRORS, 0.0, 0.6) == pytest.approx(ERRORS.barrier_tasks)
    # the same burden, more of it sensible: fewer tasks unguarded
    assert rules.unguarded_barrier_tasks(ERRORS, 0.8, 0.9) < baseline
    # pointless rules cover nothing, however many there are
    assert rules.unguarded_barrier_tasks(ERRORS, 5.0, 0.0) == pytest.approx(ERRORS.barrier_tasks)


def test_sensible_rules_beyond_the_need_protect_nothing_more():
    assert rules.unguarded_barrier_tasks(ERRORS, 2.0, 1.0) == 0.0
    assert rules.unguarded_barrier_tasks(ERRORS, 4.0, 1.0) == 0.0


def test_an_unguarded_task_carries_the_odds_ratio_of_a_bypassed_barrier():
    odds = 0.015 / 0.985
    excess = rules.workaround_excess_risk(ERRORS, odds, 1.0)
    task = odds / ERRORS.tasks_per_patient_day
    # the bypassed (or absent) barrier multiplies that task's odds by about 3.06
    assert (task / (1 + task) + excess) / (task / (1 + task)) == pytest.approx(3.06, rel=0.05)


def test_documentation_protects_up_to_its_need_and_no_further():
    none = rules.documentation_error_odds(ERRORS, 0.0)
    half = rules.documentation_error_odds(ERRORS, ERRORS.documentation_need / 2)
    assert none == pytest.approx(ERRORS.handover_error_odds)  # Starmer 2014: 1/0.77
    assert 1.0 < half < none
    assert rules.documentation_error_odds(ERRORS, ERRORS.documentation_need) == 1.0
    assert rules.documentation_error_odds(ERRORS, 0.45) == 1.0  # more paperwork: no more gain


# --- walkrounds saturate -----------------------------------------------------------------------

def test_a_walkround_soon_after_the_last_counts_for_less():
    days = CONFIG.walkrounds.novelty_days
    first = rules.walkround_novelty(10**6, days)
    weekly = rules.walkround_novelty(7.5, days)
    daily = rules.walkround_novelty(1.0, days)
    assert first == pytest.approx(1.0)
    assert daily < weekly < first
    # a month's listening levels off: 30 a month gives well under 8x the gain of 4 a month
    monthly_gain = {n: n * rules.walkround_novelty(30.0 / n, days) for n in (4, 30)}
    assert monthly_gain[30] < 2.0 * monthly_gain[4]


# --- survey measurement ------------------------------------------------------------------------

def test_survey_answers_saturate_and_are_noisy():
    noise = CONFIG.survey.response_noise
    chances = [survey.positive_chance(x, 0.0, noise) for x in (0.0, 0.3, 0.6, 0.9, 1.0)]
    assert chances == sorted(chances)
    assert 0.0 < chances[0] < 0.05 and 0.9 < chances[-1] < 1.0
    # the middle of the scale moves most: a belief at the extremes has little left to show
    assert chances[2] - chances[1] > chances[4] - chances[3]
    assert survey.positive_chance(0.9, 0.0, 0.0) == 1.0  # no noise: a step at 3.5


def test_a_composite_is_the_share_of_positive_answers_over_items():
    score = survey.composite_score([0.2, 0.8], [0.0], 0.0)
    assert score == pytest.approx(0.5)  # one respondent answers 1.8, the other 4.2
    # expected blame is reverse worded: low expected blame is a positive answer
    assert survey.composite_score([0.1], [0.0], 0.0, reverse=True) == 1.0
    assert math.isnan(survey.composite_score([], [0.0], 0.9))
    items = survey.item_difficulties(0.2, 0.3, 3)
    assert items == pytest.approx([-0.1, 0.2, 0.5])


def test_the_survey_scores_every_composite_as_one_composite_alone():
    rules = CONFIG.survey
    beliefs = {belief: [0.1 + 0.2 * k + 0.05 * i for k in range(4)]
               for i, belief in enumerate(survey.BELIEFS_READ)}
    scores = survey.measure(beliefs, rules)
    assert list(scores) == [composite.name for composite in survey.COMPOSITES]
    for composite in survey.COMPOSITES:
        items = survey.item_difficulties(getattr(rules, composite.difficulty), rules.item_spread,
                                         round(rules.items_per_composite))
        assert scores[composite.name] == survey.composite_score(
            beliefs[composite.belief], items, rules.response_noise, composite.reverse)
    assert len({round(value, 9) for value in scores.values()}) == len(scores)
    nobody = survey.measure({belief: [] for belief in survey.BELIEFS_READ}, rules)
    assert all(math.isnan(value) for value in nobody.values())


# --- short paired runs -------------------------------------------------------------------------

SMALL = (("hospital.wards", 2), ("run.burn_in", 60), ("run.days", 200))
NO_REGULATION = (("regulation.admin_share", 0.0), ("regulation.rule_obstacles", 0.0),
                 ("regulation.audits_per_year", 0.0), ("burnout.doctor_admin_extra", 0.0))


def paired(changes, metric, seeds):
    runs = run_variants([("baseline", SMALL), ("baseline", SMALL + changes)], seeds, 2)
    return interval([s[metric] / b[metric] for s, b in
                     zip(runs[("baseline", SMALL + changes)], runs[("baseline", SMALL)],
                         strict=True)])


def test_removing_every_rule_and_all_paperwork_raises_preventable_harm():
    """Haynes 2009; Poon 2010; Starmer 2014: barriers protect. Less strain and time pressure
    cannot make up for care left unguarded (about +20% at full size)."""
    mean, low, _ = paired(NO_REGULATION, "preventable_adverse_events", replicate_seeds(5, 4))
    assert low > 1.0 and mean < 1.6


def test_survey_composites_are_daily_metrics_and_nonpunitive_is_lowest_at_baseline():
    from sim.evidence.effects import window_summary

    run = window_summary("baseline", SMALL, 3)
    scores = {c.name: run[c.name] for c in survey.COMPOSITES}
    assert all(0.0 < value < 1.0 for value in scores.values())
    assert min(scores, key=scores.get) == "sops_response_to_error"
    assert 0.3 < scores["sops_response_to_error"] < 0.6  # AHRQ 2012: 44% positive
    assert run["patient_report_rate"] * 1000 < 5  # patients barely report at baseline
