# Linli: two commands. `make run` serves the demo city; `make test` runs everything CI runs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= city
export DJANGO_SETTINGS_MODULE := config.settings
# make is a developer tool: it runs with DEBUG on (production runs bin/serve-prod, see docs/deploy.md).
export DEBUG ?= true

.PHONY: run test setup lint types translations migrate demo serve pytest clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0

run: export DEMO_MODE ?= true
run: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo --scale $(SCALE) --if-empty
	bin/serve $(HOST) $(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: setup
	$(VENV)/bin/mypy linli config

translations: setup
	bin/check-translations

test: setup lint types translations
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
