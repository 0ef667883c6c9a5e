# Kypseli: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Development defaults; production sets DEBUG=0 and SECRET_KEY (see README).
export DEBUG ?= 1
MANAGE := $(PY) manage.py

.PHONY: run install test test-sqlite test-postgres lint bench messages system-deps clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed

messages: install
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

run: install messages
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) createcachetable
	$(MANAGE) load_demo
	@# The worker (outbox, periodic jobs) runs next to the web server and stops with it.
	@$(MANAGE) run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

# What the tests need from the system: Debian's Chromium (browser tests) and poppler (PDF to image).
# Installed when missing and we may (root); otherwise the tests fail saying what to install.
system-deps:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing from Debian's packages"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null; \
	  else echo "The tests need$$missing: sudo apt-get install$$missing"; exit 1; fi; \
	fi

# The whole suite on the database in DATABASE_URL (SQLite when unset). On SQLite the tests that
# need real parallel connections are listed as deselected; .ci/run runs them on PostgreSQL.
# It runs in TEST_WORKERS processes (pytest-xdist, each with its own test database, browser and live
# server): the tests mostly wait on Chromium and the server, so more workers than CPUs pay off.
# `make test TEST_WORKERS=0` runs it serially in one process (debugging, --pdb). On PostgreSQL
# (DATABASE_URL set) the default stays serial for now: in workers the API contract's guard failed in
# two runs of three and the replica module once (not yet understood; the guard prints every role's answers).
TEST_WORKERS ?= $(if $(DATABASE_URL),0,4)
test: install system-deps messages
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(MANAGE) makemigrations --check --dry-run -v 0

# `make bench` runs every benchmark but the fault drill; `make bench BENCH=drill` runs the drill alone
# (it restarts PostgreSQL: see bench/drill.py), `make bench BENCH="scans search"` the named ones.
# `national` builds its database once (~20 min) and keeps it: later runs only measure.
bench: install
	$(PY) -m bench $(BENCH)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
