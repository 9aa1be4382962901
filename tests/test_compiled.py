"""The compiled loops (sim.core.passes: shift, care, fatigue) do what the agents' rules say.

They run the rules of sim.core.mechanisms for the whole staff at once; these tests check the
parts that are the loops' own: the keyed draws (one implementation for Python and the loops)
keep CPython's tuple hash, the configuration reaches them, and a day's events (fixes, reports,
errors) reach the agents in a way that keeps the model's bookkeeping whole.
"""

import math
import pickle
import random
import subprocess
import sys
from dataclasses import fields

import numpy as np
import pytest
from numba import njit

from sim.config import ModelConfig
from sim.config.behaviour import (
    AuditBehaviour,
    BurnoutBehaviour,
    ErrorBehaviour,
    ImprovementBehaviour,
    WorkaroundBehaviour,
)
from sim.core import records
from sim.core.model import HospitalModel
from sim.core.passes import fatigue
from sim.core.passes.bedside import patients_day
from sim.core.passes.shift import meet_the_days_obstacles
from sim.core.random_streams import (
    KeyedDraws,
    RandomStreams,
    keyed_uniform,
    poisson,
    poisson_quantile,
)

RECORDS = [(records.ImprovementRecord, ImprovementBehaviour),
           (records.WorkaroundRecord, WorkaroundBehaviour), (records.AuditRecord, AuditBehaviour),
           (records.ErrorRecord, ErrorBehaviour), (fatigue.BurnoutRecord, BurnoutBehaviour)]


@njit
def compiled_uniform(key, day, ward, post, purpose):
    return keyed_uniform(key, day, ward, post, purpose)


@njit
def compiled_quantile(mean, uniform):
    return poisson_quantile(mean, uniform)


def cpython_keyed_uniform(items: tuple[int, ...]) -> float:
    """The keyed uniform as the model first drew it: CPython's tuple hash, then splitmix64."""
    mask = (1 << 64) - 1
    mixed = hash(items) & mask
    mixed = ((mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9) & mask
    mixed = ((mixed ^ (mixed >> 27)) * 0x94D049BB133111EB) & mask
    return ((mixed ^ (mixed >> 31)) >> 11) / (1 << 53)


def test_keyed_draws_are_cpythons_tuple_hash_in_python_and_compiled_code():
    """One implementation serves both; it keeps the draws the model made with `hash()`, and
    common random numbers across the compiled and Python parts need the same uniforms."""
    draw = random.Random(11)
    for seed in (0, 1, 7, 2**31 + 5, 123456789):
        keyed = KeyedDraws(seed)
        for _ in range(300):
            key = (draw.randrange(0, 20000), draw.randrange(0, 200), draw.randrange(0, 5000),
                   draw.randrange(0, 8))
            expected = cpython_keyed_uniform((keyed.key, *key))
            assert compiled_uniform(keyed.key, *key) == keyed.uniform(*key) == expected
            longer = (*key, draw.randrange(0, 50), draw.randrange(0, 5))  # an error's draws
            assert keyed.uniform(*longer) == cpython_keyed_uniform((keyed.key, *longer))
    assert KeyedDraws(3).uniform(2**61 - 2, 0) == cpython_keyed_uniform((KeyedDraws(3).key,
                                                                        2**61 - 2, 0))


def test_a_batch_of_keyed_draws_is_the_draws_one_by_one():
    keyed = KeyedDraws(4)
    assert keyed.uniforms_of(30, 2, 5, 3, 1, 5) == [keyed.uniform(30, 2, 5, 3, 1, purpose)
                                                    for purpose in range(5)]


def test_keyed_draws_are_fixed_by_their_key_and_spread_evenly():
    keyed, other = KeyedDraws(1), KeyedDraws(2)
    draws = [keyed.uniform(day, 0, post, 0) for day in range(100) for post in range(40)]
    assert draws == [keyed.uniform(day, 0, post, 0) for day in range(100) for post in range(40)]
    assert all(0.0 <= u < 1.0 for u in draws)
    assert len(set(draws)) == len(draws)
    assert abs(sum(draws) / len(draws) - 0.5) < 0.02
    assert sum(u < 0.1 for u in draws) / len(draws) == pytest.approx(0.1, abs=0.02)
    assert keyed.uniform(5, 1, 2, 3) != other.uniform(5, 1, 2, 3)
    assert keyed.uniform(5, 1, 2, 3) != keyed.uniform(5, 1, 2, 3, 0)  # the length counts


def test_compiled_poisson_quantile_matches_python():
    draw = random.Random(3)
    for _ in range(500):
        mean, uniform = draw.random() * 4, draw.random()
        assert compiled_quantile(mean, uniform) == poisson_quantile(mean, uniform)
    for mean in (650.0, 900.0):  # both sides of the switch to terms from logarithms
        assert compiled_quantile(mean, 0.3) == poisson_quantile(mean, 0.3)


@pytest.mark.parametrize("mean", [0.3, 4.0, 45.0, 699.0, 1200.0])
def test_the_one_poisson_sampler_has_the_poisson_mean_and_variance(mean):
    # One uniform per draw (inversion): evenly spaced uniforms give the distribution itself.
    draws = np.array([poisson_quantile(mean, (k + 0.5) / 4000) for k in range(4000)])
    assert draws.mean() == pytest.approx(mean, rel=0.01, abs=0.01)
    assert draws.var() == pytest.approx(mean, rel=0.05, abs=0.02)
    assert poisson_quantile(0.0, 0.9) == 0 and poisson_quantile(mean, 0.0) == 0
    stream = random.Random(8)
    assert poisson(stream, mean) == poisson_quantile(mean, random.Random(8).random())


@pytest.mark.parametrize(("record", "section"), RECORDS)
def test_records_carry_every_coefficient_and_keep_their_identity(record, section):
    # Every field of the section reaches compiled code, so a new coefficient cannot be lost.
    assert record._fields == tuple(field.name for field in fields(section))
    # Found again by module and name: otherwise Numba's cache misses and every process
    # compiles the loops afresh (seconds per run).
    assert pickle.loads(pickle.dumps(record)) is record


# In a new process, after preparing the loops, how many of the core's compiled loops are
# compiled or loaded: every one found in the core's modules, so that a new pass cannot be left
# out (solve_problem is only called from inside meet_obstacles, compiled into it).
PREPARED_LOOPS = """
import importlib, pkgutil
from numba.core.registry import CPUDispatcher
import sim.core
from sim.core.model import prepare_compiled_loops
prepare_compiled_loops()
loops = [thing for info in pkgutil.walk_packages(sim.core.__path__, "sim.core.")
         for thing in vars(importlib.import_module(info.name)).values()
         if isinstance(thing, CPUDispatcher) and thing.py_func.__module__ == info.name
         # solve_problem is inlined into the obstacle loop; a single keyed draw
         # (`KeyedDraws.uniform`) is not on a day's path, which draws them in batches.
         and thing.__name__ not in ("solve_problem", "compiled_keyed_uniform")]
print(sum(bool(loop.signatures) for loop in loops), len(loops))
"""


def test_preparing_the_loops_readies_every_one_before_the_first_day():
    # The page prepares them before it is served, so the first Step is not a compilation.
    done = subprocess.run([sys.executable, "-c", PREPARED_LOOPS], capture_output=True,
                          text=True, check=True, timeout=300)
    prepared, loops = map(int, done.stdout.split())
    assert prepared == loops >= 9


def day_of_obstacles(**settings: float) -> tuple[HospitalModel, int]:
    """A model run for a while, then `settings` applied and the next morning prepared;
    returns it and its open hazards."""
    model = HospitalModel(ModelConfig(), seed=4, storytelling=False)
    model.run(5)
    for key, value in settings.items():
        model.set_parameter(key, value)
    model.tally.reset()
    model.discharge_and_admit()
    model.emerge_hazards()
    model.prepare_wards()
    return model, sum(len(ward.hazards) for ward in model.wards)


def test_a_hazard_fixed_in_the_morning_is_not_met_again_that_day():
    # Everyone meets every open hazard, and always fixes it on the spot: the first clinician
    # on each ward fixes them all, so no hazard is met twice.
    model, open_hazards = day_of_obstacles(**{
        "regulation.rule_obstacles": 0.0, "hazards.encounters_per_hazard": 1.0,
        "clinicians.second_order_propensity": 0.999999, "improvement.empowerment": 1.0,
        "obstacles.equipment_local_fix": 1.0, "obstacles.supplies_local_fix": 1.0,
        "obstacles.process_local_fix": 1.0, "improvement.fix_success": 1.0})
    assert open_hazards > 5
    meet_the_days_obstacles(model)
    counts = model.tally.counts
    assert counts["obstacle_encounters"] == open_hazards
    assert counts["hazards_fixed"] == open_hazards
    assert sum(len(ward.hazards) for ward in model.wards) == 0


def test_problems_the_ward_cannot_fix_are_reported_once_and_escalated():
    model, open_hazards = day_of_obstacles(**{
        "regulation.rule_obstacles": 0.0, "hazards.encounters_per_hazard": 1.0,
        "clinicians.second_order_propensity": 0.999999, "improvement.empowerment": 0.0,
        "improvement.authority_gain": 0.0})
    already = sum(h.reported for ward in model.wards for h in ward.hazards)
    waiting = sum(len(ward.manager.backlog) for ward in model.wards)
    meet_the_days_obstacles(model)
    counts = model.tally.counts
    # Met by every clinician on duty, each problem is reported only by the first.
    assert counts["obstacle_encounters"] > open_hazards
    assert counts["hazard_reports"] == open_hazards - already
    assert all(h.reported for ward in model.wards for h in ward.hazards)
    # Each report reached the ward's manager.
    backlog = sum(len(ward.manager.backlog) for ward in model.wards)
    assert backlog - waiting == counts["hazard_reports"]


def test_pointless_rules_cost_trust_once_per_rule_met():
    model, _ = day_of_obstacles(**{"regulation.rule_obstacles": 6.0,
                                   "regulation.coherence": 0.0,
                                   "hazards.encounters_per_hazard": 0.0})
    duty = [c for ward in model.wards for c in ward.on_duty]
    before = [c.trust_in_management for c in duty]
    meet_the_days_obstacles(model)
    keep = 1 - model.config.learning.pointless_rule_distrust
    rules_met = []
    for clinician, trust in zip(duty, before, strict=True):
        times = math.log(clinician.trust_in_management / trust) / math.log(keep)
        assert times == pytest.approx(round(times), abs=1e-6)
        rules_met.append(round(times))
    # Every obstacle met today was a pointless rule, and each cost trust exactly once.
    assert sum(rules_met) == model.tally.counts["obstacle_encounters"] > len(duty)


def test_the_days_counts_stay_consistent():
    model = HospitalModel(ModelConfig(), seed=9, storytelling=False)
    model.run(60)
    data = model.daily_data()
    assert (data["second_order_responses"] + data["workarounds"]
            <= data["obstacle_encounters"]).all()
    assert (data["audited_compliant"] <= data["audited_encounters"]).all()
    assert data["workarounds"].sum() > 0 and data["hazard_reports"].sum() > 0


def test_off_duty_clinicians_rest_and_on_duty_ones_tire_toward_the_days_strain():
    model, _ = day_of_obstacles()
    staff = meet_the_days_obstacles(model)
    before = {id(c): c.exhaustion for c in model.clinician_list}
    fatigue.end_shifts(model, staff)
    config = model.config
    rest = config.burnout.rest_recovery_share * config.clinicians.recovery_rate
    resting = [c for c in model.clinician_list if not c.on_duty]
    assert resting and staff.members
    for clinician in resting:
        assert clinician.exhaustion == pytest.approx(before[id(clinician)] * (1 - rest))
    # On duty: a step of `recovery_rate` toward a strain between 0 and 1.
    for clinician in staff.members:
        step = (clinician.exhaustion - before[id(clinician)]) / config.clinicians.recovery_rate
        strain = before[id(clinician)] + step
        assert 0.0 < strain < 1.0


def test_patients_raise_concerns_only_when_invited_and_only_about_open_problems():
    quiet, _ = day_of_obstacles(**{"patients.speak_up_invitation": 0.0})
    patients_day(quiet)
    assert quiet.tally.counts["patient_reports"] == 0
    invited, _ = day_of_obstacles(**{"patients.speak_up_invitation": 1.0,
                                     "patient_voice.concern_rate": 1.0,
                                     "patients.complication_rate": 0.0})
    waiting = {id(r) for w in invited.wards for r in w.manager.backlog}
    patients_day(invited)
    concerns = [r for w in invited.wards for r in w.manager.backlog if id(r) not in waiting]
    assert invited.tally.counts["patient_reports"] == len(concerns) > 0
    # Each concern names an open problem of the patient's own ward.
    assert all(r.kind == "patient" and r.hazard in r.ward.hazards for r in concerns)
    assert invited.tally.counts["adverse_events"] == 0  # no complications at rate 0


@njit
def next_concern_draw(streams):
    return streams.concern_draws.random()


def test_the_compiled_streams_record_draws_from_the_same_generators():
    # The record hands the compiled loops the very generators Python holds: a draw through it
    # moves the state Python sees on, and the draws are those of the generator itself.
    streams, twin = RandomStreams(5), RandomStreams(5)
    assert next_concern_draw(streams.compiled) == twin.concern_draws.random()
    assert streams.concern_draws.random() == twin.concern_draws.random()
