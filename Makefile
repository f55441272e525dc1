# ERSI Practices — the front door. `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help lock setup messages messages-update gettext run worker test-search eval-search bench-search bench-export bench-load wrk fuzz serve demo admin migrate test test-fast test-browser lint format check browser db-stop db-shell backup restore clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@py=$$(bin/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-virtualenv -r requirements.lock
	@touch $(STAMP)

setup: $(STAMP) messages ## Create .venv/, install the locked dependencies and compile the translations

lock: setup ## Re-resolve requirements.lock from the ranges in pyproject.toml
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --quiet -o requirements.lock

migrate: setup ## Start the database (embedded unless DATABASE_URL is set) and migrate it
	$(MANAGE) migrate --noinput

demo: migrate ## Load the partners, taxonomy and demo practices (idempotent)
	$(MANAGE) load_demo

admin: setup ## Ensure an admin account (ADMIN_USERNAME / ADMIN_PASSWORD / ADMIN_EMAIL)
	$(MANAGE) ensure_admin

run: demo admin ## Set up everything and serve the site on http://$(HOST):$(PORT)/ (admin at /admin/)
	@echo "Starting the task worker (search index journal, e-mails), scheduled publishing (every minute), registration purges and transfer reminders (hourly) and the web server"
	@trap 'kill $$worker $$scheduler 2>/dev/null' EXIT; \
	$(MANAGE) db_worker --backend queue --interval 1 --no-startup-delay & worker=$$!; \
	i=0; while sleep 60; do $(MANAGE) publish_scheduled >/dev/null; \
	  if [ $$((i % 60)) -eq 0 ]; then $(MANAGE) purge_registrations >/dev/null; $(MANAGE) send_transfer_reminders >/dev/null; fi; \
	  i=$$((i + 1)); done & scheduler=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

worker: setup ## Run the background task worker on its own
	$(MANAGE) db_worker --backend queue --interval 1

# The interface translations: locale/<lang>/LC_MESSAGES/*.po, compiled to .mo (never committed).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)

messages: $(PO_FILES:.po=.mo) ## Compile the interface translations (gettext's msgfmt)

locale/%.mo: locale/%.po | gettext
	@msgfmt --check-format -o $@ $<

messages-update: setup ## Bring every catalogue up to date with the strings of the code (then translate the new entries)
	$(VENV)/bin/python manage.py makemessages -a -d django --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=tests --ignore=docs
	$(VENV)/bin/python manage.py makemessages -a -d djangojs --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=tests --ignore=docs --ignore=static/vendor

gettext: ## Install gettext (msgfmt, xgettext) when it is missing
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "gettext is needed for the translations: sudo apt-get install gettext" >&2; exit 1; fi; }

browser: ## Install Debian's Chromium for the browser tests when it is missing
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; fi; }

lint: setup ## Lint with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup ## Format and autofix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: setup ## Django system checks and the missing-migrations check
	DJANGO_SETTINGS_MODULE=ersi_practices.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=ersi_practices.settings.test $(MANAGE) makemigrations --check --dry-run

test: lint check browser messages ## The whole suite: lint, checks, pytest (unit, engine and browser tests)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-search: setup ## The search engine suite on PostgreSQL, Elasticsearch and OpenSearch (osmem-server stand-in; set ELASTICSEARCH_URL / OPENSEARCH_URL for real servers)
	$(VENV)/bin/pytest tests/search/test_engine_contract.py tests/search/test_elastic_specifics.py $(PYTEST_ARGS)

eval-search: setup ## Relevance: nDCG@10 of the graded queries on every engine, printed with a plain BM25 for reference
	$(VENV)/bin/pytest tests/search/test_relevance.py -s -q $(PYTEST_ARGS)

N ?= 10000
BENCH_DB ?= ersi_bench

bench-search: setup ## Benchmark search on N synthetic practices (N=10000) in the ersi_bench database
	@url=$$($(PY) -m ersi_practices.database url $(BENCH_DB)) || exit 1; \
	DATABASE_URL=$$url $(MANAGE) migrate --noinput && \
	DATABASE_URL=$$url $(MANAGE) bench_search --n $(N) $(BENCH_ARGS)

bench-export: setup ## Benchmark the streamed CSV/JSON Lines export of N synthetic practices (N=10000)
	@url=$$($(PY) -m ersi_practices.database url $(BENCH_DB)) || exit 1; \
	DATABASE_URL=$$url $(MANAGE) migrate --noinput && \
	DATABASE_URL=$$url $(MANAGE) bench_export --n $(N) $(BENCH_ARGS)

bench-load: setup wrk ## Load-test gunicorn (production settings) with the demo content + N synthetic practices: 60 s at concurrency 32
	@url=$$($(PY) -m ersi_practices.database url $(BENCH_DB)) || exit 1; \
	DATABASE_URL=$$url $(MANAGE) migrate --noinput && \
	DATABASE_URL=$$url $(MANAGE) bench_load --n $(N) $(BENCH_ARGS)

wrk: ## Install wrk (the load generator of make bench-load) when it is missing
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is needed for the load benchmark: sudo apt-get install wrk" >&2; exit 1; fi; }

fuzz: setup ## Fuzz the public endpoints of /api/openapi.json: 12,000 generated requests, no 5xx allowed (docs/fuzzing.md)
	HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/pytest tests/fuzz/test_public_surface.py -q --hypothesis-show-statistics $(PYTEST_ARGS)

test-fast: setup ## pytest without the browser tests
	$(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS)

db-stop: setup ## Stop the embedded PostgreSQL server
	$(PY) -m ersi_practices.database stop

db-shell: setup ## Open psql on the database
	$(MANAGE) dbshell

backup: setup ## Back up the database and the media files to var/backups/<timestamp>/
	$(MANAGE) backup

restore: setup ## Restore a backup: make restore FROM=var/backups/<timestamp> (then reindexes)
	@test -n "$(FROM)" || { echo "Which backup? make restore FROM=var/backups/<timestamp> (see ls var/backups/)" >&2; exit 2; }
	$(MANAGE) restore "$(FROM)"

clean: ## Remove .venv/ (keeps var/, the database)
	rm -rf $(VENV)
