"""Value for money: what an option costs, what it saves, and what a harm averted costs.

A costs file (costs/*.yaml, documented in docs/cookbook.md) gives each option's set-up and
yearly costs (or staff hours times a wage), the cost of a preventable adverse event by
severity, the extra bed days it causes and a bed day's cost, the cost of replacing a clinician
who left, optionally the QALYs lost per event, and a willingness to pay. Per paired replicate
and per year for the simulated hospital:

    events averted    = -(option - reference) preventable adverse events, per year
    cost offsets      = events averted x cost per event + leavers avoided x replacement cost
    incremental cost  = intervention cost per year - cost offsets
    net monetary benefit (NMB) = willingness to pay x effect - incremental cost

where the effect is events averted (or QALYs gained when `qaly_loss_per_event` is given and the
willingness to pay is per QALY). Cost per event averted is the ratio of the mean incremental
cost to the mean events averted, with a percentile interval from resampling the paired
replicates (a seeded bootstrap); it is left undefined when the interval of events averted
includes zero. The acceptability curve is the probability that NMB > 0 over a range of
willingness to pay: from resampling the paired replicates, and, with sampled assumptions,
the share of plausible worlds whose mean NMB is positive. Reporting follows CHEERS 2022
(Husereau et al. 2022): perspective, horizon, discount rate, currency and price year are
stated; inputs without a source are flagged as the user's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.errors import UsageError
from sim.experiment.board_table import YEAR_DAYS
from sim.experiment.runner import ExperimentResults
from sim.experiment.statistics import mean_interval

USER = "user"
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20221  # fixed: the same results give the same intervals
VALUE_COLUMNS = ("option", "intervention_cost", "cost_offsets", "incremental_cost",
                 "incremental_cost_low", "incremental_cost_high", "events_averted",
                 "events_averted_low", "events_averted_high", "cost_per_event_averted",
                 "cost_per_event_averted_low", "cost_per_event_averted_high",
                 "net_monetary_benefit", "net_monetary_benefit_low",
                 "net_monetary_benefit_high", "probability_cost_effective",
                 "willingness_to_pay", "effect_unit", "currency", "price_year", "reading")
TOP_KEYS = {"currency", "price_year", "perspective", "horizon_years", "discount_rate",
            "willingness_to_pay", "adverse_event_severity", "extra_bed_days_per_event",
            "bed_day", "replacement_per_leaver", "qaly_loss_per_event", "interventions"}
OPTION_KEYS = {"setup", "yearly", "staff_hours_per_year", "hourly_wage"}


@dataclass(frozen=True)
class Amount:
    """A number with its source ('user' when the user entered it without one)."""

    value: float | None
    source: str

    @property
    def is_users(self) -> bool:
        return self.source.strip().lower() == USER or self.source.endswith(": user")


@dataclass
class Costs:
    """A validated costs file."""

    path: Path
    currency: str
    price_year: int
    perspective: str
    horizon_years: float
    discount_rate: float
    willingness_to_pay: Amount
    severity: dict[str, tuple[float, Amount]]  # name -> (share, cost per event)
    extra_bed_days: Amount
    bed_day: Amount
    replacement: Amount
    qaly_loss: Amount
    options: dict[str, dict[str, Amount]] = field(default_factory=dict)
    text: str = ""  # the file as read, copied beside the results

    @property
    def per_qaly(self) -> bool:
        return self.qaly_loss.value is not None

    def cost_per_event(self) -> float:
        """Treatment by severity (weighted by share) plus extra bed days times a bed day."""
        treatment = sum(share * (cost.value or 0.0) for share, cost in self.severity.values())
        return treatment + (self.extra_bed_days.value or 0.0) * (self.bed_day.value or 0.0)

    def option_for(self, label: str, source: str | None) -> dict[str, Amount] | None:
        names = {key_of(label)} | ({key_of(Path(source).stem)} if source else set())
        return next((amounts for key, amounts in self.options.items() if key_of(key) in names),
                    None)

    def yearly_cost(self, amounts: dict[str, Amount]) -> float:
        """Intervention cost per year: set-up spread over the horizon, yearly, staff time."""
        def value(key: str) -> float:
            return amounts[key].value or 0.0 if key in amounts else 0.0
        return (value("setup") / self.horizon_years + value("yearly")
                + value("staff_hours_per_year") * value("hourly_wage"))

    def inputs(self) -> list[tuple[str, float | None, str]]:
        """(input, value, source) for every amount, as the report lists them."""
        rows = [("willingness to pay", self.willingness_to_pay.value,
                 self.willingness_to_pay.source)]
        rows += [(f"preventable adverse event, {name} (share {share:.1%})", cost.value,
                  cost.source) for name, (share, cost) in self.severity.items()]
        rows += [("extra bed days per event", self.extra_bed_days.value,
                  self.extra_bed_days.source),
                 ("bed day", self.bed_day.value, self.bed_day.source),
                 ("replacing a clinician who left", self.replacement.value,
                  self.replacement.source),
                 ("QALYs lost per event", self.qaly_loss.value, self.qaly_loss.source)]
        rows += [(f"{option}: {key.replace('_', ' ')}", amount.value, amount.source)
                 for option, amounts in self.options.items() for key, amount in amounts.items()]
        return rows


def key_of(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def fail(path: Path, key: str, message: str) -> UsageError:
    return UsageError(f"{path}: {key}: {message}" if key else f"{path}: {message}")


def number(path: Path, key: str, value: Any, *, low: float = 0.0, allow_none: bool = False,
           high: float = math.inf) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or not low <= value <= high:
        span = f"from {low:g}" + (f" to {high:g}" if math.isfinite(high) else "")
        raise fail(path, key, f"expected a number {span}, got {value!r}")
    return float(value)


def amount(path: Path, key: str, entry: Any, *, allow_none: bool = False) -> Amount:
    """`{value: N, source: TEXT}` (or a bare number, whose source is then the user)."""
    if isinstance(entry, dict):
        unknown = set(entry) - {"value", "source"}
        if unknown:
            raise fail(path, f"{key}.{sorted(unknown)[0]}", "unknown key (expected value and "
                       "source)")
        if "value" not in entry:
            raise fail(path, key, "expected value: N and source: TEXT")
        source = entry.get("source", USER)
        if not isinstance(source, str) or not source.strip():
            raise fail(path, f"{key}.source", "expected a source, or user")
        return Amount(number(path, f"{key}.value", entry["value"], allow_none=allow_none),
                      source)
    return Amount(number(path, key, entry, allow_none=allow_none), USER)


def load_costs(path: str | Path) -> Costs:
    """Read and check a costs file; bad input raises UsageError naming the file and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such costs file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read it ({getattr(error, 'strerror', None) or error})"
                         ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{path}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise fail(path, "", "expected a mapping of cost inputs (see costs/example.yaml)")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise fail(path, sorted(unknown)[0],
                   f"unknown key (expected {', '.join(sorted(TOP_KEYS))})")
    for key in ("currency", "price_year", "willingness_to_pay", "interventions"):
        if key not in data:
            raise fail(path, key, "missing (see costs/example.yaml)")
    if not isinstance(data["currency"], str) or not data["currency"].strip():
        raise fail(path, "currency", "expected a currency code such as GBP, EUR or USD")
    year = number(path, "price_year", data["price_year"], low=1900, high=2200)
    severity = data.get("adverse_event_severity") or {}
    if not isinstance(severity, dict):
        raise fail(path, "adverse_event_severity", "expected severities with share and cost")
    levels: dict[str, tuple[float, Amount]] = {}
    for name, entry in severity.items():
        where = f"adverse_event_severity.{name}"
        if not isinstance(entry, dict) or "share" not in entry or "cost" not in entry:
            raise fail(path, where, "expected share, cost and source")
        levels[str(name)] = (number(path, f"{where}.share", entry["share"], high=1.0),
                             amount(path, f"{where}.cost", {"value": entry["cost"],
                                                             "source": entry.get("source",
                                                                                 USER)}))
    total = sum(share for share, _ in levels.values())
    if levels and abs(total - 1.0) > 0.005:
        raise fail(path, "adverse_event_severity", f"expected shares adding up to 1, got "
                   f"{total:g}")
    options = data["interventions"]
    if not isinstance(options, dict) or not options:
        raise fail(path, "interventions", "expected each option's costs under its name")
    parsed: dict[str, dict[str, Amount]] = {}
    for name, entry in options.items():
        if not isinstance(entry, dict):
            raise fail(path, f"interventions.{name}", "expected setup, yearly, "
                       "staff_hours_per_year and hourly_wage")
        unknown = set(entry) - OPTION_KEYS
        if unknown:
            raise fail(path, f"interventions.{name}.{sorted(unknown)[0]}",
                       f"unknown key (expected {', '.join(sorted(OPTION_KEYS))})")
        parsed[str(name)] = {key: amount(path, f"interventions.{name}.{key}", value)
                             for key, value in entry.items()}
    horizon = number(path, "horizon_years", data.get("horizon_years", 1), low=0.01, high=100)
    return Costs(
        path, data["currency"].strip(), int(year), str(data.get("perspective", "the hospital")),
        horizon, number(path, "discount_rate", data.get("discount_rate", 0.0), high=1.0),
        amount(path, "willingness_to_pay", data["willingness_to_pay"]), levels,
        amount(path, "extra_bed_days_per_event", data.get("extra_bed_days_per_event", 0)),
        amount(path, "bed_day", data.get("bed_day", 0)),
        amount(path, "replacement_per_leaver", data.get("replacement_per_leaver", 0)),
        amount(path, "qaly_loss_per_event", data.get("qaly_loss_per_event"), allow_none=True),
        parsed, text)


def check_options(costs: Costs, labels: list[str], sources: list[str | None]) -> None:
    """Every option compared with the reference has costs in the file."""
    for label, source in zip(labels[1:], sources[1:], strict=True):
        if costs.option_for(label, source) is None:
            stem = f" or {Path(source).stem}" if source else ""
            raise fail(costs.path, "interventions", f"no costs for {label!r} (expected an "
                       f"entry named {label!r}{stem})")


def pair_effects(summary: pd.DataFrame, reference: str, label: str,
                 window_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Events averted and leavers avoided per year, per paired replicate."""
    rows = {name: part.set_index("replicate") for name, part in summary.groupby("scenario")}
    joined = rows[label].join(rows[reference], suffixes=("", "_reference"),
                                 how="inner")
    factor = YEAR_DAYS / window_days
    averted = -(joined["preventable_adverse_events"]
                - joined["preventable_adverse_events_reference"]).to_numpy(float) * factor
    avoided = -(joined["leavers"] - joined["leavers_reference"]).to_numpy(float) * factor
    return averted, avoided


def option_arrays(costs: Costs, amounts: dict[str, Amount], averted: np.ndarray,
                  avoided: np.ndarray) -> dict[str, np.ndarray | float]:
    intervention = costs.yearly_cost(amounts)
    offsets = averted * costs.cost_per_event() + avoided * (costs.replacement.value or 0.0)
    effect = averted * (costs.qaly_loss.value or 0.0) if costs.per_qaly else averted
    incremental = intervention - offsets
    return {"intervention": intervention, "offsets": offsets, "incremental": incremental,
            "effect": effect, "averted": averted}


def interval(values: np.ndarray) -> tuple[float, float, float]:
    result = mean_interval(values)
    return result.mean, result.low, result.high


def bootstrap_means(values: list[np.ndarray], draws: int = BOOTSTRAP_DRAWS) -> list[np.ndarray]:
    """Means of the same resamples of paired replicates, for each array."""
    count = len(values[0])
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, count, size=(draws, count))
    return [array[picks].mean(axis=1) for array in values]


def cost_per_event(incremental: np.ndarray, averted: np.ndarray, averted_low: float
                   ) -> tuple[float, float, float]:
    """Ratio of means and its bootstrap interval; undefined if harm averted may be none."""
    if len(averted) < 2 or not averted_low > 0:
        return math.nan, math.nan, math.nan
    costs_mean, averted_mean = bootstrap_means([incremental, averted])
    ratios = costs_mean / averted_mean
    return (float(incremental.mean() / averted.mean()), float(np.percentile(ratios, 2.5)),
            float(np.percentile(ratios, 97.5)))


def dominance(incremental: tuple[float, float, float],
              events: tuple[float, float, float]) -> str:
    """How cost and harm averted sit together, in words (a negative cost per event averted
    means a saving, and reads as such rather than as a small price)."""
    averts = events[1] > 0
    if not averts:
        return "harm averted uncertain"
    if incremental[2] < 0:
        return "saves money and averts harm (dominant)"
    if incremental[0] < 0:
        return "averts harm; probably saves money"
    return "averts harm at a cost"


def willingness_grid(costs: Costs) -> np.ndarray:
    top = max(4 * (costs.willingness_to_pay.value or 1.0), 1.0)
    return np.linspace(0, top, 41)


def value_tables(costs: Costs, results: ExperimentResults, summary: pd.DataFrame,
                 window_days: int, assumptions: Any = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """value.csv (one row per option) and acceptability.csv (option, source, willingness to
    pay, probability cost-effective)."""
    reference = results.labels[0]
    wtp = costs.willingness_to_pay.value or 0.0
    rows, curves = [], []
    grid = willingness_grid(costs)
    for index, label in enumerate(results.labels[1:], start=1):
        amounts = costs.option_for(label, results.scenarios[index].source) or {}
        averted, avoided = pair_effects(summary, reference, label, window_days)
        arrays = option_arrays(costs, amounts, averted, avoided)
        nmb = wtp * arrays["effect"] - arrays["incremental"]
        events = interval(averted)
        incremental = interval(np.asarray(arrays["incremental"], dtype=float))
        ratio = cost_per_event(np.asarray(arrays["incremental"], dtype=float), averted,
                               events[1])
        benefit = interval(nmb)
        effect_means, cost_means = bootstrap_means([arrays["effect"],
                                                    np.asarray(arrays["incremental"], float)])
        for threshold in grid:
            curves.append({"option": label, "from": "paired replicates",
                           "willingness_to_pay": threshold, "probability_cost_effective":
                           float((threshold * effect_means - cost_means > 0).mean())})
        if assumptions is not None:
            curves.extend(world_curve(costs, amounts, assumptions, label, grid))
        rows.append({
            "option": label, "intervention_cost": arrays["intervention"],
            "cost_offsets": float(np.mean(arrays["offsets"])),
            "incremental_cost": incremental[0], "incremental_cost_low": incremental[1],
            "incremental_cost_high": incremental[2], "events_averted": events[0],
            "events_averted_low": events[1], "events_averted_high": events[2],
            "cost_per_event_averted": ratio[0], "cost_per_event_averted_low": ratio[1],
            "cost_per_event_averted_high": ratio[2], "net_monetary_benefit": benefit[0],
            "net_monetary_benefit_low": benefit[1], "net_monetary_benefit_high": benefit[2],
            "probability_cost_effective": float((wtp * effect_means - cost_means > 0).mean()),
            "willingness_to_pay": wtp,
            "effect_unit": "QALY" if costs.per_qaly else "preventable adverse event averted",
            "currency": costs.currency, "price_year": costs.price_year,
            "reading": dominance(incremental, events)})
    return pd.DataFrame(rows, columns=list(VALUE_COLUMNS)), pd.DataFrame(curves)


def world_curve(costs: Costs, amounts: dict[str, Amount], assumptions: Any, label: str,
                grid: np.ndarray) -> list[dict[str, Any]]:
    """The acceptability curve over plausible worlds: each world's mean NMB > 0."""
    worlds = assumptions.world_effects(label)  # DataFrame: world, averted, avoided (means)
    if worlds.empty:
        return []
    arrays = option_arrays(costs, amounts, worlds["averted"].to_numpy(float),
                           worlds["avoided"].to_numpy(float))
    return [{"option": label, "from": "plausible worlds", "willingness_to_pay": threshold,
             "probability_cost_effective": float((threshold * arrays["effect"]
                                                  - arrays["incremental"] > 0).mean())}
            for threshold in grid]
