# gdprep: `make demo` sets up and runs the pipeline on the bundled sample data; `make test` sets up
# and runs the test suite. Both create .venv inside the checkout; nothing is installed globally.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# test processes (pytest-xdist): one per core, at most 4 (each loads spaCy, Presidio and torch); 0 on one core
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; n = min(4, len(os.sched_getaffinity(0))); print(n if n > 1 else 0)")
# whole files per worker: a module's fixtures (smoke models, trained adapters) are built once, not per worker
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

.PHONY: setup demo test test-fast lint bench model docs-screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: with no torch installed, a plain `torch` requirement would pull a CUDA build
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,train,bench,ray]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/gdprep demo --out demo-out

test: setup
	$(PYTEST)

test-fast: setup
	$(PYTEST) -m 'not slow'

lint: setup
	$(BIN)/ruff check core privacy policies service curation training audit examples bench tests
	$(BIN)/mypy core privacy policies service curation audit training

bench: setup
	$(BIN)/python bench/pii.py
	$(BIN)/python bench/curation.py

# retrain the shipped name/address model from its recipe (deterministic; replaces privacy/nermodel/model)
model: setup
	$(BIN)/gdprep model train

# the README's screenshots (docs/img/*.png), rendered again in headless Chromium by their browser test
docs-screenshots: setup
	GDPREP_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_docs_screenshots.py -k render

clean:
	rm -rf $(VENV) demo-out bench/out .pytest_cache .mypy_cache .ruff_cache
