"""The model hospital sized to a hospital file: wards, beds, staff, occupancy and vacancies.

The model's wards are alike, so a hospital with ward rows is modelled by its average ward
(beds, nurses and doctors per ward rounded to whole numbers); the fit report says so. Where a
file gives no staff, the default hospital's staff per bed is kept. The vacancy share is not
fitted: in steady state the share of posts vacant is the yearly leaving share times the months
a post stays empty, so the time to fill a post follows from the turnover and vacancy figures
(Little's law; NSI 2020 gives 2-4 months to recruit an experienced nurse).
"""

from __future__ import annotations

from sim.config import ModelConfig, parameter_fields
from sim.hospital.hospital_file import HospitalFile

Changes = dict[str, int | float]
DAYS_PER_YEAR = 365.0


def clamp(key: str, value: float) -> float:
    metadata = parameter_fields()[key].metadata
    low = metadata["low"] if metadata["low"] is not None else value
    high = metadata["high"] if metadata["high"] is not None else value
    return min(max(value, low), high)


def staff_per_ward(total: int | None, rows: list[int | None], typical: float) -> float:
    """A role's staff per ward: the hospital's total, else its ward rows when every ward has
    one, else the default hospital's staff per bed."""
    wards = len(rows)
    if total is not None:
        return total / wards
    if all(count is not None for count in rows):
        return sum(count for count in rows if count is not None) / wards
    return typical


def sizing(hospital: HospitalFile) -> Changes:
    """Parameters that make the model hospital the size and shape of the file's."""
    default = ModelConfig().hospital
    wards = len(hospital.wards)
    beds_per_ward = max(1, round(hospital.beds / wards))
    nurses = staff_per_ward(hospital.nurses, [w.nurses for w in hospital.wards],
                            beds_per_ward * default.nurses_per_ward / default.beds_per_ward)
    doctors = staff_per_ward(hospital.doctors, [w.doctors for w in hospital.wards],
                             beds_per_ward * default.doctors_per_ward / default.beds_per_ward)
    changes: Changes = {
        "hospital.wards": wards,
        "hospital.beds_per_ward": beds_per_ward,
        "hospital.nurses_per_ward": max(1, round(nurses)),
        "hospital.doctors_per_ward": max(0, round(doctors)),
    }
    occupancy = hospital.occupancy
    if occupancy is None and hospital.bed_days:
        # Occupied bed days over the period, shared over the staffed beds.
        occupancy = hospital.bed_days / (hospital.beds * DAYS_PER_YEAR * hospital.months / 12)
    if occupancy is not None:
        changes["patients.target_occupancy"] = round(clamp("patients.target_occupancy",
                                                           occupancy), 3)
    if hospital.nurse_turnover and hospital.vacancy is not None:
        days = hospital.vacancy / hospital.nurse_turnover * DAYS_PER_YEAR
        changes["turnover.vacancy_days"] = round(clamp("turnover.vacancy_days", days), 1)
    return changes


def staff_count(changes: Changes) -> int:
    return int(changes["hospital.wards"]) * (int(changes["hospital.nurses_per_ward"])
                                             + int(changes["hospital.doctors_per_ward"]))
