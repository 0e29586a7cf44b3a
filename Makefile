# Two commands for a newcomer: `make dev` and `make test`. Each bootstraps .venv.
# `make dev PORT=8001 SANDBOX_PORT=8101` runs the dev stack on other ports.
PYTHON       ?= python3
VENV         := .venv
BIN          := $(VENV)/bin
STAMP        := $(VENV)/.installed
PORT         ?= 8000
SANDBOX_PORT ?= 8100

.PHONY: venv dev test lint bench clean

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

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
