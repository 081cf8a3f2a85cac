# The two commands a new user types: `make run` and `make test`. Each sets up .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= var/demo.db
PORT ?= 8501

.PHONY: run test lint bench bench-pages clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,durable]'
	touch $(STAMP)

# The panel app on an embedded SQLite store seeded with the synthetic demo cases; the demo accounts
# are printed first. Production settings are passed here as well as in panel_app/.streamlit/.
run: $(STAMP)
	$(PY) -m engine.services.demo --db $(DEMO_DB)
	FAIRCHANCE_DB=sqlite:///$(DEMO_DB) FAIRCHANCE_DEMO=1 $(VENV)/bin/streamlit run panel_app/streamlit_app.py \
	  --server.headless true --server.port $(PORT) --server.address 127.0.0.1 \
	  --browser.gatherUsageStats false --client.showErrorDetails none --server.fileWatcherType none

# ruff, then the architecture contract of pyproject.toml [tool.importlinter] (docs/architecture.md).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

test: lint
	$(VENV)/bin/fairchance rules lint
	$(VENV)/bin/fairchance rules test
	$(VENV)/bin/fairchance casebank check
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/rules_bench.py

# Each page of the panel app timed in headless Chromium with 10,000 cases stored, against 100 (needs Debian
# chromium; a few minutes). Prints a table of seconds per page; the goal is under 2 s each.
bench-pages: $(STAMP)
	$(VENV)/bin/python benchmarks/pages_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
