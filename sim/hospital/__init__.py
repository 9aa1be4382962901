"""A model of one's own hospital: its survey, incident and staffing figures as a hospital file,
checked like a scenario, and fitted into a baseline scenario that every command accepts.

`sim.hospital.survey` names the survey composites and their national reference values,
`sim.hospital.hospital_file` reads and checks a hospital file, `sim.hospital.sizing` turns its
size into the model's hospital, `sim.hospital.fit` fits the culture and workload coefficients to
its figures, and `sim.hospital.fit_report` writes what the fit found.
"""
