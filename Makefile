# RKT Pendampingan. The two commands a fresh machine needs: `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run run-worker test test-browser bench bench-rush lint format messages prereqs clean-venv
SCALE ?= kabupaten

prereqs:
	@$(PYTHON) scripts/check_prereqs.py

$(BIN)/python:
	@$(PYTHON) scripts/check_prereqs.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

## make run: set up, migrate, load demo data into an empty database, serve on http://127.0.0.1:8000
run: prereqs $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "RKT Pendampingan on http://$(HOST):$(PORT)/"
	@echo "Demo logins (password rkt-demo): admin, koordinator, koordinator2, pendamping1 ... pendamping7"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make run-worker: a Celery worker with beat against Redis, for an app run with RKT_REDIS_URL (or RKT_BROKER_URL)
## set; `make run` alone needs none: without a broker, jobs run in a thread of the app
run-worker: prereqs $(VENV)/.installed
	@test -n "$${RKT_BROKER_URL:-$$RKT_REDIS_URL}" || { echo "Set RKT_REDIS_URL (e.g. redis://127.0.0.1:6379/0) for the app and the worker." >&2; exit 2; }
	$(BIN)/celery -A rkt worker --beat --concurrency 2 --loglevel INFO

## make test: set up, lint, check migrations, run the whole suite (the browser tests skip, saying why,
## where no Chromium is installed)
test: prereqs $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

## make test-browser: the journeys in Chromium (phone and desktop), with axe, weight and network checks;
## screenshots in test-artifacts/screenshots/ (needs /usr/bin/chromium: apt-get install -y chromium)
test-browser: prereqs $(VENV)/.installed-dev
	$(BIN)/pytest tests/browser -m browser --output test-artifacts/playwright --screenshot only-on-failure
	@echo "Screenshots: $(CURDIR)/test-artifacts/screenshots/"

## make bench [SCALE=kabupaten|province|national]: build a database of that size, measure, write bench/results/
bench: prereqs $(VENV)/.installed-dev
	$(BIN)/python bench/run.py --scale $(SCALE)

## make bench-rush: the month's deadline evening on two app servers over PostgreSQL and Redis (bench/rush.py):
## 40 companions saving with a photo at once, against one client's saves alone; writes bench/results/rush-postgresql.*
bench-rush: prereqs $(VENV)/.installed-dev
	$(BIN)/python bench/rush.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: refresh the id and en catalogues and compile them (needs gettext)
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l id -l en --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean-venv:
	rm -rf $(VENV)
