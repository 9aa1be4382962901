"""Fit parameters so that the model lands on its targets: level targets and effect bands.

Each candidate (a set of parameter values, drawn by Optuna's TPE sampler seeded from the
command's seed) runs the baseline and every scenario the chosen bands name, over the same
replicate seeds for every candidate (common random numbers: candidates differ only by their
parameters, not by luck). Its loss is

    loss = sum over targets of (distance of the mean outside the target's range / width)^2

zero inside the range, growing with the square of the distance, and measured in widths, so
that a narrow target (harm capture 0.05-0.20) and a wide one (reporting 1.2-2.0x) weigh the
same when missed by the same share of their range. A band open on one side (reporting "up")
has no width; it is scaled by ONE_SIDED_WIDTH of its measure instead. The loss uses the mean
over replicates; the fit report also judges each target by its own rule (levels: the mean in
range; bands: the 95% interval, as `sim.evidence.effects.judge`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sim.config import parameter_fields
from sim.evidence.bands import Band, format_measure
from sim.evidence.calibration_file import Calibration
from sim.evidence.effects import band_variants, judge_bands, run_variants
from sim.evidence.targets import LevelTarget, judge_levels

Changes = tuple[tuple[str, float], ...]

# The width that scales the distance to a one-sided band, in the band's measure: a tenth of
# the baseline for a ratio or an SD effect, five points or 5% for the others.
ONE_SIDED_WIDTH = {"ratio": 0.1, "relative": 0.05, "points": 0.05, "sd": 0.1, "level": 0.05}


def target_loss(mean: float, low: float | None, high: float | None, width: float) -> float:
    """(distance outside [low, high] / width)^2; zero inside; infinite for no value."""
    if math.isnan(mean):
        return math.inf
    below = low - mean if low is not None else 0.0
    above = mean - high if high is not None else 0.0
    return (max(below, above, 0.0) / width) ** 2


def band_width(band: Band) -> float:
    if band.low is not None and band.high is not None:
        return band.high - band.low
    return ONE_SIDED_WIDTH[band.measure]


@dataclass(frozen=True)
class Achieved:
    """A target and what a candidate achieved on it."""

    target: str
    kind: str  # "level" or "band"
    measure: str
    expected: str
    low: float | None
    high: float | None
    mean: float
    ci_low: float
    ci_high: float
    inside: bool
    loss: float

    def as_row(self) -> dict:
        return {"target": self.target, "kind": self.kind, "expected": self.expected,
                "low": self.low, "high": self.high, "mean": self.mean, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "inside": self.inside, "loss": self.loss}

    def shown(self, value: float) -> str:
        return format_measure(self.measure, value)


def evaluate(calibration: Calibration, values: dict[str, float], seeds: Sequence[int],
             workers: int | None = None) -> list[Achieved]:
    """Run one candidate over the paired seeds and measure every target."""
    common: Changes = (*calibration.settings, *values.items())
    variants = band_variants(calibration.bands, common)
    runs = run_variants(variants, seeds, workers)
    achieved = []
    for result in judge_levels(calibration.levels, runs[variants[0]]):
        target: LevelTarget = result.target
        achieved.append(Achieved(
            target.quantity, "level", "level", target.expected, target.low, target.high,
            result.mean, result.low, result.high, result.passed,
            target_loss(result.mean, target.low, target.high, target.width)))
    for result in judge_bands(calibration.bands, runs, common):
        band = result.band
        achieved.append(Achieved(
            f"{band.name}: {band.metric}", "band", band.measure, band.expected, band.low,
            band.high, result.mean, result.low, result.high, result.passed,
            target_loss(result.mean, band.low, band.high, band_width(band))))
    return achieved


@dataclass
class Fit:
    """The outcome of a calibration: every trial, and the best one with what it achieved."""

    calibration: Calibration
    seed: int
    replicates: int
    history: list[dict] = field(default_factory=list)
    best_values: dict[str, float] = field(default_factory=dict)
    best_loss: float = math.inf
    best_achieved: list[Achieved] = field(default_factory=list)


def current_values(calibration: Calibration) -> dict[str, float] | None:
    """The parameters' current defaults, if every one lies within its search bounds."""
    fields = parameter_fields()
    values = {p.key: fields[p.key].default for p in calibration.parameters}
    inside = all(p.low <= values[p.key] <= p.high for p in calibration.parameters)
    return values if inside else None


def fit(calibration: Calibration, trials: int, seeds: Sequence[int], seed: int,
        workers: int | None = None,
        progress: Callable[[int, float, float], None] | None = None) -> Fit:
    """Search the parameters with TPE for `trials` candidates; trials run one after another
    (ask, evaluate, tell), so the sequence of candidates depends only on the seed."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    result = Fit(calibration, seed, len(seeds))
    start = current_values(calibration)
    if start is not None:
        # The first candidate is the model as it stands: the history then shows how the
        # current values do, and the fit never proposes anything worse.
        study.enqueue_trial(start)
    for number in range(trials):
        trial = study.ask()
        values = {p.key: (trial.suggest_int(p.key, int(p.low), int(p.high)) if p.whole
                          else trial.suggest_float(p.key, p.low, p.high))
                  for p in calibration.parameters}
        achieved = evaluate(calibration, values, seeds, workers)
        loss = sum(item.loss for item in achieved)
        # Optuna cannot rank an infinite loss; a candidate without a value ranks last.
        study.tell(trial, loss if math.isfinite(loss) else 1e12)
        if loss < result.best_loss or not result.best_achieved:
            result.best_loss, result.best_values, result.best_achieved = loss, values, achieved
        result.history.append({"trial": number, "loss": loss, "best_loss": result.best_loss,
                               "inside": sum(item.inside for item in achieved), **values})
        if progress is not None:
            progress(number, loss, result.best_loss)
    return result
