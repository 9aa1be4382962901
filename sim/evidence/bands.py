"""The effect bands: how far each library scenario should move the hospital, as data.

Each band compares a library scenario with the baseline over paired replicates (replicate i of
both uses the same seed), one year after the change, on the last 180 days of the run. Sizes come
from published whole-hospital programmes (docs/evidence.md): culture scores move a few points a
year, harm 0 to -10% a year, reporting 1.1-1.6x with 2x a ceiling. An effect is measured per
replicate pair, in one of these ways:

- `ratio`: scenario / baseline (reporting rate 1.2-2.0x);
- `relative`: scenario / baseline - 1 (preventable harm 0 to -15%);
- `points`: scenario - baseline, in percentage points of a share (burnout +5 to +20 points);
- `sd`: scenario - baseline, in baseline standard deviations of clinicians' spread
  (psychological safety +0.2-0.6 SD, the unit of Sexton 2018 and the culture literature);
- `level`: the scenario's own value (doctors' burnout at most 0.63).

A band passes when the 95% interval of the mean effect over replicates lies inside it, at every
edge: a band is a claim about size, and an edge at "no change" (harm "0 to -10%") is judged by
equivalence too, so that noise can never help a band pass.

These bands are calibration targets: coefficients were fitted to them (docs/ODD.md, "Calibration
and validation"). The patterns no coefficient was fitted to are in `sim.evidence.heldout`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNBOUNDED = None
# No rules met on the ward, no regulatory work or documentation, no audits.
NO_REGULATION: tuple[tuple[str, float], ...] = (
    ("regulation.admin_share", 0.0), ("regulation.rule_obstacles", 0.0),
    ("regulation.audits_per_year", 0.0), ("burnout.doctor_admin_extra", 0.0))
# Nine rules in ten sensible, at the baseline's burden (same rules met, same paperwork).
SENSIBLE_RULES: tuple[tuple[str, float], ...] = (("regulation.coherence", 0.9),)


@dataclass(frozen=True)
class Band:
    """One expected effect: scenario (with overrides) vs baseline, on one metric."""

    scenario: str
    metric: str
    measure: str  # "ratio", "relative", "points", "sd" or "level"
    low: float | None
    high: float | None
    source: str
    overrides: tuple[tuple[str, float], ...] = field(default=())
    label: str = ""
    # A claim of direction ("up") rather than of size; every edge is judged by equivalence
    # (the whole interval inside), so this only documents the claim.
    directional: bool = False

    @property
    def name(self) -> str:
        return self.label or self.scenario

    @property
    def expected(self) -> str:
        """The band in words, in the measure's unit."""

        def shown(value: float) -> str:
            return format_measure(self.measure, value, rounded=True)

        if self.low is not None and self.high is not None:
            return f"{shown(self.low)} to {shown(self.high)}"
        if self.low is not None:
            return f"above {shown(self.low)}"
        return f"at most {shown(self.high)}"


def format_measure(measure: str, value: float, rounded: bool = False) -> str:
    """An effect in its measure's unit: 1.45x, -6.4%, +12.3 pt, +0.46 SD, 0.251."""
    if value != value:  # NaN
        return "n/a"
    if measure == "relative":
        return f"{100 * value:+.0f}%" if rounded else f"{100 * value:+.1f}%"
    if measure == "points":
        return f"{100 * value:+.0f} points" if rounded else f"{100 * value:+.1f} pt"
    if measure == "ratio":
        return f"{value:.2f}x"
    if measure == "sd":
        return f"{value:+.2f} SD"
    return f"{value:.2f}" if rounded else f"{value:.3f}"


BANDS: tuple[Band, ...] = (
    Band("just_culture", "reporting_rate", "ratio", 1.2, 2.0, "Evans 2006; NRLS growth"),
    Band("just_culture", "preventable_adverse_events", "relative", -0.15, 0.0,
         "Edwards 2018: no link to objective performance"),
    Band("just_culture", "sops_response_to_error", "points", 0.02, 0.15,
         "Edwards 2018; Keystone SAQ 42.5% to 52.2% in 2 years: a few points a year"),
    Band("just_culture", "psychological_safety", "sd", 0.2, 0.6, "Pronovost/Keystone; Weaver 2013"),
    Band("closing_the_loop", "reporting_rate", "ratio", 1.1, 1.6, "Evans 2006; Benn 2009"),
    Band("closing_the_loop", "preventable_adverse_events", "relative", -0.10, 0.0,
         "Benning 2011; Landrigan 2010"),
    Band("closing_the_loop", "perceived_usefulness", "points", 0.0, UNBOUNDED, "Benn 2009",
         directional=True),
    Band("walkrounds", "reporting_rate", "ratio", 1.0, 1.3,
         "Sexton 2018; Thomas 2005: up, at most 1.3x", directional=True),
    Band("walkrounds", "preventable_adverse_events", "relative", -0.10, 0.0,
         "Thomas 2005; Morello 2013: harm effects not shown"),
    Band("walkrounds", "psychological_safety", "sd", 0.2, 0.5, "Sexton 2018: d 0.3-0.8"),
    Band("walkrounds", "trust_in_management", "sd", 0.2, 0.5, "Sexton 2018"),
    Band("walkrounds", "burnout_prevalence", "points", -0.05, 0.0, "Sexton 2018"),
    Band("walkrounds_no_follow_through", "reporting_rate", "ratio", UNBOUNDED, 1.0,
         "Tucker & Singer 2015"),
    Band("walkrounds_no_follow_through", "preventable_adverse_events", "relative", -0.05, 0.05,
         "Tucker & Singer 2015"),
    Band("walkrounds_no_follow_through", "trust_in_management", "sd", UNBOUNDED, 0.1,
         "Tucker & Singer 2015: not up"),
    Band("walkrounds_no_follow_through", "psychological_safety", "sd", UNBOUNDED, 0.1,
         "Tucker & Singer 2015: not up"),
    Band("patient_partnership", "patient_reports", "ratio", 2.0, UNBOUNDED, "Weissman 2008",
         directional=True),
    Band("patient_partnership", "preventable_adverse_events", "relative", -0.10, 0.0,
         "Lawton 2017: benefit where acted on"),
    Band("patient_partnership_no_action", "preventable_adverse_events", "relative", -0.03,
         0.03, "Lawton 2017: PRASE null where not acted on"),
    Band("high_regulation", "reporting_rate", "ratio", UNBOUNDED, 1.0, "Waring 2005",
         directional=True),
    Band("high_regulation", "preventable_adverse_events", "relative", 0.05, 0.25,
         "Panagioti 2018; Aiken 2002"),
    Band("high_regulation", "burnout_prevalence", "points", 0.05, 0.20, "Shanafelt 2016"),
    Band("high_regulation", "burnout_doctors", "level", UNBOUNDED, 0.63,
         "Shanafelt 2015/2019: 0.63 at the published peak"),
    Band("regulation_relief", "reporting_rate", "ratio", 0.97, UNBOUNDED, "Waring 2005"),
    Band("regulation_relief", "preventable_adverse_events", "relative", -0.12, 0.0,
         "West 2016; Panagioti 2017"),
    Band("regulation_relief", "burnout_prevalence", "points", -0.12, -0.05,
         "West 2016: 54% to 44%"),
    Band("audit_drive", "reporting_rate", "ratio", 0.9, 1.1, "Lam 2018; Urbach 2014"),
    Band("audit_drive", "preventable_adverse_events", "relative", -0.05, 0.05,
         "Lam 2018; Urbach 2014"),
    Band("audit_drive", "measured_compliance", "points", 0.05, 0.20,
         "Purssell 2020; Srigley 2014"),
    Band("audit_drive", "true_compliance", "points", -0.03, 0.03, "Gould 2020"),
    Band("letter_recommendation", "reporting_rate", "ratio", 1.3, 2.0,
         "Evans 2006: 2x a ceiling for a whole hospital"),
    Band("letter_recommendation", "preventable_adverse_events", "relative", -0.15, -0.03,
         "Benning 2011 (SPI); Morello 2013: whole-hospital programmes 0 to -10% a year"),
    Band("letter_recommendation", "harm_capture", "level", UNBOUNDED, 0.30,
         "OIG 2012; Sari 2007"),
    Band("letter_recommendation", "open_hazards", "relative", -0.5, UNBOUNDED,
         "no programme removes nearly all latent problems"),
    # Rules protect (Haynes 2009; Poon 2010; Starmer 2014): removing every rule and all
    # paperwork exposes the care they covered; sensible rules at the same burden protect more.
    Band("baseline", "preventable_adverse_events", "relative", 0.05, UNBOUNDED,
         "Haynes 2009; Poon 2010; Starmer 2014: genuine barriers protect patients",
         overrides=NO_REGULATION, label="all regulation removed", directional=True),
    Band("baseline", "preventable_adverse_events", "relative", -0.10, 0.0,
         "Amalberti 2006; the letter: regulation that is systematic and based in practice",
         overrides=SENSIBLE_RULES, label="sensible rules (coherence 0.9)"),
    Band("baseline", "reporting_rate", "ratio", 0.97, UNBOUNDED,
         "Waring 2005: up or flat", overrides=SENSIBLE_RULES,
         label="sensible rules (coherence 0.9)"),
    Band("baseline", "workarounds", "relative", UNBOUNDED, 0.0,
         "Amalberti 2006: workarounds fall", overrides=SENSIBLE_RULES,
         label="sensible rules (coherence 0.9)", directional=True),
)

# Baseline over four years (M6): stationary on average, judged like a "no change" edge of a
# band. A later year fails when the 95% interval of its change from year 1 lies wholly beyond
# +-5%; the drift fails when the interval of the yearly trend (relative to each run's own mean)
# lies wholly beyond +-1.5% a year. Yearly reporting rates are noisy (a few habitual reporters
# file most reports), so a sample of means can stray past 5% by chance; a creep cannot.
STATIONARY_METRICS = ("reporting_rate", "preventable_adverse_events", "open_hazards")
STATIONARY_TOLERANCE = 0.05
TREND_TOLERANCE = 0.015
