"""One direct check per mechanism: each rule moves the way the brief says (M1-M14)."""

import pytest

from sim import mechanisms as rules

NEUTRAL_REPORT = dict(psychological_safety=0.5, perceived_blame=0.45, usefulness=0.35, trust=0.45,
                      time_pressure=0.8, burned_out=False, harm=False, propensity=0.0)
NEUTRAL_WORKAROUND = dict(tolerance=0.35, ward_norm=0.35, time_pressure=0.85,
                          pointless_rule=False, coherence=0.6, audited=False, peer_control=0.5)


def report_chance(**changes):
    return rules.reporting_probability(**{**NEUTRAL_REPORT, **changes})


def workaround_chance(**changes):
    return rules.workaround_probability(**{**NEUTRAL_WORKAROUND, **changes})


def test_m1_psychological_safety_raises_reporting():
    assert report_chance(psychological_safety=0.8) > report_chance(psychological_safety=0.2)


def test_m1_psychological_safety_makes_colleagues_catch_errors():
    assert rules.colleague_catch_probability(0.8) > rules.colleague_catch_probability(0.2)


def test_m2_expected_blame_suppresses_reporting():
    assert report_chance(perceived_blame=0.9) < report_chance(perceived_blame=0.1)


def test_m2_blame_lowers_safety_most_for_the_reporter_and_also_for_witnesses():
    own, seen = rules.after_blame(0.6, own=True), rules.after_blame(0.6, own=False)
    assert own < seen < 0.6
    assert rules.blame_expectation(0.4, blamed=True, own=False) > 0.4


def test_m3_feedback_raises_and_silence_erodes_belief_in_reporting():
    assert rules.after_feedback(0.4, own=True) > 0.4
    assert rules.after_silence(0.4, own=True) < 0.4
    assert report_chance(usefulness=0.7) > report_chance(usefulness=0.1)


def test_m4_time_pressure_drives_workarounds():
    assert workaround_chance(time_pressure=1.2) > workaround_chance(time_pressure=0.6)


def test_m4_workarounds_triple_the_odds_of_error():
    plain = rules.error_probability(0.01, False, False, 0.35)
    worked_around = rules.error_probability(0.01, True, False, 0.35)
    odds = lambda p: p / (1 - p)  # noqa: E731
    assert odds(worked_around) / odds(plain) == pytest.approx(rules.WORKAROUND_ERROR_ODDS)


def test_m4_second_order_solving_is_rare_under_pressure_and_rises_with_support():
    hurried = rules.second_order_probability(0.07, 0.5, 0.35, 1.2, 0.0)
    calm = rules.second_order_probability(0.07, 0.5, 0.35, 0.6, 0.0)
    supported = rules.second_order_probability(0.07, 0.5, 0.35, 0.6, 0.8)
    assert hurried < calm < 0.15 < supported


def test_m5_unpunished_deviation_is_normalised_and_harm_corrects_it():
    quiet = rules.tolerance_after_deviation(0.4, False, False, 0.01, 0.15)
    caught = rules.tolerance_after_deviation(0.4, False, True, 0.01, 0.15)
    harmful = rules.tolerance_after_deviation(0.4, True, False, 0.01, 0.15)
    assert harmful < caught < 0.4 < quiet


def test_m5_ward_norm_spreads_workarounds():
    assert workaround_chance(ward_norm=0.7) > workaround_chance(ward_norm=0.2)


def test_m6_time_pressure_drifts_practice_toward_the_boundary():
    assert rules.efficiency_drift(0.4, 1.1, 0.002) > rules.efficiency_drift(0.4, 0.6, 0.002)
    assert rules.efficiency_drift(0.4, 0.6, 0.002) == 0.4


def test_m7_pointless_rules_invite_violations_and_peer_control_pulls_back():
    assert workaround_chance(pointless_rule=True, coherence=0.2) > workaround_chance()
    assert workaround_chance(peer_control=0.9) < workaround_chance(peer_control=0.1)


def test_m8_admin_burden_adds_strain_and_lack_of_time_suppresses_reporting():
    assert rules.daily_strain(0.8, 0.5, 0.0) > rules.daily_strain(0.8, 0.2, 0.0)
    assert report_chance(time_pressure=1.3) < report_chance(time_pressure=0.8)


def test_m9_burnout_doubles_the_odds_of_error():
    rested = rules.error_probability(0.01, False, False, 0.35)
    burned = rules.error_probability(0.01, False, True, 0.35)
    assert 1.5 <= (burned / (1 - burned)) / (rested / (1 - rested)) <= 2.5


def test_m10_engaged_patients_catch_errors():
    assert rules.patient_catch_probability(0.8) > rules.patient_catch_probability(0.1)


def test_m11_walkrounds_help_only_with_follow_through():
    trust_up, useful_up = rules.after_walkround(0.5, 0.5, resolved=True)
    trust_down, useful_down = rules.after_walkround(0.5, 0.5, resolved=False)
    assert trust_up > 0.5 > trust_down and useful_up > 0.5 > useful_down


def test_m12_auditors_in_sight_inflate_compliance():
    assert workaround_chance(audited=True) < 0.5 * workaround_chance(audited=False)


def test_m13_harm_from_an_error_depends_on_the_patient_and_catching():
    assert rules.harm_probability(0.8) > rules.harm_probability(0.2)


def test_m14_external_blame_hits_hardest_where_management_blames():
    blaming = rules.after_external_blame(0.6, 0.5, 0.4, learning_orientation=0.1)
    learning = rules.after_external_blame(0.6, 0.5, 0.4, learning_orientation=0.9)
    assert blaming[0] < learning[0] < 0.6
