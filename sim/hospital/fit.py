"""Fit the model hospital to one hospital's figures.

The hospital is first sized to the file (`sim.hospital.sizing`). Then the culture and workload
coefficients that each figure speaks to are searched with Optuna's TPE sampler (seeded from the
command's seed), every candidate run over the same replicate seeds (common random numbers, as
`run.py calibrate` does). A candidate's loss is

    loss = sum over figures of (simulated mean - observed)^2 / (observed SE^2 + simulated SE^2)

a chi-square: each figure weighs by how precisely the hospital measured it. A survey composite
from 400 respondents at 50% positive has a sampling SE of 2.5 points (binomial), one from 40
respondents 7.9 points, so the fit leans on the figures the hospital can trust. Incident
reports are counts (Poisson SE); turnover is binomial over the nurses' posts.

TPE finds the basin; coordinate steps of a quarter, a tenth and a twenty-fifth of each range
then find its floor (a step is taken only when it fits better, on the same seeds).

A coefficient a figure cannot reach is not pretended: after the search each fitted coefficient
is moved by a quarter of its search range either way (the others held at the best values, same
seeds); if neither move worsens the fit by one unit of chi-square (one sampling error), the data
do not pin it down, and the report says so. The best candidate is then run again on replicate
seeds that the search never used, and each figure is reported with the simulated interval and
whether it lies inside the hospital's own sampling interval.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sim.config import parameter_fields
from sim.evidence.effects import WINDOW_DAYS, interval, run_variants
from sim.experiment.jobs import replicate_seeds
from sim.hospital.hospital_file import HospitalFile
from sim.hospital.sizing import Changes, sizing, staff_count
from sim.hospital.survey import COMPOSITE_BY_KEY

Summary = Mapping[str, float]
Z_95 = 1.96
RELATIVE_UNIT = "x the national reference"
# Probabilities are kept off 0 and 1 for the binomial SE, so a 0% or 100% figure keeps weight.
SHARE_FLOOR = 0.01
# Moving a coefficient by this share of its search range, either way, tests whether the data
# pin it down; a chi-square rise below FLAT_CHI_SQUARE (one sampling error) means they do not.
PROFILE_STEP = 0.25
FLAT_CHI_SQUARE = 1.0
# After TPE and the profile pass, coordinate steps of these shares of each range refine the
# best candidate (TPE finds the basin; small steps find its floor).
REFINE_STEPS = (0.1, 0.04)
# The validation seeds are derived from the command's seed and this offset, so they never
# coincide with the search's seeds.
VALIDATION_SEED_OFFSET = 1_000_003


@dataclass(frozen=True)
class Coefficient:
    """A coefficient the fit may move: its search range and why a figure speaks to it."""

    key: str
    low: float
    high: float
    why: str

    def neighbours(self, value: float, share: float) -> tuple[float, float]:
        """`value` moved down and up by `share` of the search range, kept inside it."""
        step = share * (self.high - self.low)
        return max(self.low, value - step), min(self.high, value + step)


# Which coefficient each kind of figure speaks to; a coefficient is fitted only when the file
# has a figure for it. Ranges span the published variation around the calibrated defaults.
COEFFICIENTS: dict[str, Coefficient] = {
    "response_to_error": Coefficient(
        "management.punitiveness", 0.05, 0.95,
        "how often managers answer a report with blame sets how many staff expect none"),
    "communication_about_error": Coefficient(
        "management.feedback_probability", 0.02, 0.8,
        "feedback after reports sets the belief that reporting changes something"),
    "communication_openness": Coefficient(
        "clinicians.initial_psychological_safety", 0.15, 0.85,
        "the psychological safety staff bring, before the ward's climate shapes it"),
    "safety_climate": Coefficient(
        "clinicians.initial_psychological_safety", 0.15, 0.85,
        "the psychological safety staff bring, before the ward's climate shapes it"),
    "hospital_management_support": Coefficient(
        "clinicians.initial_trust", 0.1, 0.8,
        "the trust in management staff bring, before responses to reports shape it"),
    "perceptions_of_management": Coefficient(
        "clinicians.initial_trust", 0.1, 0.8,
        "the trust in management staff bring, before responses to reports shape it"),
    "incident_reporting": Coefficient(
        "reporting.intercept", -5.8, -2.8,
        "the baseline log-odds that a clinician reports what they saw"),
    "nurse_turnover": Coefficient(
        "turnover.leaving_rate", 0.02, 0.4,
        "the yearly chance that a clinician who is not burned out leaves"),
    "burnout": Coefficient(
        "burnout.strain_threshold", 0.7, 1.35,
        "the strain above which exhaustion builds"),
    "harm": Coefficient(
        "patients.complication_rate", 0.002, 0.025,
        "complications not caused by an error, per patient-day"),
}


@dataclass(frozen=True)
class Figure:
    """One figure of the hospital and how the model measures the same thing."""

    key: str
    label: str
    observed: float  # on the model's scale (shares 0-1, reports per 1,000 bed days)
    se: float
    unit: str
    measure: Callable[[Summary, Changes], float]
    reference: float | None = None  # national reference on the same scale
    counterpart: str = ""

    @property
    def sampling_interval(self) -> tuple[float, float]:
        return self.observed - Z_95 * self.se, self.observed + Z_95 * self.se


def binomial_se(share: float, count: int | None) -> float:
    p = min(max(share, SHARE_FLOOR), 1 - SHARE_FLOOR)
    return math.sqrt(p * (1 - p) / count) if count else math.nan


def metric_of(name: str) -> Callable[[Summary, Changes], float]:
    return lambda run, _changes: run[name]


def reports_per_1000_bed_days(run: Summary, _changes: Changes) -> float:
    bed_days = run["patients"] * WINDOW_DAYS
    return 1000.0 * run["staff_reports"] / bed_days if bed_days else math.nan


def yearly_turnover(run: Summary, changes: Changes) -> float:
    return run["leavers"] * 365.0 / WINDOW_DAYS / staff_count(changes)


def harm_per_admission(run: Summary, _changes: Changes) -> float:
    return run["adverse_events"] / run["admissions"] if run["admissions"] else math.nan


def figures_of(hospital: HospitalFile, model_reporting: float,
               model_reporting_se: float = 0.0) -> list[Figure]:
    """Every figure of the file that the model has a counterpart for; `model_reporting` is
    the default model hospital's reports per 1,000 bed days, which stands for the national
    reference."""
    figures = []
    for key, share in hospital.composites.items():
        composite = COMPOSITE_BY_KEY[key]
        if composite.counterpart is None:
            continue
        reference = composite.reference / 100 if composite.reference is not None else None
        figures.append(Figure(key, composite.label, share.value,
                              binomial_se(share.value, share.respondents), "% positive",
                              metric_of(composite.counterpart), reference,
                              composite.counterpart))
    # The model's incidents are errors and complications at the bedside; a real reporting
    # system also records falls, pressure ulcers, staffing and other events, so its rate is
    # many times the model's. The hospital is therefore compared relative to its national
    # reference: a hospital reporting 1.3 times the national median is fitted to report 1.3
    # times what the default model hospital (standing for a typical one) reports.
    if hospital.incident_reports is not None:
        reports = max(hospital.incident_reports, 1)
        national = hospital.reference_reports_per_1000_bed_days
        relative = hospital.reports_per_1000_bed_days / national
        relative_se = 1000.0 * math.sqrt(reports) / hospital.bed_days / national
        # The typical model hospital's rate is estimated too; its error adds to the figure's.
        se = math.hypot(relative_se * model_reporting, relative * model_reporting_se)
        figures.append(Figure("incident_reporting", "Incident reports, relative to the national "
                              "reference", relative * model_reporting, se,
                              RELATIVE_UNIT, reports_per_1000_bed_days,
                              model_reporting, "staff_reports"))
    if hospital.nurse_turnover is not None:
        posts = hospital.nurses or 100
        figures.append(Figure("nurse_turnover", "Registered nurses leaving a year",
                              hospital.nurse_turnover,
                              binomial_se(hospital.nurse_turnover, posts), "% a year",
                              yearly_turnover, 0.17, "leavers"))
    if hospital.burnout is not None:
        figures.append(Figure("burnout", "Staff burned out", hospital.burnout.value,
                              binomial_se(hospital.burnout.value, hospital.burnout.respondents),
                              "%", metric_of("burnout_prevalence"), None, "burnout_prevalence"))
    if hospital.harm_per_100_admissions is not None:
        share = hospital.harm_per_100_admissions / 100
        figures.append(Figure("harm", "Adverse events per admission", share,
                              binomial_se(share, hospital.admissions_reviewed),
                              "per 100 admissions", harm_per_admission, 0.09,
                              "adverse_events"))
    return figures


@dataclass(frozen=True)
class Achieved:
    """A figure and what the model gave for it over replicate hospitals."""

    figure: Figure
    mean: float
    low: float
    high: float
    se: float

    @property
    def chi_square(self) -> float:
        if not math.isfinite(self.mean):
            return math.inf
        variance = self.figure.se ** 2 + (self.se ** 2 if math.isfinite(self.se) else 0.0)
        return (self.mean - self.figure.observed) ** 2 / variance

    @property
    def inside(self) -> bool:
        """The model's mean agrees with the figure within their joint 95% sampling error:
        the hospital's own (how many answered) and the model's (hospitals built with the same
        coefficients differ, as real ones with the same culture do)."""
        return self.chi_square <= Z_95 ** 2


def achieved(figures: Sequence[Figure], runs: Sequence[Summary],
             changes: Changes) -> list[Achieved]:
    results = []
    for figure in figures:
        values = [figure.measure(run, changes) for run in runs]
        finite = [v for v in values if math.isfinite(v)]
        mean, low, high = interval(finite)
        results.append(Achieved(figure, mean, low, high, standard_error(finite)))
    return results


def standard_error(values: Sequence[float]) -> float:
    """Standard error of the mean (NaN for fewer than two values)."""
    return statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else math.nan


@dataclass(frozen=True)
class Profile:
    """How much the fit worsens when one coefficient moves off its best value."""

    key: str
    best: float
    step: float
    rise_down: float
    rise_up: float

    @property
    def pinned(self) -> bool:
        return max(self.rise_down, self.rise_up) >= FLAT_CHI_SQUARE


@dataclass
class HospitalFit:
    """What the fit found: the sizing, the fitted values and how well each figure is met."""

    hospital: HospitalFile
    sizing: Changes
    coefficients: dict[str, Coefficient]
    seed: int
    replicates: int
    trials: int
    history: list[dict] = field(default_factory=list)
    best_values: dict[str, float] = field(default_factory=dict)
    best_loss: float = math.inf
    profiles: list[Profile] = field(default_factory=list)
    validation: list[Achieved] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)
    model_reporting: float = math.nan  # the typical (default) model hospital's reporting

    @property
    def changes(self) -> Changes:
        return {**self.sizing, **self.best_values}

    @property
    def inside_count(self) -> int:
        return sum(item.inside for item in self.validation)

    @property
    def flat(self) -> list[Profile]:
        return [profile for profile in self.profiles if not profile.pinned]

    @property
    def quality(self) -> str:
        """One line on how far to trust the fitted hospital."""
        text = (f"{self.inside_count} of {len(self.validation)} figures reproduced within "
                "sampling error")
        if self.flat:
            text += "; not pinned down by the data: " + ", ".join(p.key for p in self.flat)
        return text


def coefficients_for(figures: Sequence[Figure]) -> dict[str, Coefficient]:
    chosen: dict[str, Coefficient] = {}
    for figure in figures:
        coefficient = COEFFICIENTS.get(figure.key)
        if coefficient is not None:
            chosen.setdefault(coefficient.key, coefficient)
    return chosen


def run_candidate(changes: Changes, seeds: Sequence[int], workers: int | None,
                  days: int) -> list[Summary]:
    overrides = tuple(sorted({**changes, "run.days": days}.items()))
    variant = ("baseline", overrides)
    return run_variants([variant], seeds, workers)[variant]


def loss_of(results: Sequence[Achieved]) -> float:
    return sum(item.chi_square for item in results)


def fit_hospital(hospital: HospitalFile, *, trials: int, replicates: int, seed: int,
                 workers: int | None = None, days: int = WINDOW_DAYS,
                 progress: Callable[[str], None] | None = None) -> HospitalFit:
    """Size the model to the hospital, fit its coefficients, and check the fit on new seeds."""
    import optuna

    say = progress or (lambda _text: None)
    size = sizing(hospital)
    seeds = replicate_seeds(seed, replicates)
    typical = [reports_per_1000_bed_days(run, size)
               for run in run_candidate(size, seeds, workers, days)]
    model_reporting = statistics.fmean(typical)
    model_reporting_se = standard_error(typical) if len(typical) > 1 else 0.0
    figures = figures_of(hospital, model_reporting, model_reporting_se)
    coefficients = coefficients_for(figures)
    result = HospitalFit(hospital, size, coefficients, seed, replicates, trials)
    result.not_modelled = [key for key in hospital.composites
                           if COMPOSITE_BY_KEY[key].counterpart is None]
    result.model_reporting = model_reporting

    def evaluate(values: Mapping[str, float]) -> float:
        changes = {**size, **values}
        return loss_of(achieved(figures, run_candidate(changes, seeds, workers, days), changes))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    defaults = {key: parameter_fields()[key].default for key in coefficients}
    study.enqueue_trial({key: min(max(value, coefficients[key].low), coefficients[key].high)
                         for key, value in defaults.items()})
    for number in range(trials):
        trial = study.ask()
        values = {key: trial.suggest_float(key, c.low, c.high)
                  for key, c in coefficients.items()}
        loss = evaluate(values)
        study.tell(trial, loss if math.isfinite(loss) else 1e12)
        if loss < result.best_loss or not result.best_values:
            result.best_loss, result.best_values = loss, dict(values)
        result.history.append({"trial": number, "loss": loss, "best_loss": result.best_loss,
                               **values})
        say(f"trial {number + 1}/{trials}: chi-square {loss:.3g} (best {result.best_loss:.3g})")
    for key, coefficient in coefficients.items():
        best = result.best_values[key]
        losses = [(evaluate({**result.best_values, key: moved}), moved)
                  for moved in coefficient.neighbours(best, PROFILE_STEP)]
        rises = [loss - result.best_loss for loss, _ in losses]
        step = PROFILE_STEP * (coefficient.high - coefficient.low)
        result.profiles.append(Profile(key, best, step, *rises))
        loss, moved = min(losses)
        if loss < result.best_loss:
            # A step that fits better is taken (one pass of coordinate search after TPE).
            result.best_loss, result.best_values = loss, {**result.best_values, key: moved}
        say(f"profile {key}: chi-square rises {rises[0]:+.3g} / {rises[1]:+.3g}")
    for share in REFINE_STEPS:  # finer coordinate steps around the best, same seeds
        for key, coefficient in coefficients.items():
            for moved in coefficient.neighbours(result.best_values[key], share):
                loss = evaluate({**result.best_values, key: moved})
                if loss < result.best_loss:
                    result.best_loss, result.best_values = loss, {**result.best_values,
                                                                  key: moved}
                    break
        say(f"refined with steps of {share:.0%} of each range: chi-square "
            f"{result.best_loss:.3g}")
    # Twice the search's replicates, on seeds it never used, for the reported intervals.
    check_seeds = replicate_seeds(seed + VALIDATION_SEED_OFFSET, 2 * replicates)
    changes = result.changes
    result.validation = achieved(figures, run_candidate(changes, check_seeds, workers, days),
                                 changes)
    say(f"checked on {len(check_seeds)} new replicate seeds: {result.quality}")
    return result
