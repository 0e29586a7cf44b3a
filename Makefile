# Two commands for a newcomer: `make dev` and `make test`. Each bootstraps .venv.
# `make dev PORT=8001 SANDBOX_PORT=8101` runs the dev stack on other ports.
PYTHON       ?= python3
VENV         := .venv
BIN          := $(VENV)/bin
STAMP        := $(VENV)/.installed
PORT         ?= 8000
SANDBOX_PORT ?= 8100

.PHONY: venv dev test lint bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)  # then: . .venv/bin/activate

dev: $(STAMP)
	$(BIN)/esqase-relay dev --port $(PORT) --sandbox-port $(SANDBOX_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

# wrk from Debian's packages when missing (bench/loadgen.py falls back to asyncio without it).
# Sections and sizes: BENCH_ONLY, BENCH_DBS, BENCH_HISTORY_ROWS, ... (bench/settings.py).
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get install -y -q wrk >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q wrk >/dev/null 2>&1; } || \
	  echo "wrk could not be installed: the load falls back to bench/loadgen.py's asyncio client"; }
	$(BIN)/python -m bench

# PNGs of the console's main pages into docs/screenshots/ (needs a chromium: apt-get install chromium).
screenshots: $(STAMP)
	$(BIN)/python -m tests.browser.screenshots

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
