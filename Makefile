# Trygghetsportalen: `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)

# make test: PostgreSQL and Redis from the environment, or local servers on their standard ports.
TEST_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres:postgres@127.0.0.1:5432/trygghetsportalen)
TEST_REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_TASK_DEFAULT_QUEUE=trygghetsportalen-test-$$$$ DJANGO_ENV=test DEBUG=false

.PHONY: help setup run test lint pytest resilience bench services browser messages clean

help:
	@echo "make run    - set up everything and serve the portal at http://127.0.0.1:8000 with its background worker (SQLite, a folder as broker)"
	@echo "make test   - set up and run lint, migration check and the whole test suite (PostgreSQL, Redis, Celery worker, Chromium)"
	@echo "make resilience - load (50 users, a fixed script each) and fault tests against the portal under gunicorn (private PostgreSQL and Redis)"
	@echo "make bench  - pages, throughput and county report at scale 1 and 10 under gunicorn; writes docs/benchmarks.md"

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(STAMP) node_modules/.installed

# The web server and one Celery worker with embedded beat (scripts/run_embedded.py); Ctrl-C stops both.
run: setup
	@bash scripts/ensure_system_packages.sh --optional
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) scripts/run_embedded.py 127.0.0.1:8000

services: setup
	@$(TEST_ENV) $(PY) scripts/ensure_services.py

browser:
	@bash scripts/ensure_system_packages.sh --with-browser

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

pytest: setup services browser
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

# Load and fault tests: they start their own PostgreSQL cluster, Redis server, gunicorn and Celery processes.
resilience: setup services browser
	$(TEST_ENV) $(VENV)/bin/pytest -m resilience tests/resilience $(PYTEST_ARGS)

test: lint pytest

# Benchmarks (not part of make test): own databases trygghetsportalen_bench_s1/_s10 on the same server,
# reused when complete (BENCH_ARGS=--fresh regenerates them); see scripts/bench.py.
bench: setup services
	@bash scripts/ensure_system_packages.sh --with-bench
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/bench.py $(BENCH_ARGS)

# Refresh the Swedish catalogue after changing UI strings, then translate the new entries.
messages: setup
	$(PY) manage.py makemessages -l sv --no-obsolete -i ".venv/*" -i "node_modules/*" -i "staticfiles/*"
	$(PY) manage.py compilemessages -l sv -i ".venv" -i "node_modules"

clean:
	rm -rf $(VENV) node_modules staticfiles .ruff_cache var/broker
