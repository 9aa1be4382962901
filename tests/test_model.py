"""The model as software: determinism, common random numbers, scheduling, metrics, memory."""

import gc
import random
import weakref

import pandas as pd
import pytest

from sim.config.behaviour import ImprovementBehaviour
from sim.core.agents.clinician import Clinician
from sim.core.agents.patient import Patient
from sim.core.metrics import CONTRACT_COLUMNS, METRICS
from sim.core.model import HospitalModel
from sim.core.passes.shift import records
from sim.core.records import error_record
from sim.core.world import Hazard, Report, SupportServices, Ward
from tests.helpers import make_config


def small_config(**changes):
    config = make_config(hospital__wards=3, **changes)
    config.run.days, config.run.burn_in = 60, 10
    return config


def run(config, seed=3):
    return HospitalModel(config, seed=seed).run().daily_data()


def test_the_days_inpatient_census_is_the_wards_patients_after_admissions():
    model = HospitalModel(small_config(), seed=4)
    for _ in range(3):
        model.step()
        census = model.inpatients
        assert census.members == [p for ward in model.wards for p in ward.patients]
        assert census.count.tolist() == [len(ward.patients) for ward in model.wards]
        for w, ward in enumerate(model.wards):
            on_ward = slice(census.start[w], census.start[w + 1])
            assert census.members[on_ward] == ward.patients
            assert (census.ward[on_ward] == w).all()
            assert census.vulnerability[on_ward].tolist() == [p.vulnerability
                                                               for p in ward.patients]
            assert census.inborn_engagement[on_ward].tolist() == [p.inborn_engagement
                                                                   for p in ward.patients]


def test_same_seed_gives_identical_daily_data():
    pd.testing.assert_frame_equal(run(small_config()), run(small_config()))


def test_different_seeds_give_different_daily_data():
    assert not run(small_config(), seed=1).equals(run(small_config(), seed=2))


def test_storytelling_does_not_change_results():
    quiet = HospitalModel(small_config(), seed=4, storytelling=False).run().daily_data()
    pd.testing.assert_frame_equal(quiet, run(small_config(), seed=4))


def test_common_random_numbers_share_patient_flow_across_policies():
    """Two scenarios with the same seed differ only where policy acts (Starsim's CRN)."""
    base = run(small_config())
    other = run(small_config(management__punitiveness=0.9, regulation__admin_share=0.5))
    pd.testing.assert_series_equal(base["admissions"], other["admissions"])
    assert not base["staff_reports"].equals(other["staff_reports"])


def test_daily_metrics_contract_columns_are_all_present():
    data = run(small_config())
    assert list(data.columns) == ["day", *[m.name for m in METRICS]]
    assert set(CONTRACT_COLUMNS) <= set(data.columns)
    assert len(data) == 70 and data["day"].iloc[0] == -9 and data["day"].iloc[-1] == 60


def test_metrics_are_consistent_with_each_other():
    data = run(small_config())
    assert (data.incidents == data.near_misses + data.adverse_events).all()
    assert (data.preventable_adverse_events <= data.adverse_events).all()
    assert (data.reported_adverse_events <= data.staff_reports).all()
    for column in ("psychological_safety", "trust_in_management", "burnout_prevalence",
                   "admin_time_share"):
        assert data[column].between(0, 1).all()
    busy = data[data.incidents > 0]
    assert (busy.reporting_rate == busy.staff_reports / busy.incidents).all()


def test_patients_are_admitted_and_discharged_as_agents():
    model = HospitalModel(small_config(), seed=2)
    first = {p.unique_id for p in model.agents_by_type[Patient]}
    model.run(30)
    now = {p.unique_id for p in model.agents_by_type[Patient]}
    assert first - now and now - first
    beds = sum(w.beds for w in model.wards)
    assert 0.6 * beds < len(now) <= beds


def test_audits_run_on_the_scheduler_at_the_configured_rate():
    config = small_config(regulation__audits_per_year=36.5)
    data = HospitalModel(config, seed=1).run().daily_data()
    expected = 3 * 70 / 10  # three wards, one audit each every ten days
    assert abs(data.audits.sum() - expected) <= 3
    audited = data[data.audits > 0]
    assert (audited.audited_encounters > 0).all()
    assert data[data.audits == 0].measured_compliance.isna().all()


def test_walkrounds_need_a_rate_to_happen():
    assert run(small_config()).walkrounds.sum() == 0
    assert run(small_config(management__walkrounds_per_month=4.0)).walkrounds.sum() > 20


def test_feedback_arrives_after_a_delay_through_scheduled_events():
    config = small_config(management__feedback_probability=1.0, management__punitiveness=0.01)
    data = run(config)
    assert data.feedback_given.sum() > 0
    assert data.feedback_given.sum() <= data.learning_responses.sum()


def test_set_parameter_changes_a_lever_mid_run_and_refuses_structure():
    model = HospitalModel(small_config(), seed=1)
    model.run(5)
    model.set_parameter("regulation.audits_per_year", 365.0)
    model.run(5)
    assert sum(model.daily_data().audits.iloc[-4:]) >= 4 * 3 - 1
    model.set_parameter("hospital.nurses_per_ward", 5)
    assert all(sum(c.role == "nurse" for c in w.clinicians) == 5 for w in model.wards)
    with pytest.raises(ValueError, match="cannot change mid-run"):
        model.set_parameter("hospital.wards", 4)


def test_the_passes_records_of_the_configuration_follow_a_parameter_changed_mid_run():
    model = HospitalModel(small_config(), seed=1)
    model.run(3)
    built = model.configured(error_record)
    assert model.configured(error_record) is built  # kept from one day to the next
    model.set_parameter("errors.barrier_tasks", 0.25)
    assert model.configured(error_record) is not built
    assert model.configured(error_record).barrier_tasks == 0.25
    model.set_parameter("clinicians.second_order_propensity", 0.5)
    assert model.configured(records)[0].second_order_log_odds == 0.0  # log-odds of 0.5


def test_external_shock_lowers_safety_and_trust():
    model = HospitalModel(small_config(), seed=1)
    model.run(5)
    before = model.day_summary["psychological_safety"]
    model.external_shock(0.5)
    model.run(1)
    assert model.day_summary["psychological_safety"] < 0.8 * before


def test_story_feed_tells_what_happened_in_words():
    model = HospitalModel(small_config(management__walkrounds_per_month=4.0), seed=1).run()
    texts = [event.text for event in model.story]
    assert any("Walkround" in text for text in texts)
    assert all(text.startswith("Day ") for text in texts)


def test_model_is_collectable_after_removing_agents():
    """Mesa's memory test: after remove_all_agents() nothing keeps the model alive."""
    model = HospitalModel(small_config(), seed=1)
    model.run(20)
    reference = weakref.ref(model)
    clinician = weakref.ref(next(iter(model.agents_by_type[Clinician])))
    model.remove_all_agents()
    del model
    gc.collect()
    assert reference() is None
    assert clinician() is None


@pytest.mark.parametrize("wards", [2, 4, 12])
def test_news_of_a_response_reaches_as_many_in_other_wards_whatever_the_hospital_s_size(wards):
    """Cross-ward visibility is per clinician of the reporting ward, and every colleague it
    reaches works elsewhere (not fewer in a small hospital, where more draws would land at
    home)."""

    model = HospitalModel(make_config(hospital__wards=wards,
                                      transparency__report_visibility=0.0,
                                      transparency__cross_ward_visibility=0.5), seed=3)
    ward = model.wards[0]
    report = Report("incident", ward, 0, ward.clinicians[0], False, None)
    heard = [len(ward.manager.audience(report)) - 1 for _ in range(400)]
    audiences = [ward.manager.audience(report)[1:] for _ in range(50)]
    assert all(colleague.ward is not ward for people in audiences for colleague, _ in people)
    expected = 0.5 * len(ward.clinicians)
    assert sum(heard) / len(heard) == pytest.approx(expected, rel=0.08)


def escalate_problems(services, ward, count, day, rules, draw):
    """`count` new equipment problems on `ward`, escalated to `services` on `day`."""
    problems = [Hazard("equipment", ward, 0) for _ in range(count)]
    ward.hazards.extend(problems)
    for problem in problems:
        services.escalate(problem, day, draw, rules)
    return problems


def test_support_queue_counts_only_problems_still_open():
    # A problem that went by itself or was fixed on the ward keeps its place in the queue
    # (it costs nothing when reached) but is no longer waiting for support services.
    ward = Ward(0, 10)
    services, rules, draw = SupportServices(), ImprovementBehaviour(), random.Random(1)
    problems = escalate_problems(services, ward, 3, 0, rules, draw)
    assert services.waiting == 3
    assert ward.fix(problems[0])
    assert services.waiting == 2
    problems[1].open = False  # gone by itself (as `HospitalModel.emerge_hazards` marks it)
    ward.hazards.remove(problems[1])
    assert services.waiting == 1
    assert len(services.queue) == 3


@pytest.mark.parametrize("wards", [1, 4, 8, 12, 30])
def test_support_services_throughput_per_ward_does_not_depend_on_size(wards):
    # With problems always waiting, support services do `support_capacity` jobs a ward-day at
    # any size: the part of a day's capacity past a whole job carries over (at 12 wards, 0.45
    # jobs a day, cutting it off gave one job every 3 days instead of every 2.2).
    rules = ImprovementBehaviour(support_delay_days=0.0, support_success=1.0)
    services, draw = SupportServices(), random.Random(1)
    ward = Ward(0, 10)
    days = 2000
    jobs = round(rules.support_capacity * wards * days) + 10
    escalate_problems(services, ward, jobs, 0, rules, draw)
    done = sum(len(services.work(day, draw, rules, wards)) for day in range(days))
    assert done == pytest.approx(rules.support_capacity * wards * days, abs=1.0)


def test_support_services_bank_at_most_one_job_of_idle_time():
    rules = ImprovementBehaviour(support_delay_days=0.0, support_success=1.0)
    services, draw, ward = SupportServices(), random.Random(1), Ward(0, 10)
    for day in range(200):  # nothing to do for 200 days at 0.3 jobs a day
        services.work(day, draw, rules, 8)
    escalate_problems(services, ward, 10, 200, rules, draw)
    assert len(services.work(200, draw, rules, 8)) == 1  # one job, not 60 banked


def test_problems_that_go_by_themselves_are_marked_closed():
    model = HospitalModel(make_config(hospital__wards=3), seed=2)
    model.run(30)
    model.set_parameter("hazards.self_resolution_days", 1.0)  # every problem goes next morning
    before = [h for ward in model.wards for h in ward.hazards]
    model.emerge_hazards()
    assert before and not any(h.open for h in before)
    assert all(h.open for ward in model.wards for h in ward.hazards)
