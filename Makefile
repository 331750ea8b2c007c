# shortgen: `make demo` and `make test` set everything up from PyPI on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export SHORTGEN_HOME ?= $(CURDIR)/.shortgen
export DAGSTER_HOME ?= $(SHORTGEN_HOME)/dagster
PYTEST_WORKERS ?= 2

.PHONY: demo test lint ui daemon bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed  ## make one video on the embedded defaults
	$(BIN)/shortgen demo

test: $(VENV)/.installed-test  ## lint and run the whole suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

ui: $(VENV)/.installed  ## the Dagster UI and daemon on :3000, the review studio on :8000
	$(BIN)/shortgen serve & studio=$$!; trap "kill $$studio" EXIT INT TERM; $(BIN)/shortgen ui

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,benchmark]"
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

bench: $(VENV)/.installed-bench  ## benchmarks (composition three ways: floor, shortgen, moviepy)
	$(BIN)/python benchmarks/compose.py
	$(BIN)/python benchmarks/compose.py --kit
	$(BIN)/python benchmarks/footage.py
	$(BIN)/python benchmarks/tts.py
	$(BIN)/python benchmarks/studio.py

clean:
	rm -rf $(VENV) .shortgen
