"""Hospital files (`hospitals/*.yaml`): one hospital's aggregate survey, incident and staffing
figures, checked before anything runs.

    name: Northfield General (fictional)
    beds: 336
    occupancy: 0.86              # share of beds occupied over the 12 months
    wards: 12                    # or a list of rows: {name, beds, nurses, doctors}
    staff: {nurses: 250, doctors: 84}
    survey:
      instrument: SOPS 2.0       # or SAQ
      year: 2025
      composites:
        response_to_error: {percent_positive: 48, respondents: 402}
    incidents: {reports: 5200, bed_days: 105500, months: 12}   # optional
    workforce:
      nurse_turnover_percent: 15   # registered nurses leaving in 12 months, % of RN posts
      vacancy_percent: 7           # RN posts vacant, on average
      burnout: {percent: 36, respondents: 310}
    harm: {adverse_events_per_100_admissions: 11, admissions_reviewed: 240}   # optional

Every problem is found in one pass and reported one line each (the file, the key, what was
expected). Only aggregate figures are accepted: item-level answers or rows about people are
refused by name, so that a file can be shared without exposing anyone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import UsageError
from sim.hospital.survey import COMPOSITE_BY_KEY, INSTRUMENTS, composites_of
from sim.scenario.schema import (
    check_mapping,
    check_number,
    check_text,
    fail,
    show,
    suggestion,
)
from sim.scenario.yaml_io import display_path, read_yaml_file

TOP_KEYS = ("name", "description", "beds", "occupancy", "wards", "staff", "survey",
            "incidents", "workforce", "harm")
REQUIRED = ("name", "beds", "wards", "survey")
WARD_KEYS = ("name", "beds", "nurses", "doctors")
STAFF_KEYS = ("nurses", "doctors")
SURVEY_KEYS = ("instrument", "year", "composites")
COMPOSITE_KEYS = ("percent_positive", "respondents")
INCIDENT_KEYS = ("reports", "bed_days", "months", "reference_per_1000_bed_days")
# NRLS, acute non-specialist NHS trusts, 2018-19: a median of about 45 incident reports per
# 1,000 bed days (NHS Improvement, organisation patient safety incident reports).
DEFAULT_REFERENCE_REPORTING = 45.0
WORKFORCE_KEYS = ("nurse_turnover_percent", "vacancy_percent", "burnout")
BURNOUT_KEYS = ("percent", "respondents")
HARM_KEYS = ("adverse_events_per_100_admissions", "admissions_reviewed")
# Words that mark item-level or personal data; a file holding them is refused outright.
PERSONAL_WORDS = ("respondent_id", "responses", "answers", "items", "item", "person", "people",
                  "employee", "employees", "staff_id", "individual", "individuals", "email",
                  "date_of_birth", "patient_id", "patients", "names")
MAX_BEDS = 5600  # the model's largest hospital: 200 wards of 28 beds
MAX_WARDS = 200


class HospitalFileError(UsageError):
    """Every problem of a hospital file; printed one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\nerror: ".join(problems))


@dataclass(frozen=True)
class Ward:
    name: str
    beds: int
    nurses: int | None = None
    doctors: int | None = None


@dataclass(frozen=True)
class Share:
    """A percentage a hospital measured, with the number of people it was measured on."""

    percent: float
    respondents: int | None = None

    @property
    def value(self) -> float:
        return self.percent / 100.0


@dataclass(frozen=True)
class HospitalFile:
    """One hospital's figures, checked."""

    name: str
    source: Path
    beds: int
    wards: tuple[Ward, ...]
    occupancy: float | None = None
    description: str = ""
    nurses: int | None = None
    doctors: int | None = None
    instrument: str = "SOPS 2.0"
    survey_year: int | None = None
    composites: dict[str, Share] = field(default_factory=dict)
    incident_reports: int | None = None  # None: the file gives no incident figures
    bed_days: float | None = None
    months: float = 12.0
    reference_reports_per_1000_bed_days: float = DEFAULT_REFERENCE_REPORTING
    nurse_turnover: float | None = None  # share of RN posts leaving a year
    vacancy: float | None = None  # share of RN posts vacant
    burnout: Share | None = None
    harm_per_100_admissions: float | None = None
    admissions_reviewed: int | None = None

    @property
    def reports_per_1000_bed_days(self) -> float:
        if self.incident_reports is None or not self.bed_days:
            return math.nan
        return 1000.0 * self.incident_reports / self.bed_days


class Checker:
    """Collects one-line problems while the file is read; every check returns None on failure."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def attempt(self, step: Callable[[], Any]) -> Any:
        try:
            return step()
        except UsageError as error:
            if str(error) not in self.problems:
                self.problems.append(str(error))
            return None

    def add(self, path: str, message: str) -> None:
        self.problems.append(str(fail(self.where, path, message)))

    def mapping(self, value: Any, path: str, what: str, keys: tuple[str, ...]
                ) -> Mapping[str, Any] | None:
        found = self.attempt(lambda: check_mapping(value, self.where, path, what))
        if found is None:
            return None
        for key in found:
            self.refuse_personal(key, path)
            if key not in keys and not self.is_personal(key):
                full = f"{path}.{key}" if path else str(key)
                self.add(full, "unknown key" + (suggestion(key, keys) or
                                                f"; expected one of {', '.join(keys)}"))
        return found

    @staticmethod
    def is_personal(key: Any) -> bool:
        return isinstance(key, str) and key.strip().lower() in PERSONAL_WORDS

    def refuse_personal(self, key: Any, path: str) -> None:
        if self.is_personal(key):
            full = f"{path}.{key}" if path else str(key)
            self.add(full, "looks like item-level or per-person data; a hospital file holds "
                           "aggregate figures only (a percent and a respondent count per "
                           "composite)")

    def number(self, value: Any, path: str, *, whole: bool = False, low: float | None = None,
               high: float | None = None, unit: str = "") -> Any:
        return self.attempt(lambda: check_number(value, self.where, path, whole=whole, low=low,
                                                 high=high, unit=unit))


def read_hospital(path: str | Path) -> HospitalFile:
    """Read and check a hospital file; HospitalFileError lists every problem."""
    source = Path(path)
    where = display_path(source) if source.exists() else str(path)
    if source.suffix not in (".yaml", ".yml"):
        raise HospitalFileError([f"{where}: expected a .yaml hospital file"])
    data = read_yaml_file(source, where)
    checker = Checker(where)
    if not isinstance(data, Mapping):
        raise HospitalFileError([f"{where}: expected a mapping of hospital figures, got "
                                 f"{show(data)}"])
    checker.mapping(data, "", "a mapping", TOP_KEYS)
    for key in REQUIRED:
        if key not in data:
            checker.add(key, "missing: " + REQUIRED_MEANING[key])
    hospital = build(data, checker, source)
    if checker.problems:
        raise HospitalFileError(checker.problems)
    assert hospital is not None
    return hospital


REQUIRED_MEANING = {
    "name": "the hospital's name (one line of text)",
    "beds": "the number of staffed beds",
    "wards": "the number of wards, or a list of ward rows",
    "survey": "the staff survey's composites (percent positive and respondents)",
}


def build(data: Mapping[str, Any], checker: Checker, source: Path) -> HospitalFile | None:
    where = checker.where
    name = checker.attempt(lambda: check_text(data.get("name", ""), where, "name", 120,
                                              one_line=True)) if "name" in data else None
    if name is not None and not name.strip():
        checker.add("name", "expected the hospital's name, got empty text")
    description = ""
    if data.get("description") is not None:
        description = checker.attempt(
            lambda: check_text(data["description"], where, "description")) or ""
    beds = checker.number(data["beds"], "beds", whole=True, low=1, high=MAX_BEDS,
                          unit="beds") if "beds" in data else None
    occupancy = None
    if data.get("occupancy") is not None:
        occupancy = checker.number(data["occupancy"], "occupancy", low=0.05, high=1.0,
                                   unit="share of beds occupied, e.g. 0.86")
    wards = read_wards(data.get("wards"), checker, beds) if "wards" in data else ()
    staff = checker.mapping(data.get("staff"), "staff", "a mapping with nurses and doctors",
                            STAFF_KEYS) if data.get("staff") is not None else None
    nurses = doctors = None
    if staff:
        if "nurses" in staff:
            nurses = checker.number(staff["nurses"], "staff.nurses", whole=True, low=1,
                                    high=100_000, unit="registered nurses")
        if "doctors" in staff:
            doctors = checker.number(staff["doctors"], "staff.doctors", whole=True, low=0,
                                     high=40_000, unit="doctors")
    survey = read_survey(data.get("survey"), checker) if "survey" in data else None
    incidents = read_incidents(data.get("incidents"), checker) if "incidents" in data else None
    workforce = read_workforce(data.get("workforce"), checker)
    harm = read_harm(data.get("harm"), checker)
    if checker.problems or None in (name, beds, survey) or not wards:
        return None
    instrument, year, composites = survey
    reports, bed_days, months, reference = incidents or (None, None, 12.0,
                                                         DEFAULT_REFERENCE_REPORTING)
    if bed_days is not None and bed_days > beds * 366 * months / 12 * 1.05:
        checker.add("incidents.bed_days", f"{bed_days:,.0f} bed days in {months:g} months is "
                                          f"more than {beds} beds can hold")
        return None
    return HospitalFile(
        name=name.strip(), source=source, beds=beds, wards=wards, occupancy=occupancy,
        description=description, nurses=nurses, doctors=doctors, instrument=instrument,
        survey_year=year, composites=composites, incident_reports=reports, bed_days=bed_days,
        months=months, reference_reports_per_1000_bed_days=reference,
        nurse_turnover=workforce[0], vacancy=workforce[1], burnout=workforce[2],
        harm_per_100_admissions=harm[0], admissions_reviewed=harm[1])


def read_wards(value: Any, checker: Checker, beds: int | None) -> tuple[Ward, ...]:
    if isinstance(value, bool) or value is None:
        checker.add("wards", f"expected a number of wards or a list of ward rows, got "
                             f"{show(value)}")
        return ()
    if isinstance(value, int):
        count = checker.number(value, "wards", whole=True, low=1, high=MAX_WARDS, unit="wards")
        if count is None or beds is None:
            return ()
        if beds < count:
            checker.add("wards", f"{count} wards cannot share {beds} beds")
            return ()
        return tuple(Ward(f"ward {i + 1}", round(beds / count)) for i in range(count))
    if not isinstance(value, list) or not value:
        checker.add("wards", f"expected a number of wards or a list of ward rows, got "
                             f"{show(value)}")
        return ()
    if len(value) > MAX_WARDS:
        checker.add("wards", f"{len(value)} ward rows; at most {MAX_WARDS}")
        return ()
    rows = []
    for index, row in enumerate(value):
        path = f"wards[{index}]"
        found = checker.mapping(row, path, "a ward row with name, beds, nurses, doctors",
                                WARD_KEYS)
        if not found:
            continue
        if "beds" not in found:
            checker.add(f"{path}.beds", "missing: the ward's beds")
            continue
        ward_beds = checker.number(found["beds"], f"{path}.beds", whole=True, low=1, high=200)
        ward_nurses = (checker.number(found["nurses"], f"{path}.nurses", whole=True, low=1,
                                      high=500) if "nurses" in found else None)
        ward_doctors = (checker.number(found["doctors"], f"{path}.doctors", whole=True, low=0,
                                       high=200) if "doctors" in found else None)
        label = found.get("name", f"ward {index + 1}")
        if not isinstance(label, str):
            checker.add(f"{path}.name", f"expected text, got {show(label)}")
            continue
        if ward_beds is not None:
            rows.append(Ward(label, ward_beds, ward_nurses, ward_doctors))
    if beds is not None and rows and sum(w.beds for w in rows) != beds:
        checker.add("wards", f"the ward rows hold {sum(w.beds for w in rows)} beds, but beds "
                             f"says {beds}")
    return tuple(rows)


def read_share(value: Any, checker: Checker, path: str, percent_key: str,
               keys: tuple[str, ...], respondents_required: bool) -> Share | None:
    found = checker.mapping(value, path, f"a mapping with {percent_key} and respondents", keys)
    if found is None:
        return None
    if percent_key not in found:
        checker.add(f"{path}.{percent_key}", "missing: the percent (0 to 100)")
        return None
    percent = checker.number(found[percent_key], f"{path}.{percent_key}", low=0, high=100,
                             unit="percent, 0 to 100")
    respondents = None
    if "respondents" in found and found["respondents"] == 0 and not isinstance(
            found["respondents"], bool):
        checker.add(f"{path}.respondents", "0 respondents: a figure no one answered says "
                                           "nothing; leave it out of the file")
        return None
    if "respondents" in found:
        respondents = checker.number(found["respondents"], f"{path}.respondents", whole=True,
                                     low=1, high=1_000_000, unit="people who answered")
    elif respondents_required:
        checker.add(f"{path}.respondents", "missing: how many staff answered (it sets how "
                                           "much the figure can be trusted)")
        return None
    if percent is None:
        return None
    return Share(float(percent), respondents)


def read_survey(value: Any, checker: Checker) -> tuple[str, int | None, dict[str, Share]] | None:
    found = checker.mapping(value, "survey", "a mapping with instrument and composites",
                            SURVEY_KEYS)
    if found is None:
        return None
    instrument = found.get("instrument", "SOPS 2.0")
    if instrument not in INSTRUMENTS:
        checker.add("survey.instrument", f"expected one of {', '.join(INSTRUMENTS)}, got "
                                         f"{show(instrument)}")
        return None
    year = None
    if found.get("year") is not None:
        year = checker.number(found["year"], "survey.year", whole=True, low=1990, high=2100)
    if "composites" not in found:
        checker.add("survey.composites", "missing: at least one composite")
        return None
    allowed = tuple(c.key for c in composites_of(instrument))
    raw = checker.mapping(found["composites"], "survey.composites",
                          "a mapping of composite names", tuple(COMPOSITE_BY_KEY))
    if raw is None:
        return None
    if not raw:
        checker.add("survey.composites", "expected at least one composite")
        return None
    composites = {}
    for key, item in raw.items():
        if key in COMPOSITE_BY_KEY and key not in allowed:
            checker.add(f"survey.composites.{key}",
                        f"a {COMPOSITE_BY_KEY[key].instrument} composite, but this survey is "
                        f"{instrument}; expected one of {', '.join(allowed)}")
        if key not in allowed:
            continue
        share = read_share(item, checker, f"survey.composites.{key}", "percent_positive",
                           COMPOSITE_KEYS, respondents_required=True)
        if share is not None:
            composites[key] = share
    return instrument, year, composites


def read_incidents(value: Any, checker: Checker) -> tuple[int, float, float, float] | None:
    found = checker.mapping(value, "incidents", "a mapping with reports, bed_days and months",
                            INCIDENT_KEYS)
    if found is None:
        return None
    missing = [key for key in ("reports", "bed_days") if key not in found]
    for key in missing:
        checker.add(f"incidents.{key}", "missing: " + ("incident reports recorded by staff"
                                                       if key == "reports" else
                                                       "occupied bed days over the same months"))
    if missing:
        return None
    reports = checker.number(found["reports"], "incidents.reports", whole=True, low=0,
                             high=10_000_000, unit="reports")
    bed_days = checker.number(found["bed_days"], "incidents.bed_days", low=1, high=1e8,
                              unit="occupied bed days")
    months = checker.number(found.get("months", 12), "incidents.months", low=1, high=60,
                            unit="months")
    reference = checker.number(found.get("reference_per_1000_bed_days",
                                         DEFAULT_REFERENCE_REPORTING),
                               "incidents.reference_per_1000_bed_days", low=0.1, high=1000,
                               unit="reports per 1,000 bed days")
    if None in (reports, bed_days, months, reference):
        return None
    return reports, float(bed_days), float(months), float(reference)


def read_workforce(value: Any, checker: Checker
                   ) -> tuple[float | None, float | None, Share | None]:
    if value is None:
        return None, None, None
    found = checker.mapping(value, "workforce", "a mapping of workforce figures",
                            WORKFORCE_KEYS)
    if not found:
        return None, None, None
    turnover = vacancy = None
    if "nurse_turnover_percent" in found:
        turnover = checker.number(found["nurse_turnover_percent"],
                                  "workforce.nurse_turnover_percent", low=0, high=100,
                                  unit="percent of RN posts leaving in 12 months")
    if "vacancy_percent" in found:
        vacancy = checker.number(found["vacancy_percent"], "workforce.vacancy_percent", low=0,
                                 high=90, unit="percent of RN posts vacant")
    burnout = None
    if "burnout" in found:
        burnout = read_share(found["burnout"], checker, "workforce.burnout", "percent",
                             BURNOUT_KEYS, respondents_required=True)
    return (None if turnover is None else turnover / 100.0,
            None if vacancy is None else vacancy / 100.0, burnout)


def read_harm(value: Any, checker: Checker) -> tuple[float | None, int | None]:
    if value is None:
        return None, None
    found = checker.mapping(value, "harm", "a mapping from a trigger-tool review", HARM_KEYS)
    if not found:
        return None, None
    if "adverse_events_per_100_admissions" not in found:
        checker.add("harm.adverse_events_per_100_admissions", "missing: adverse events per 100 "
                                                              "admissions from the review")
        return None, None
    rate = checker.number(found["adverse_events_per_100_admissions"],
                          "harm.adverse_events_per_100_admissions", low=0, high=100,
                          unit="adverse events per 100 admissions")
    reviewed = None
    if "admissions_reviewed" in found:
        reviewed = checker.number(found["admissions_reviewed"], "harm.admissions_reviewed",
                                  whole=True, low=1, high=1_000_000, unit="admissions")
    else:
        checker.add("harm.admissions_reviewed", "missing: how many admissions were reviewed")
    return rate, reviewed
