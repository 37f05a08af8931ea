# Everything a fresh machine needs: `make run` serves the demo site, `make test` runs the suite,
# `make lint` runs the checks CI holds the code to.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
# Bootstrapped into .venv with pip, then kept by the lock (uv.lock's dev group pins the same).
UV_VERSION := 0.13.9
# pyenv honours .python-version (3.13); elsewhere use whatever python3 is, if new enough.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= auto
# Some machines (container images, these included) set PYTHONDONTWRITEBYTECODE: every process
# (each test worker, each manage.py a test starts) would then compile the project's own
# modules, and pytest rewrite the tests, from source again. Collecting the suite took 10 s
# that way and 4 s from __pycache__ (gitignored). Unset for every target here; the installed
# packages are compiled at install.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run run-prod worker test lint bench migrate demo check-python clean screenshots

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "error: this project needs Python >= 3.12 (Django 6.1), but '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.12 or 3.13 (pyenv reads .python-version), or run: make PYTHON=python3.13 ..."; \
	  exit 1; }

# Installs exactly what uv.lock pins: the project itself (editable), the test extra and the dev
# group. --frozen installs the lock as it stands; `make lint` and CI fail on a stale one.
# --compile-bytecode writes the installed packages' .pyc files once (about 6 s): where the
# environment sets PYTHONDONTWRITEBYTECODE, as container images often do, every process
# (each test worker, each manage.py) would otherwise compile Django and the rest from source
# again, about 3 s each (https://docs.astral.sh/uv/guides/integration/docker/#compiling-bytecode).
$(VENV)/.installed: pyproject.toml uv.lock | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(UV) --version 2>/dev/null | grep -qx 'uv $(UV_VERSION)' || \
	  $(PY) -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'
	UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --quiet --extra test --group dev \
	  --compile-bytecode
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Links in emails and feeds (SITE_URL) point at the address served, unless SITE_URL is given
# (e.g. the machine's LAN address with HOST=0.0.0.0).
run: demo
	SITE_URL=$(or $(SITE_URL),http://$(HOST):$(PORT)) $(PY) manage.py runserver $(HOST):$(PORT)

# Production on this host: needs DJANGO_ENV=production and the variables .env.example
# marks required. Static files are collected (hashed, compressed) before gunicorn starts.
run-prod: install
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn -c gunicorn.conf.py

# The background worker (sign-up emails), one or more per site, separate from the web.
worker: install
	$(PY) manage.py db_worker

# In parallel (pytest-xdist): the suite passed a minute run serially. Work stealing hands a
# worker that has run out of tests part of another's queue, so neither sits idle while the
# other still has a queue of browser tests (https://pytest-xdist.readthedocs.io/en/stable/distribution.html).
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

# What CI holds the code to: lint, formatting, types (files listed in pyproject.toml's
# [tool.mypy]), a lock in step with pyproject.toml, and no model change without its migration.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(UV) lock --check
	$(PY) manage.py makemigrations --check --dry-run

# Speed against bare Django under gunicorn on PostgreSQL and Redis (README, "Performance").
# Installs wrk, Varnish and the bench extra if missing; makes and drops its own databases;
# prints one table of every goal (issues 15 and 16). `bash bench/run.sh --cases ...` for a subset.
bench: install
	bash bench/run.sh

# The README's editor screenshots (docs/editor/), remade by the end-to-end browser test.
screenshots: install
	bash scripts/editor_screenshots.sh

clean:
	rm -rf $(VENV) staticfiles test-output .mypy_cache .coverage
