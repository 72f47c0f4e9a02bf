# The two set-up commands are `make serve` and `make test`; both create and reuse .venv/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve build test lint chromium hugo bench bench-quick clean

install: $(STAMP)  ## create .venv/ and install tipbook with its test and dev tools

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "tipbook needs Python 3.11 or newer: run make PYTHON=python3.11 ..."; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# `make serve PORT=8080` (or HOST=0.0.0.0) overrides serve.port / serve.host of tipbook.yml;
# with PORT the site is built for that address, so its feed and sitemap point where it is
# served (a deployed site's address comes from site_url, see README "Publish").
PORT ?=
HOST ?=
SERVE_URL = http://$(if $(filter-out 0.0.0.0 ::,$(HOST)),$(HOST),127.0.0.1):$(PORT)/

serve: install  ## build the handbook from content/ and serve it on http://127.0.0.1:8000
	$(BIN)/tipbook build $(if $(PORT),--site-url $(SERVE_URL))
	$(BIN)/tipbook serve $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

build: install
	$(BIN)/tipbook build

chromium:  ## Debian's Chromium for the browser tests (installed when missing and root)
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Chromium from Debian for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is missing: install Debian's chromium package (browser tests will skip)"; fi

hugo:  ## Debian's Hugo, the baseline `make bench` compares the build with (when missing and root)
	@if command -v hugo >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Hugo from Debian for the benchmarks"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null; \
	else echo "Hugo is missing: install Debian's hugo package (its benchmark will be skipped)"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: install chromium  ## lint, type-check (the packages in pyproject's [tool.mypy]), check the layers (lint-imports), then run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: install hugo  ## the full benchmarks (several minutes): results in benchmarks/results.json
	$(BIN)/python -m benchmarks

bench-quick: install hugo  ## every benchmark at small N, in under two minutes
	$(BIN)/python -m benchmarks --quick

clean:
	rm -rf site .tipbook .pytest_cache .ruff_cache benchmarks/results.json
