"""The model reproduces the behaviour the brief requires (MODEL-BRIEF section 6, F1-F6).

Each test compares two parameter settings over the same seeds (common random numbers), with
metrics pooled over the evaluation window so that the comparison is stable.
"""

import numpy as np

from tests.helpers import daily_runs, evaluated, pooled

PUNITIVE = {"management.punitiveness": 0.8}
JUST_CULTURE = {"management.punitiveness": 0.1}
NO_FEEDBACK = {"management.feedback_probability": 0.0}
FULL_FEEDBACK = {"management.feedback_probability": 0.9}
AUDIT_DRIVE = {"regulation.audits_per_year": 24.0}
HEAVY_BURDEN = {"regulation.admin_share": 0.45, "regulation.rule_obstacles": 1.6}
CLINICIAN_LED = {"clinicians.clinician_led_improvement": 0.6}
RULE_RELIEF = {"regulation.coherence": 0.9}


def test_f1_punitive_management_means_fewer_reports_and_no_less_harm():
    assert evaluated(PUNITIVE, "staff_reports") < 0.7 * evaluated(None, "staff_reports")
    assert evaluated(PUNITIVE, "reporting_rate") < evaluated(None, "reporting_rate")
    assert evaluated(PUNITIVE, "adverse_events") >= evaluated(None, "adverse_events")


def test_f2_just_culture_raises_reports_while_harm_does_not_rise():
    assert evaluated(JUST_CULTURE, "staff_reports") > 1.5 * evaluated(None, "staff_reports")
    assert evaluated(JUST_CULTURE, "adverse_events") <= evaluated(None, "adverse_events")


def test_f2_across_wards_reporting_follows_safety_not_harm():
    """Reporting paradox: the wards that report most feel safest; they are not the most harmful."""
    from sim.model import HospitalModel
    from tests.helpers import make_config

    reports, safety, harm = [], [], []
    for seed in range(6):
        config = make_config(management__punitiveness_spread=1.2)
        config.run.days, config.run.burn_in = 180, 90
        model = HospitalModel(config, seed=seed, storytelling=False).run()
        for ward in model.wards:
            reports.append(ward.staff_reports / max(ward.incidents, 1))
            safety.append(ward.safety_climate)
            harm.append(ward.adverse_events)
    with_safety = np.corrcoef(reports, safety)[0, 1]
    with_harm = np.corrcoef(reports, harm)[0, 1]
    assert with_safety > 0.4
    assert with_safety > with_harm + 0.3


def test_f3_without_feedback_reporting_declines_and_ends_lower():
    silent = daily_runs(tuple(NO_FEEDBACK.items()))
    early = pooled(silent, "reporting_rate", 1, 120)
    late = pooled(silent, "reporting_rate", 246, 365)
    assert late < 0.92 * early
    assert late < pooled(daily_runs(tuple(FULL_FEEDBACK.items())), "reporting_rate", 246, 365)


def test_f4_audits_inflate_measured_compliance_but_not_safety():
    measured = evaluated(AUDIT_DRIVE, "measured_compliance")
    true = evaluated(AUDIT_DRIVE, "true_compliance")
    assert measured > true + 0.2
    harm_change = evaluated(AUDIT_DRIVE, "adverse_events") / evaluated(None, "adverse_events")
    assert 0.9 < harm_change < 1.1


def test_f5_regulatory_burden_burns_out_works_around_silences_and_harms():
    assert evaluated(HEAVY_BURDEN, "burnout_prevalence") > evaluated(None, "burnout_prevalence")
    assert evaluated(HEAVY_BURDEN, "workaround_rate") > evaluated(None, "workaround_rate")
    assert evaluated(HEAVY_BURDEN, "reporting_rate") < evaluated(None, "reporting_rate")
    assert evaluated(HEAVY_BURDEN, "adverse_events") > evaluated(None, "adverse_events")


def test_f6_workarounds_rise_then_plateau():
    frames = daily_runs((), days=300, burn_in=0)
    start = pooled(frames, "workaround_rate", 1, 30)
    middle = pooled(frames, "workaround_rate", 150, 210)
    end = pooled(frames, "workaround_rate", 240, 300)
    assert middle - start > 0.03
    assert abs(end - middle) < 0.5 * (middle - start)


def test_f6_second_order_solving_or_fewer_rules_cut_obstacles_and_workarounds():
    for policy in (CLINICIAN_LED, RULE_RELIEF):
        assert evaluated(policy, "obstacle_encounters") < evaluated(None, "obstacle_encounters")
        assert evaluated(policy, "workarounds") < evaluated(None, "workarounds")
    assert evaluated(CLINICIAN_LED, "open_hazards") < 0.5 * evaluated(None, "open_hazards")


def test_m13_safer_feeling_wards_harm_fewer_patients_moderately():
    """Mardon 2010: culture measures relate to adverse events with betas of -0.15 to -0.41."""
    from sim.model import HospitalModel
    from tests.helpers import make_config

    safety, harm = [], []
    for seed in range(8):
        config = make_config()
        config.run.days = 180
        model = HospitalModel(config, seed=seed, storytelling=False).run()
        safety += [ward.safety_climate for ward in model.wards]
        harm += [ward.adverse_events for ward in model.wards]
    assert -0.75 < np.corrcoef(safety, harm)[0, 1] < -0.1
