"""Parameter sweeps: which levers and assumptions drive a result.

A sweep file names a base scenario, the parameters to vary and their ranges, a design (a full
grid, a Latin hypercube, a Saltelli/Sobol' design or Morris trajectories) and the outcomes to
read. Every point of the design is the base scenario with that point's values, run over the
same replicate seeds (common random numbers); each run is summarised over its evaluation
window exactly as `compare` summarises it. See docs/sweeps.md.

    spec.py      reading and checking a sweep file
    design.py    the points of the design (SALib samplers)
    runner.py    the worker function and the chunked store of finished runs
    analysis.py  the tidy table of runs and the sensitivity indices (SALib analysers)
    figures.py   ranked index charts and phase diagrams
    outputs.py   everything written into the results folder
"""
