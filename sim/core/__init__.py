"""The model core: the hospital model and everything it is made of.

`sim.core.model` (`HospitalModel`, the order of a day's steps) builds on the agents
(`sim.core.agents`), which build on the day's compiled passes (`sim.core.passes`), which build
on the rules (`sim.core.mechanisms`), the configuration records the compiled code reads
(`sim.core.records`), the random streams (`sim.core.random_streams`), the staff table
(`sim.core.staff`), order-free sums (`sim.core.sums`) and the world the agents live in
(`sim.core.world`: wards, hazards, reports, support services). What is measured at the
end of a day is `sim.core.observation`, by the contract of `sim.core.metrics` and the surveys
of `sim.core.survey`. The core imports nothing from `sim` but itself and `sim.config`
(tests/test_core_layout.py); this file imports nothing, so a light module of the core loads
alone.
"""
