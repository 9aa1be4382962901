"""The day's passes over the whole staff at once, mostly compiled (Numba).

`admissions`: the day's arrivals, stays and admitted patients' traits; `shift`: the obstacles
of the working day; `care`: errors in routine care; `bedside`: complications and patients'
concerns; `fatigue`: strain, burnout and rest at the end of the shifts; `responses`: what
those who heard of a manager's answer to a report learn from it; `timetables`: the periodic
processes (audits, walkrounds) on Mesa's scheduler.
"""
