# One place for the commands the README and CI use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo app test test-fast check lint typecheck imports bench reliability lock bundle clean

# everything the whole test suite needs, at the versions in constraints.txt
$(STAMP): pyproject.toml constraints.txt
	bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## launch the till on the embedded demo store (built on first run)
demo: install
	$(BIN)/lantern demo

app: install
	$(BIN)/lantern app

## static checks, then the whole test suite (Qt offscreen)
test: install check
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n auto --dist loadfile

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

## constraints.txt afresh from pyproject.toml (then `make test` and commit it)
lock:
	PYTHON=$(PYTHON) bash scripts/lock.sh

## the till as one folder, dist/lantern/ (installer/README.md)
bundle: install
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller installer/lantern.spec

bench: install
	$(BIN)/python bench/bench_redeem.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
