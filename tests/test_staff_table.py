"""The staff table holds every clinician's state once; the Clinician agents are views onto it."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from sim.config import ModelConfig
from sim.core import mechanisms as rules
from sim.core.model import HospitalModel
from sim.core.passes.peers import follow_peers, ward_climates
from sim.core.staff import COLUMNS, FIRST_CAPACITY, NEVER, StaffTable


@pytest.fixture(scope="module")
def model() -> HospitalModel:
    model = HospitalModel(ModelConfig(), seed=5, storytelling=False)
    model.run(40)
    return model


def test_a_clinician_s_attributes_read_and_write_their_row_of_the_table(model):
    clinician = model.clinician_list[3]
    columns = model.staff.columns
    assert clinician.psychological_safety == columns.psychological_safety[clinician.row]
    assert isinstance(clinician.psychological_safety, float)  # a Python number, not NumPy's
    clinician.deviation_tolerance = 0.123
    assert columns.deviation_tolerance[clinician.row] == 0.123
    assert columns.ward[clinician.row] == clinician.ward.index
    assert columns.post[clinician.row] == clinician.post
    assert columns.doctor[clinician.row] == (clinician.role == "doctor")


def test_the_model_s_staff_rows_follow_its_staff_list_ward_by_ward(model):
    assert [model.staff.members[row] for row in model.staff_rows] == model.clinician_list
    assert model.staff_wards.tolist() == [c.ward.index for c in model.clinician_list]
    # Rows are unique: no two clinicians share state.
    assert len(set(model.staff_rows.tolist())) == model.clinician_count


def test_a_leaver_keeps_their_row_so_a_pending_report_still_names_their_state():
    config = ModelConfig()
    config.turnover.leaving_rate = 0.9  # many leave within weeks
    model = HospitalModel(config, seed=2, storytelling=False)
    founders = list(model.clinician_list)
    model.run(60)
    leavers = [c for c in founders if c not in model.clinician_list]
    assert leavers
    first = leavers[0]
    assert model.staff.size > model.clinician_count  # newcomers took new rows
    assert first.row not in model.staff_rows.tolist()
    assert model.staff.members[first.row] is first
    # No pass touches a leaver's row once they have gone.
    frozen = (first.psychological_safety, first.exhaustion, first.deviation_tolerance)
    model.run(5)
    assert (first.psychological_safety, first.exhaustion, first.deviation_tolerance) == frozen


def test_the_table_grows_without_losing_anyone_s_state():
    table = StaffTable()
    rows = [table.add(object()) for _ in range(FIRST_CAPACITY)]
    table.columns.exhaustion[rows] = np.arange(FIRST_CAPACITY) / 100
    extra = table.add(object())
    assert extra == FIRST_CAPACITY and len(table.columns.exhaustion) == 2 * FIRST_CAPACITY
    assert table.columns.exhaustion[:FIRST_CAPACITY].tolist() == \
        (np.arange(FIRST_CAPACITY) / 100).tolist()
    assert table.columns.burned_out_since[extra] == NEVER
    assert table.columns.last_report_day[extra] == NEVER
    assert_the_compiled_record_holds_the_columns(table)


# The record's fields by name, read in compiled code (the record has no Python attributes).
# One getter spelled from the list of columns, so that a column added later is checked too.
_getter: dict = {}
exec(f"def fields_of(staff):\n    return ({', '.join(f'staff.{n}' for n in COLUMNS)},)\n",
     _getter)
fields_of = njit(_getter["fields_of"])


def assert_the_compiled_record_holds_the_columns(table: StaffTable) -> None:
    compiled = fields_of(table.compiled)
    for name, field in zip(COLUMNS, compiled, strict=True):
        column = getattr(table.columns, name)  # the very array: a write through one is in both
        assert field.dtype == column.dtype and np.shares_memory(field, column), name


def test_the_compiled_passes_record_is_the_table_s_own_columns(model):
    assert_the_compiled_record_holds_the_columns(model.staff)
    assert_the_compiled_record_holds_the_columns(StaffTable())


def test_burnout_is_dated_from_its_first_day_and_cleared_on_recovery(model):
    clinician = model.clinician_list[0]
    threshold = model.config.clinicians.burnout_threshold
    clinician.exhaustion = threshold + 0.1
    day = model.day
    assert model.burnout_days(day)[0] == 0 and clinician.burned_out_since == day
    assert model.burnout_days(day + 30)[0] == 30
    clinician.exhaustion = threshold - 0.1
    assert model.burnout_days(day + 31)[0] == 0 and clinician.burned_out_since is None


def test_peers_pull_beliefs_toward_the_ward_and_dispositions_learn_slowly(model):
    clinician = model.clinician_list[0]
    ward = clinician.ward
    config = model.config
    ward.safety_climate = 0.9
    clinician.psychological_safety, clinician.safety_disposition = 0.2, 0.3
    clinician.perceived_blame, clinician.blame_disposition = 0.8, 0.6
    follow_peers(model)
    memory = config.clinicians.belief_memory
    safety, disposition = rules.settle_belief(
        rules.relax(0.2, 0.9, config.clinicians.climate_influence), 0.3, memory,
        config.learning.disposition_rate)
    assert clinician.psychological_safety == safety and clinician.safety_disposition == disposition
    assert 0.2 < clinician.psychological_safety < 0.9
    blame, settled = rules.settle_belief(0.8, 0.6, memory, config.learning.blame_climate_rate)
    assert (clinician.perceived_blame, clinician.blame_disposition) == (blame, settled)
    assert 0.6 < settled < 0.8


def test_the_day_s_census_of_the_staff_reads_what_the_agents_hold(model):
    from sim.core.observation import CENSUS, staff_census

    rows = model.staff_rows
    census = dict(zip(CENSUS, staff_census(rows, model.staff.compiled,
                                           model.config.clinicians.burnout_threshold,
                                           np.array([w.care_demand for w in model.wards]),
                                           model.day - 365), strict=True))
    staff = model.clinician_list
    safety = [c.psychological_safety for c in staff]
    assert census["psychological_safety"] == pytest.approx(float(np.mean(safety)), rel=1e-12)
    assert census["psychological_safety_sd"] == pytest.approx(float(np.std(safety)), rel=1e-9)
    doctors = [c for c in staff if c.role == "doctor"]
    assert census["burnout_doctors"] == pytest.approx(
        sum(c.burned_out for c in doctors) / len(doctors))
    on_duty = [c for c in staff if c.on_duty]
    assert census["regulatory_time"] == pytest.approx(sum(c.regulatory_time for c in on_duty))
    assert census["working_time"] == pytest.approx(
        census["regulatory_time"] + sum(c.ward.care_demand for c in on_duty))
    # No one to count: every mean is undefined rather than zero.
    empty = staff_census(rows[:0], model.staff.compiled, 0.5, np.zeros(1), 0)
    assert all(np.isnan(value) for name, value in zip(CENSUS, empty, strict=True)
               if name not in ("regulatory_time", "working_time"))


def test_a_compensated_sum_is_as_exact_as_math_fsum():
    import math

    from sim.core.sums import compensated_sum

    draw = np.random.default_rng(3)
    # Magnitudes over twelve orders, where a plain running sum loses the small ones.
    values = draw.normal(0.0, 1.0, 1000) * 10.0 ** draw.uniform(-6.0, 6.0, 1000)
    exact = math.fsum(values.tolist())
    assert abs(compensated_sum(values) - exact) <= 1e-15 * abs(exact)


def test_ward_climates_are_python_s_own_means_ward_by_ward(model):
    sizes = [len(ward.clinicians) for ward in model.wards] + [0]  # and a ward without staff
    climates = ward_climates(model.staff_rows, model.staff.compiled,
                             np.array(sizes, dtype=np.int64))
    first = 0
    for w, size in enumerate(sizes):
        staff = model.clinician_list[first:first + size]
        for k, belief in enumerate(("psychological_safety", "deviation_tolerance",
                                    "perceived_usefulness")):
            assert climates[k, w] == sum(getattr(c, belief) for c in staff) / (size or 1)
        first += size
