# lägesbild – two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    := build/lagesbild-norrkoping.html

.PHONY: demo test lint bench embedded-data browser clean serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## demo: set up, build the database from the embedded data and write the Norrköping report
demo: $(STAMP)
	$(BIN)/lagesbild data build
	$(BIN)/lagesbild report --kommun 0581 --out $(OUT)
	@echo "Öppna rapporten: $(abspath $(OUT))"

## test: lint and run the whole test suite (installs Debian's chromium for the browser test if missing)
test: $(STAMP) browser
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/pytest

## serve: the web app on http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/lagesbild serve

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks

browser:
	@bash scripts/ensure-chromium.sh

## bench: time data build and the report; load the web app (prints numbers, asserts nothing)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build_report.py
	$(BIN)/python benchmarks/bench_web.py

## embedded-data: rebuild src/lagesbild/data/snapshot.zip from ../shared/data
embedded-data:
	$(PYTHON) scripts/build_embedded_data.py --source ../shared/data

clean:
	rm -rf $(VENV) build test-artifacts .pytest_cache .ruff_cache
