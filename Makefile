# The two set-up commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull GBs of CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)
	# The browser test drives Debian's chromium (Playwright cannot download a browser here). Where
	# apt-get cannot run (no root), that test is skipped locally; under CI it fails instead.
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser test skipped"

run: install
	$(BIN)/counterpoint ingest
	$(BIN)/streamlit run app.py --server.headless true --server.address 127.0.0.1 \
		--server.port $${PORT:-8501} --browser.gatherUsageStats false

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/latency.py

clean:
	rm -rf .counterpoint
