# The two commands a new user types: `make run` and `make test`. Each sets up .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO ?= casebank/demo/peer-support-worker.yaml

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,durable]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/fairchance assess $(DEMO)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: lint
	$(VENV)/bin/fairchance rules lint
	$(VENV)/bin/fairchance rules test
	$(VENV)/bin/fairchance casebank check
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/rules_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
