# lossnotes: build the book, run the tests. `make book` and `make test` are all a new user needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
PORT   ?= 8000
HTML   := _build/html
NBVAL  := --nbval book --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

export PATH := $(CURDIR)/$(BIN):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Tests and notebooks use small tensors: one thread each is faster on a small machine.
test test-unit test-notebooks test-site execute: export OMP_NUM_THREADS := 1

.PHONY: help setup book test test-unit test-notebooks test-site execute serve lab bench lint chromium clean

help:
	@echo "make book      build the HTML book into $(HTML) (sets up $(VENV) first)"
	@echo "make test      the whole test suite: unit, notebooks (nbval), book build, browser"
	@echo "make execute   re-execute every notebook in place (after changing a source cell)"
	@echo "make serve     serve the built book on http://127.0.0.1:$(PORT)"
	@echo "make lab       JupyterLab on book/ with lossnotes importable"
	@echo "make bench     lossnotes vs the native ops: time and peak-memory ratios"
	@echo "make lint      ruff over the package, tests, scripts and notebooks"
	@echo "make clean     remove the build, caches and $(VENV)"

# The virtual environment: every version from requirements.txt, lossnotes editable.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

book: setup
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The book is built. Open: file://$(CURDIR)/$(HTML)/index.html  (or run: make serve)"

# Debian's Chromium drives the browser tests; installed here if missing.
chromium:
	@bash scripts/ensure_chromium.sh

# The unit tests, and the doctest of every module of the package.
UNIT := tests lossnotes --doctest-modules

test-unit: setup
	$(PY) -m pytest $(UNIT)

test-notebooks: setup
	env -u MPLBACKEND $(PY) -m pytest $(NBVAL)

test-site: setup chromium
	$(PY) -m pytest -m "build or browser" tests/test_site.py

test: setup chromium
	$(PY) -m ruff check .
	$(PY) -m pytest $(UNIT)
	env -u MPLBACKEND $(PY) -m pytest $(NBVAL)

execute: setup
	$(PY) scripts/execute_notebooks.py

serve:
	@test -f $(HTML)/index.html || { echo "no built book: run make book first"; exit 1; }
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

lab: setup
	$(BIN)/jupyter lab --notebook-dir=book

bench: setup
	$(PY) -m lossnotes.bench

lint: setup
	$(PY) -m ruff check .

clean:
	rm -rf _build .pytest_cache .ruff_cache bench-results $(VENV)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
