# Kansenradar: `make demo` and `make test` are all a new user needs (Python >= 3.11 and make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench eval lint clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kansenradar needs Python 3.11 or newer: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changes; the install is editable, so code changes need nothing.
$(STAMP)-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(STAMP)-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(STAMP)-app

demo: $(STAMP)-app
	$(BIN)/kansenradar demo

lint: $(STAMP)-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)-test
	$(BIN)/python -m tests.benchmarks

eval: $(STAMP)-app
	$(BIN)/kansenradar eval clauses tests/data/clauses_dev.jsonl

clean:
	rm -rf $(VENV) demo-output .pytest_cache .ruff_cache
