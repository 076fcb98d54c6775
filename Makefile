# Build, test and serve the multi-backend optimization book.
# `make html` and `make test` work on a fresh clone: both set up .venv when it is missing.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8000
JOBS   ?=
TIMEOUT ?=

.DEFAULT_GOAL := help
.PHONY: help env notebooks html pdf test serve bench clean distclean

help:  ## Show this help
	@echo "Targets:"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@echo "Variables: D2L_DATA_DIR (directory holding airfoil_self_noise.dat), JOBS (parallel kernels), TIMEOUT (seconds a cell may run), PORT"

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The kernel environments are checked on every run (a no-op when their lock files have not changed).
env: $(STAMP)  ## Create the toolchain's .venv and one kernel environment per framework in .envs (see requirements/)
	$(PY) -m bookbuild envs

notebooks: env  ## Execute every chapter per framework (cached) into _build/notebooks, with one zip per framework
	$(PY) -m bookbuild execute $(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT))

# The API reference imports TensorFlow into Sphinx; keep its start-up notices off the console.
html: notebooks  ## Build the book into _build/html (warnings are errors)
	TF_CPP_MIN_LOG_LEVEL=2 TF_ENABLE_ONEDNN_OPTS=0 $(VENV)/bin/jupyter-book build . --warningiserror --keep-going

# Checks for TeX before anything runs; then executes only what the cache lacks (nothing after
# `make html`) and builds the PDFs from the cache (see bookbuild/pdf.py).
pdf: env  ## Build _build/pdf/book-<framework>.pdf, one PDF per framework (needs TeX)
	$(PY) -m bookbuild pdf --check-tex
	$(MAKE) --no-print-directory notebooks
	TF_CPP_MIN_LOG_LEVEL=2 TF_ENABLE_ONEDNN_OPTS=0 $(PY) -m bookbuild pdf

test: html  ## Run the whole test suite against the built book
	$(PY) -m pytest

serve: html  ## Serve the built book on http://127.0.0.1:PORT (default 8000)
	$(PY) -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

bench: env  ## Measure build and training speed (see bench/README.md)
	$(PY) -m bench

clean:  ## Remove the built book and notebooks (keeps the execution cache)
	rm -rf _build

distclean: clean  ## Also remove the execution cache and .venv
	rm -rf .cache $(VENV) .envs
