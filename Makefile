# kerncijfers: `make report` builds the report, `make test` runs the tests.
# Both create the environment in .venv/ from the locked, hashed requirements when it is missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help env report test test-deps audit lock bench clean-venv serve

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kerncijfers needs Python >= 3.11; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@# PYTHONDONTWRITEBYTECODE may be set: compile once here so no run recompiles imports.
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib src > /dev/null || true
	@touch $(STAMP)

env: $(STAMP)  ## Create or update .venv/ from requirements.lock

report: $(STAMP)  ## Validate every delivery in data/raw/ and build the report in reports/
	$(BIN)/kerncijfers build

test: test-deps $(STAMP)  ## Run the test suite (installs Debian's chromium as root; otherwise says what to install)
	$(BIN)/python -m pytest

serve: $(STAMP)  ## Serve reports/_site on http://127.0.0.1:8000/ (Quarto's pages need a web server)
	$(BIN)/kerncijfers serve

test-deps:  ## Check, or as root install, what the tests need beyond .venv/ (Chromium for the browser tests)
	@sh scripts/test-deps.sh

audit: $(STAMP)  ## Check the locked dependencies for known vulnerabilities
	$(BIN)/python -m kerncijfers.audit requirements.lock

lock:  ## Re-resolve requirements.lock (needs the package registry)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml requirements-build.in --extra test --python-version 3.11 \
		--generate-hashes --no-header --universal -o requirements.lock

bench: $(STAMP)  ## Run the benchmarks and write docs/performance.md
	$(BIN)/python bench/run.py

clean-venv:  ## Remove .venv/
	rm -rf $(VENV)
