# Kansenradar: `make demo` and `make test` are all a new user needs (Python >= 3.11 and make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench eval model codelists messages lint clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kansenradar needs Python 3.11 or newer: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changes; the install is editable, so code changes need nothing.
$(STAMP)-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[demo]'
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

SHARED_NOTICES := ../shared/data/notices
SHARED_CODELISTS := ../shared/data/codelists

# The shipped models, rebuilt: the clause model from the labelled corpus (train split's real and quoted snippets;
# tuned on dev) and the CPV model from the CPV labels and trade words; the results are committed.
model: $(STAMP)-app
	$(BIN)/python -m jobs.clause_training tests/data/clauses matcher/models
	$(BIN)/python -m jobs.models matcher/models/cpv.json.gz

# The shipped code list labels (CPV, NUTS, eForms codes in nl/en/de/fr), derived from the shared label files.
codelists: $(STAMP)-app
	$(BIN)/python -m jobs.codelist_build $(SHARED_CODELISTS) matcher/codelists

# The gettext catalogs: extract messages from code and templates (babel.cfg), then update the .po files of each
# language. Translate the new entries in the nl catalog (English is the message id); tests fail until you do.
PYBABEL_EXTRACT := $(BIN)/pybabel extract -F babel.cfg --no-wrap --sort-by-file --project Kansenradar --version 0.1 \
                   --copyright-holder Kansenradar
messages: $(STAMP)-app
	$(PYBABEL_EXTRACT) -o jobs/locale/kansenradar.pot jobs
	$(BIN)/pybabel update --no-wrap --ignore-obsolete --init-missing -D kansenradar -i jobs/locale/kansenradar.pot -d jobs/locale -l nl
	$(BIN)/pybabel update --no-wrap --ignore-obsolete --init-missing -D kansenradar -i jobs/locale/kansenradar.pot -d jobs/locale -l en
	$(PYBABEL_EXTRACT) -o matcher/locale/matcher.pot matcher
	$(BIN)/pybabel update --no-wrap --ignore-obsolete --init-missing -D matcher -i matcher/locale/matcher.pot -d matcher/locale -l nl
	$(BIN)/pybabel update --no-wrap --ignore-obsolete --init-missing -D matcher -i matcher/locale/matcher.pot -d matcher/locale -l en

eval: $(STAMP)-app
	$(BIN)/kansenradar eval clauses tests/data/clauses --split test --second tests/data/clauses/second_reading.jsonl
	$(BIN)/kansenradar eval clauses tests/data/clauses/prevalence.jsonl
	$(BIN)/kansenradar eval cpv tests/data/matching/inference.jsonl
	$(BIN)/kansenradar eval cpv tests/data/matching/inference_other.jsonl
	@if [ -d $(SHARED_NOTICES) ]; then \
	  $(BIN)/kansenradar eval matching tests/data/matching/profiles.yaml tests/data/matching/relevance.jsonl \
	    $(SHARED_NOTICES) --blind tests/data/matching/profiles_blind.yaml --second tests/data/matching/relevance_second.jsonl; \
	else echo "eval matching skipped: $(SHARED_NOTICES) not found (the judged notices live there)"; fi

clean:
	rm -rf $(VENV) demo-output .pytest_cache .ruff_cache
