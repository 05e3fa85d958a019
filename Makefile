# The two set-up commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One stamp per install: `make test` after `make run` still adds the test extras.
RUNTIME := $(VENV)/.installed-runtime
TESTING := $(VENV)/.installed-test

.PHONY: install install-test run test lint bench clean

# What running needs: `pip install -e .`
$(RUNTIME): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull GBs of CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

# What testing adds, on top of the runtime (so torch is in first here too): the `[test]` extras.
# llama-cpp-python compiles llama.cpp (about 7 minutes on 2 cores, once) for the LLM tests' server.
$(TESTING): $(RUNTIME) pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TESTING)

install: $(RUNTIME)

install-test: $(TESTING)
	# The browser test drives Debian's chromium (Playwright cannot download a browser here). Where
	# apt-get cannot run (no root), that test is skipped locally; under CI it fails instead.
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser test skipped"

run: install
	$(BIN)/counterpoint ingest
	$(BIN)/streamlit run app.py --server.headless true --server.address 127.0.0.1 \
		--server.port $${PORT:-8501} --browser.gatherUsageStats false

test: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/latency.py

clean:
	rm -rf .counterpoint
