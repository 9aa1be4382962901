# `make` sets everything up and runs the main job; `make test` runs the fast tier of the tests
# (a few minutes); `make validate` runs the validation tier (levels, facts, bands, stationarity).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all run test validate lint bench app clean
all: run

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,browser]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python run.py

# pytest's exit code 5 (no tests collected) is a failure, not a pass.
PYTEST = status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: no tests were collected" >&2; exit 1; fi; \
	exit $$status

# The fast tier: unit, contract, page and short paired behaviour tests (pyproject.toml's addopts
# leave out the tests marked validation or slow), on every core (pytest-xdist; each test
# still passes alone, and `python -m pytest` runs them one after another).
test: $(STAMP)
	@$(BIN)/python -m pytest -n auto --dist worksteal; $(PYTEST)

# The validation tier: level targets, behaviour facts, effect bands and stationarity over many
# paired replicates (tens of minutes on two cores).
validate: $(STAMP)
	@$(BIN)/python -m pytest -m "validation or slow"; $(PYTEST)

lint: $(STAMP)
	$(BIN)/python -m ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/benchmark.py
	$(BIN)/python benchmarks/experiment_benchmark.py

app: $(STAMP)
	$(BIN)/python run.py app

clean:
	rm -rf $(VENV)
