"""One direct check per mechanism: each rule moves the way its evidence says, by a plausible
size (M1-M14 and the structural rules of docs/ODD.md, section 7)."""

import math

import pytest

from sim.config import ModelConfig
from sim.core import mechanisms as rules
from sim.core.world import LOCAL_FIX_KEYS

CONFIG = ModelConfig()
NEUTRAL_REPORT = dict(psychological_safety=0.5, perceived_blame=0.45, usefulness=0.35, trust=0.45,
                      time_pressure=0.8, burned_out=False, harm=False, propensity=0.0)
NEUTRAL_WORKAROUND = dict(tolerance=0.35, ward_norm=0.35, time_pressure=0.85,
                          pointless_rule=False, protection=0.2, peer_control=0.5, vigilance=0.0,
                          audit_log_odds=0.0)


def odds(p):
    return p / (1 - p)


def report_chance(**changes):
    return rules.reporting_probability(CONFIG.reporting, **{**NEUTRAL_REPORT, **changes})


def workaround_chance(**changes):
    return rules.workaround_probability(CONFIG.workarounds, **{**NEUTRAL_WORKAROUND, **changes})


def second_order(time_pressure=0.6, used=0.0):
    return rules.second_order_probability(
        rules.log_odds(CONFIG.clinicians.second_order_propensity), 0.45, 0.3, time_pressure,
        used, CONFIG.improvement)


def test_m1_psychological_safety_raises_reporting():
    assert report_chance(psychological_safety=0.8) > report_chance(psychological_safety=0.2)


def test_m1_speaking_up_rises_with_safety_by_the_published_amount_not_without_bound():
    """Alingh 2019: B = 0.24 per SD; the catch chance must not track safety one for one."""
    errors = CONFIG.errors
    sd = errors.safety_sd_reference
    at_reference = rules.colleague_catch_probability(errors, errors.safety_reference)
    one_sd_up = rules.colleague_catch_probability(errors, errors.safety_reference + sd)
    assert math.log(odds(one_sd_up) / odds(at_reference)) == pytest.approx(
        errors.speaking_up_log_odds_per_sd)
    assert one_sd_up - at_reference < 0.15
    assert rules.colleague_catch_probability(errors, 0.95) < 0.95


def test_m2_expected_blame_suppresses_reporting():
    assert report_chance(perceived_blame=0.9) < report_chance(perceived_blame=0.1)


def test_m2_blame_lowers_safety_most_for_the_reporter_and_also_for_witnesses():
    learning = CONFIG.learning
    own, seen = rules.after_blame(learning, 0.6, own=True), rules.after_blame(learning, 0.6, False)
    assert own < seen < 0.6
    assert rules.blame_expectation(learning, 0.4, blamed=True, own=False) > 0.4


def test_m3_feedback_raises_and_silence_erodes_belief_in_reporting():
    learning = CONFIG.learning
    assert rules.after_feedback(learning, 0.4, own=True) > 0.4
    assert rules.after_silence(learning, 0.4, own=True) < 0.4
    assert report_chance(usefulness=0.7) > report_chance(usefulness=0.1)


def test_m4_time_pressure_drives_workarounds():
    assert workaround_chance(time_pressure=1.2) > workaround_chance(time_pressure=0.6)


def test_m4_a_workaround_raises_risk_in_proportion_to_what_it_bypasses():
    """van der Veen 2018: OR 3.06 for a bypassed barrier, on the task bypassed; Amalberti 2006:
    a pointless rule protects little."""
    errors = CONFIG.errors
    care_odds = 0.012
    task_odds = care_odds / errors.tasks_per_patient_day
    barrier = rules.workaround_excess_risk(errors, care_odds, 1.0)
    pointless = rules.workaround_excess_risk(errors, care_odds, 0.05)
    raised = task_odds / (1 + task_odds) + barrier * (1 - task_odds / (1 + task_odds))
    assert odds(raised) / task_odds == pytest.approx(errors.workaround_error_odds)
    assert pointless < 0.1 * barrier
    assert rules.workaround_excess_risk(errors, care_odds, 0.0) == 0.0


def test_m4_clinicians_bypass_safety_barriers_less_readily_than_pointless_rules():
    assert workaround_chance(protection=1.0) < workaround_chance(protection=0.05,
                                                                 pointless_rule=True)


def test_m4_second_order_solving_is_rare_under_pressure_and_rises_with_protected_time():
    hurried, calm = second_order(time_pressure=1.2), second_order(time_pressure=0.6)
    supported = second_order(time_pressure=0.6, used=1.0)
    assert hurried < calm < 0.15 < supported < 0.3


def test_m4_protected_improvement_time_is_crowded_out_under_pressure():
    """Repenning & Sterman 2002: first-order work crowds out improvement."""
    improvement = CONFIG.improvement
    assert rules.protected_time_used(0.6, improvement) == 1.0
    assert rules.protected_time_used(1.0, improvement) < 1.0
    assert rules.protected_time_used(1.5, improvement) == 0.0


def test_m5_unpunished_deviation_is_normalised_and_harm_corrects_it():
    quiet = rules.tolerance_after_deviation(0.4, False, False, 0.01, 0.15, 0.3)
    caught = rules.tolerance_after_deviation(0.4, False, True, 0.01, 0.15, 0.3)
    harmful = rules.tolerance_after_deviation(0.4, True, False, 0.01, 0.15, 0.3)
    assert harmful < caught < 0.4 < quiet


def test_m5_ward_norm_spreads_workarounds():
    assert workaround_chance(ward_norm=0.7) > workaround_chance(ward_norm=0.2)


def test_m6_time_pressure_drifts_practice_and_an_alert_ward_works_around_less():
    assert rules.efficiency_drift(0.4, 1.1, 0.002, 0.7) > rules.efficiency_drift(0.4, 0.6,
                                                                                 0.002, 0.7)
    assert rules.efficiency_drift(0.4, 0.6, 0.002, 0.7) == 0.4
    assert workaround_chance(vigilance=1.0) < 0.5 * workaround_chance(vigilance=0.0)


def test_m7_pointless_rules_invite_violations_and_peer_control_pulls_back():
    assert workaround_chance(pointless_rule=True) > workaround_chance()
    assert workaround_chance(peer_control=0.9) < workaround_chance(peer_control=0.1)


def test_m8_admin_burden_adds_strain_support_relieves_it_and_hurry_silences():
    burnout = CONFIG.burnout
    assert rules.daily_strain(0.8, 0.5, 0.0, 0.4, burnout) > rules.daily_strain(0.8, 0.2, 0.0,
                                                                                 0.4, burnout)
    assert rules.daily_strain(0.8, 0.3, 0.0, 0.8, burnout) < rules.daily_strain(0.8, 0.3, 0.0,
                                                                                 0.2, burnout)
    assert report_chance(time_pressure=1.3) < report_chance(time_pressure=0.8)


def test_m8_time_pressure_rises_with_load_regulatory_work_and_audits():
    improvement = CONFIG.improvement

    def pressure(care=0.6, admin=0.3, audited=False, planned=0.0):
        return rules.day_time_pressure(care, admin, audited, 0.05, planned, improvement)

    calm, regulatory, protected = pressure()
    assert (calm, regulatory, protected) == (0.6 + 0.3, 0.3, 0.0)
    assert pressure(care=1.0)[0] > calm and pressure(admin=0.5)[0] > calm
    audit_day = pressure(audited=True)
    assert audit_day[0] > calm and audit_day[1] > regulatory
    # Protected time adds what survives the day's first-order work (Repenning & Sterman 2002).
    light = pressure(care=0.4, planned=0.04)
    assert light[2] == 1.0 and light[0] == pytest.approx(0.4 + 0.3 + 0.04)
    heavy = pressure(care=1.0, planned=0.04)
    assert heavy[2] < light[2] and heavy[0] > light[0]


def test_m8_m11_support_rises_with_safety_and_trust_and_relieves_strain():
    assert rules.felt_support(0.8, 0.5) > rules.felt_support(0.4, 0.5)
    assert rules.felt_support(0.5, 0.8) > rules.felt_support(0.5, 0.4)
    assert rules.felt_support(0.0, 0.0) == 0.0 and rules.felt_support(1.0, 1.0) == 1.0
    burnout = CONFIG.burnout
    assert rules.daily_strain(0.8, 0.3, 0.0, rules.felt_support(0.9, 0.9), burnout) \
        < rules.daily_strain(0.8, 0.3, 0.0, rules.felt_support(0.1, 0.1), burnout)


def test_m4_a_ward_fixes_few_problems_with_its_own_means():
    """Tucker & Edmondson 2003: most problems come from outside the ward."""
    obstacles, improvement = CONFIG.obstacles, CONFIG.improvement
    chances = [rules.local_fix_probability(getattr(obstacles, key), improvement.fix_success)
               for key in LOCAL_FIX_KEYS.values()]
    assert all(0.0 < chance < 0.25 for chance in chances)
    assert rules.local_fix_probability(0.5, 0.6) > rules.local_fix_probability(0.2, 0.6)
    assert rules.local_fix_probability(0.5, 0.8) > rules.local_fix_probability(0.5, 0.6)
    assert rules.local_fix_probability(0.0, 0.6) == 0.0


def test_m4_a_fix_on_the_ward_works_with_the_local_fix_probability():
    # The same rule for clinicians and managers: two uniforms, fixed with the product's chance.
    grid = [(k + 0.5) / 200 for k in range(200)]
    fixed = sum(rules.fixed_on_ward(0.4, 0.7, a, b) for a in grid for b in grid)
    assert fixed / len(grid) ** 2 == pytest.approx(rules.local_fix_probability(0.4, 0.7),
                                                   abs=1e-3)
    assert not rules.fixed_on_ward(0.0, 1.0, 0.0, 0.0)


def test_m9_burnout_raises_the_odds_of_error_by_the_published_amount():
    errors = CONFIG.errors
    rested = rules.care_error_odds(errors, 0.01, False, 0.35, 0.9)
    burned = rules.care_error_odds(errors, 0.01, True, 0.35, 0.9)
    assert 1.5 <= burned / rested <= 2.5


def test_m9_rushed_care_errs_more_but_modestly():
    """Aiken 2002: about OR 1.07 per extra patient per nurse."""
    errors = CONFIG.errors
    calm = rules.care_error_odds(errors, 0.01, False, 0.35, 0.8)
    rushed = rules.care_error_odds(errors, 0.01, False, 0.35, 1.2)
    assert 1.0 < rushed / calm < 1.2


def test_m11_walkrounds_help_only_with_follow_through_and_witnesses_learn_less():
    walkrounds = CONFIG.walkrounds
    trust_up, useful_up = rules.after_walkround(walkrounds, 0.5, 0.5, resolved=True)
    trust_down, useful_down = rules.after_walkround(walkrounds, 0.5, 0.5, resolved=False)
    seen_up, _ = rules.after_walkround(walkrounds, 0.5, 0.5, resolved=True, share=0.2)
    assert trust_up > seen_up > 0.5 > trust_down and useful_up > 0.5 > useful_down


def test_m12_auditors_in_sight_and_readiness_inflate_compliance_transiently():
    audits = CONFIG.audits
    watched = workaround_chance(audit_log_odds=rules.audit_log_odds(audits, True, 0.0))
    ready = workaround_chance(audit_log_odds=rules.audit_log_odds(audits, True, 1.0))
    assert ready < watched < workaround_chance()
    readiness = 0.0
    for _ in range(6):  # six audits a month apart, chased by managers
        readiness = rules.audit_readiness(readiness, True, 0.8, audits)
        for _ in range(30):
            readiness = rules.audit_readiness(readiness, False, 0.8, audits)
    built = readiness
    for _ in range(180):
        readiness = rules.audit_readiness(readiness, False, 0.8, audits)
    assert built > 0.05 and readiness < 0.1 * built


def test_m12_an_auditor_in_sight_lowers_the_log_odds_of_a_workaround_unobserved_none():
    audits = CONFIG.audits
    assert rules.audit_log_odds(audits, False, 1.0) == 0.0
    assert rules.audit_log_odds(audits, True, 1.0) < rules.audit_log_odds(audits, True, 0.0) < 0


def test_m12_records_show_more_seen_workarounds_as_compliant_on_a_readied_ward():
    """Pickering 2013: gaming grows with readiness and is absent on an unprepared ward."""
    audits = CONFIG.audits
    assert rules.audit_gaming_probability(audits, 0.0) == 0.0
    assert 0.0 < rules.audit_gaming_probability(audits, 0.5) < rules.audit_gaming_probability(
        audits, 1.0) <= 1.0


def test_m13_harm_from_an_error_depends_on_the_patient():
    assert rules.harm_probability(CONFIG.errors, 0.8) > rules.harm_probability(CONFIG.errors, 0.2)


def test_m14_external_blame_hits_hardest_where_management_blames():
    learning = CONFIG.learning
    blaming = rules.after_external_blame(0.6, 0.5, 0.4, 0.1, learning)
    learning_mgmt = rules.after_external_blame(0.6, 0.5, 0.4, 0.9, learning)
    assert blaming[0] < learning_mgmt[0] < 0.6


def test_managers_become_defensive_under_pressure_and_learn_from_fixes():
    managers = CONFIG.managers
    calm = rules.manager_blame_log_odds(0.0, 0.0, 0.0, 0.0, managers)
    pressed = rules.manager_blame_log_odds(0.0, 0.0, 1.0, 0.0, managers)
    learned = rules.manager_blame_log_odds(0.0, 0.0, 0.0, 0.5, managers)
    assert learned < calm < pressed
    assert rules.manager_compliance_focus(0.5, 1.0, managers) > 0.5


def test_concerns_build_up_between_walkrounds():
    """M11: a ward walked yesterday has less new to raise than one walked a month ago, and a
    weekly walkround keeps about the chance of 0.5 x safety it was calibrated to."""
    walks = ModelConfig().walkrounds
    chance = {days: rules.concern_raised_probability(
        walks, 0.6, rules.walkround_novelty(days, walks.novelty_days)) for days in (1, 7.5, 60)}
    assert chance[1] < 0.1 < chance[7.5] < chance[60] <= 1.0
    assert chance[7.5] == pytest.approx(0.5 * 0.6, rel=0.05)
    # Thirty walkrounds a month raise fewer than twice the concerns of four.
    assert 30 * chance[1] < 2 * 4 * chance[7.5]


def test_settled_beliefs_learn_slowly_from_experience():
    """Persistence: after a year of a belief held above the disposition, the disposition has
    moved part of the way (about 30% at the default rate), so the belief no longer settles back
    to where it started; a month moves it little."""
    config = ModelConfig()
    memory, rate = config.clinicians.belief_memory, config.learning.disposition_rate

    def after(days: int) -> float:
        disposition = 0.4
        for _ in range(days):
            _, disposition = rules.settle_belief(0.8, disposition, memory, rate)
        return (disposition - 0.4) / (0.8 - 0.4)

    assert 0.0 < after(30) < 0.05
    assert 0.2 < after(365) < 0.45
