# One place for the commands the README and CI use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo app test test-fast check lint typecheck imports bench reliability clean

$(STAMP): pyproject.toml
	bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## launch the till on the embedded demo store (built on first run)
demo: install
	$(BIN)/lantern demo

app: install
	$(BIN)/lantern app

## static checks, then the whole test suite (Qt offscreen)
test: install check
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

## the unit and store tests only (real SQLite files, no windows, no head office): quick
test-fast: install
	$(BIN)/pytest -q tests/unit tests/store

check: lint typecheck imports

lint:
	$(BIN)/ruff check desktop headoffice tests bench scripts
	$(BIN)/ruff format --check desktop headoffice tests bench scripts

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

## docs/reliability.md from the figures the reliability tests measure
reliability: install
	$(BIN)/python -c "import tests.reliability as r; r.clear()"
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -m reliability
	$(BIN)/python scripts/reliability_report.py

bench: install
	$(BIN)/python bench/bench_redeem.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
