# One place for the commands the README and CI use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo app test check lint typecheck imports bench clean

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

check: lint typecheck imports

lint:
	$(BIN)/ruff check desktop headoffice tests bench
	$(BIN)/ruff format --check desktop headoffice tests bench

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/bench_redeem.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
