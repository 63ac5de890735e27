# Two commands for a newcomer: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

# Local work runs with DEBUG on and, unless DATABASE_URL says otherwise, SQLite in db.sqlite3.
export DEBUG ?= true

.PHONY: help install migrate catalog run test test-fast lint format screenshots backup restore clean
.PHONY: bench bench-scale

help:
	@echo "make run      set up, migrate, load the catalogue and serve http://$(HOST):$(PORT)"
	@echo "make test     set up and run every test (browser tests need /usr/bin/chromium)"
	@echo "make install  create .venv and install the project with its test tools"
	@echo "make lint     ruff check, ruff format --check, makemigrations --check"
	@echo "make format   ruff format and ruff check --fix"
	@echo "make screenshots  rebuild docs/*.png from a demo account"
	@echo "make backup   back up the database to backups/ (pg_dump, or SQLite's online backup)"
	@echo "make restore FILE=backups/...  replace the database with a backup (asks first)"
	@echo "make bench    time the main pages against a trivial view, as multiples of it (SQLite,"
	@echo "             and PostgreSQL with DATABASE_URL or BENCH_POSTGRES=1); writes bench/results.json"
	@echo "make bench-scale  10,000 candidates in a throwaway PostgreSQL: query plans, database time"
	@echo "make clean    remove .venv, the SQLite database and caches"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

catalog: migrate
	$(BIN)/python manage.py load_catalog

run: catalog
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Tests run in parallel, one worker per core (pytest-xdist), each test file on one worker so a
# file's shared data is built once; WORKERS=0 runs them in this process.
WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile

test: install
	$(PYTEST) $(PYTEST_ARGS)

test-fast: install
	$(PYTEST) -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

screenshots: install
	$(BIN)/python docs/take_screenshots.py

backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/prep-....dump" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

# Both make throwaway databases of their own and leave the project's database alone.
bench: install
	$(BIN)/python -m bench

bench-scale: install
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache
