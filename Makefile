# kapjournal developer commands. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   ?= demo/demo.kapj

.PHONY: run demo test lint format bench bench-quick snapshots clean help

help:
	@echo "make run    - install into .venv and open the journal"
	@echo "make demo   - open a throw-away demo vault (passphrase: demodemo)"
	@echo "make test   - install test extras and run lint, types and every test"
	@echo "make bench  - run the benchmark (slow) and save results to bench/results/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/kapjournal

demo: $(VENV)/.installed
	$(BIN)/kapjournal demo --vault $(DEMO) --open

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kapjournal

test: lint
	$(BIN)/python -m pytest -q -n auto

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

snapshots: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q tests/screens --snapshot-update

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

bench-quick: $(VENV)/.installed-test
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache demo
