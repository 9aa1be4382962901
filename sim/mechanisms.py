"""The causal rules of the model, one function per mechanism of the model brief (M1-M14).

Agents call these functions to make their decisions and to update their beliefs; nothing here
touches a metric. Each function names its mechanism and evidence, so that a reader who wants to
change how, say, punitive responses act on reporting finds the single place to do it. The
functional forms are logistic for choices (log-odds add up across influences, the usual way to
combine published odds ratios) and first-order relaxation for beliefs (a belief moves a fraction
of the way toward what was just seen, so recent experience counts most).
"""

from __future__ import annotations

import math

# Odds ratios taken from the literature (see docs/ODD.md, "Submodels").
WORKAROUND_ERROR_ODDS = 3.06  # van der Veen 2018: medication workarounds, adjusted OR for error
BURNOUT_ERROR_ODDS = 2.0  # Panagioti 2018 (OR ~2.2), shrunk toward 1.5-2.5 after Tawfik 2019
AUDIT_DETERRENCE_LOG_ODDS = -2.3  # Srigley 2014: ~3x compliance with auditors in sight
DOCTOR_ADMIN_MULTIPLIER = 1.4  # Sinsky 2016 (49%) vs Hendrich 2008 (35%): doctors' desk-work share


def logistic(log_odds: float) -> float:
    """Probability from log-odds, safe for large magnitudes."""
    if log_odds >= 0:
        return 1.0 / (1.0 + math.exp(-log_odds))
    z = math.exp(log_odds)
    return z / (1.0 + z)


def log_odds(probability: float) -> float:
    """Log-odds of a probability, clamped away from 0 and 1."""
    probability = min(max(probability, 0.001), 0.999)
    return math.log(probability / (1.0 - probability))


def relax(value: float, target: float, rate: float) -> float:
    """Move a belief a fraction `rate` of the way toward `target`."""
    return value + rate * (target - value)


# --- M1, M2, M3, M8: the decision to report ------------------------------------------------


def reporting_probability(psychological_safety: float, perceived_blame: float,
                          usefulness: float, trust: float, time_pressure: float,
                          burned_out: bool, harm: bool, propensity: float) -> float:
    """Chance that a clinician reports an incident they were involved in.

    M1 psychological safety raises reporting (Edmondson 1999; Leroy 2012). M2 expected blame is
    the leading barrier (Archer 2017). M3 belief that reporting changes something, built from
    feedback, is the strongest predictor of reporting frequency (Benn 2009; AHRQ analyses).
    M8 distrust of how managers use incident data (Waring 2005) and lack of time (Sinsky 2016)
    suppress it. Harm events are reported more than near misses (Evans 2006). `propensity` is
    the clinician's personal log-odds offset (role and habit: nurses file most reports).
    """
    log_odds = (-2.5 + propensity
                + 2.5 * (psychological_safety - 0.5)
                - 2.0 * (perceived_blame - 0.5)
                + 3.0 * (usefulness - 0.35)
                + 1.0 * (trust - 0.45)
                - 3.0 * max(0.0, time_pressure - 0.9)
                - (0.7 if burned_out else 0.0)
                + (1.0 if harm else 0.0))
    return logistic(log_odds)


# --- M4, M5, M6, M7, M12: working around an obstacle ---------------------------------------


def second_order_probability(base_propensity: float, psychological_safety: float,
                             usefulness: float, time_pressure: float,
                             clinician_led_improvement: float) -> float:
    """Chance that a clinician fixes or reports the cause of a problem rather than coping.

    M4 Tucker & Edmondson 2003: only 7% of responses to problems were second-order; time
    pressure and the belief that raising problems is pointless or risky keep it low.
    Clinician-led improvement (protected time and authority to fix) raises it.
    """
    support = (0.5 + psychological_safety) * (0.5 + usefulness) / 0.85
    hurry = max(0.2, 1.0 - 1.5 * max(0.0, time_pressure - 0.8))
    return min(0.95, base_propensity * support * hurry + 0.3 * clinician_led_improvement)


def workaround_probability(tolerance: float, ward_norm: float, time_pressure: float,
                           pointless_rule: bool, coherence: float, audited: bool,
                           peer_control: float) -> float:
    """Chance that a clinician works around an obstacle instead of complying.

    M4 workarounds come from obstacles and time pressure (Tucker & Edmondson 2003) and spread
    through group norms (Debono 2013). M5 personal tolerance grows with each deviation that went
    unpunished by harm (Vaughan 1996). M7 rules that seem pointless invite 'illegal-normal'
    violations; peer control pulls practice back (Amalberti 2006). M12 an auditor in sight
    triples compliance (Srigley 2014), while unobserved practice is unchanged.
    """
    log_odds = (-0.6
                + 3.0 * (tolerance - 0.35)
                + 2.0 * (ward_norm - 0.35)
                + 3.0 * (time_pressure - 0.85)
                + (1.5 * (1.0 - coherence) if pointless_rule else 0.0)
                - 1.5 * (peer_control - 0.5)
                + (AUDIT_DETERRENCE_LOG_ODDS if audited else 0.0))
    return logistic(log_odds)


def tolerance_after_deviation(tolerance: float, harm_followed: bool, caught: bool,
                              normalisation_step: float, harm_correction: float) -> float:
    """Update tolerance of deviation after a workaround (M5 normalisation; M6 correction).

    Vaughan 1996: each deviation without a bad outcome makes the next more acceptable.
    Rasmussen 1997: a serious event produces a correction, which fades as drift resumes.
    A workaround a colleague or patient caught is a smaller warning.
    """
    if harm_followed:
        return tolerance - harm_correction * tolerance
    if caught:
        return tolerance - 0.3 * harm_correction * tolerance
    return tolerance + normalisation_step * (1.0 - tolerance)


def efficiency_drift(tolerance: float, time_pressure: float, drift_rate: float) -> float:
    """M6 Rasmussen 1997: least-effort gradients push practice toward the boundary."""
    return tolerance + drift_rate * max(0.0, time_pressure - 0.7) * (1.0 - tolerance)


# --- M8, M9: workload, burnout and error ---------------------------------------------------


def daily_strain(time_pressure: float, admin_share: float, resilience: float) -> float:
    """Strain of one working day, 0-1 (M8).

    Administrative burden adds strain beyond the hours it takes: EHR and desk work are the
    strongest workload correlates of burnout (Shanafelt 2016, CPOE OR 1.29; Sinsky 2016).
    """
    return logistic(6.0 * (time_pressure + 0.6 * admin_share - 0.98 - resilience))


def error_probability(base_rate: float, workaround: bool, burned_out: bool,
                      vulnerability: float) -> float:
    """Chance that one piece of care goes wrong.

    M4 van der Veen 2018: workarounds OR 3.06 for error. M9 Panagioti 2018: burnout roughly
    doubles the odds of unsafe care. Frail patients need more complex care.
    """
    odds = base_rate / (1.0 - base_rate)
    if workaround:
        odds *= WORKAROUND_ERROR_ODDS
    if burned_out:
        odds *= BURNOUT_ERROR_ODDS
    odds *= 0.5 + 1.5 * vulnerability
    return odds / (1.0 + odds)


def colleague_catch_probability(ward_psychological_safety: float) -> float:
    """M1 Alingh 2019: psychological safety makes colleagues speak up and stop an error."""
    return 0.1 + 0.5 * ward_psychological_safety


def patient_catch_probability(engagement: float) -> float:
    """M10 Weissman 2008; Weingart 2005: engaged patients notice what staff systems miss."""
    return 0.45 * engagement


def harm_probability(vulnerability: float) -> float:
    """Chance that an error that reaches a patient harms them; frail patients are harmed more."""
    return 0.25 + 0.6 * vulnerability


# --- M2, M3, M11, M14: learning from how reports and concerns are handled -----------------


BLAME_OWN = 0.20  # own report met with blame: sharp loss of safety (Archer 2017)
BLAME_SEEN = 0.05  # a blame response seen by peers lowers their safety too (M2)
LEARNING_OWN = 0.12
LEARNING_SEEN = 0.04
FEEDBACK_OWN = 0.25  # visible action after a report sustains reporting (Benn 2009)
FEEDBACK_SEEN = 0.06
SILENCE_OWN = 0.12  # no feedback after a report erodes belief it is useful (Harrison 2014)
SILENCE_SEEN = 0.02


def after_blame(value: float, own: bool) -> float:
    """Psychological safety or trust after a blame response (M2)."""
    return value - (BLAME_OWN if own else BLAME_SEEN) * value


def after_learning(value: float, own: bool) -> float:
    """Psychological safety or trust after a learning response (M1, M14)."""
    return value + (LEARNING_OWN if own else LEARNING_SEEN) * (1.0 - value)


def after_feedback(usefulness: float, own: bool) -> float:
    """Belief that reporting is useful after feedback arrived (M3)."""
    return usefulness + (FEEDBACK_OWN if own else FEEDBACK_SEEN) * (1.0 - usefulness)


def after_silence(usefulness: float, own: bool) -> float:
    """Belief that reporting is useful after a report that led to nothing (M3)."""
    return usefulness - (SILENCE_OWN if own else SILENCE_SEEN) * usefulness


def blame_expectation(perceived_blame: float, blamed: bool, own: bool) -> float:
    """Expected chance of blame, learned from responses seen (M2; AHRQ 'nonpunitive')."""
    rate = 0.3 if own else 0.08
    return relax(perceived_blame, 1.0 if blamed else 0.0, rate)


def after_walkround(trust: float, usefulness: float, resolved: bool) -> tuple[float, float]:
    """Trust and usefulness after raising a concern on a walkround (M11).

    Sexton 2018: walkrounds with feedback improve culture; Tucker & Singer 2015: walking around
    without resolving what was raised makes things worse on average.
    """
    if resolved:
        return relax(trust, 1.0, 0.10), relax(usefulness, 1.0, 0.10)
    return relax(trust, 0.0, 0.08), relax(usefulness, 0.0, 0.08)


def after_external_blame(psychological_safety: float, trust: float, magnitude: float,
                         learning_orientation: float) -> tuple[float, float]:
    """M14 an inquiry or media storm pushes staff toward defensive silence.

    The fall is softened where management meets it with non-punitive learning (Howell 2015).
    """
    hit = magnitude * (1.0 - 0.7 * learning_orientation)
    return psychological_safety * (1.0 - hit), trust * (1.0 - 0.8 * hit)

