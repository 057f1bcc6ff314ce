# Two commands do all the set-up: `make run` (the app with demo data) and `make test` (every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000
# pytest-xdist workers for `make test`; 2 was the fastest on a 2-core machine (see README, Tests)
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope --durations=15
export FLASK_APP := wsgi.py

.PHONY: run lint test test-sqlite test-postgres test-browser-postgres install install-dev migrate seed backup clean bench bench-province

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## make run: install, migrate, seed the demo bureau if the database is new, serve on 127.0.0.1:$(PORT)
run: install
	$(PY) -m flask db upgrade
	$(PY) -m flask seed-demo --if-new
	@echo "作风建设专项行动：http://127.0.0.1:$(PORT)/  演示账号 admin/leader/head/staff/inspector，密码 zuofeng2026"
	$(PY) -m waitress --host=127.0.0.1 --port=$(PORT) --threads=8 wsgi:app

## make lint: ruff, bandit on app/, pip-audit on requirements.txt; fails on any finding
lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m bandit --quiet --recursive app
	$(PY) .ci/pip_audit.py requirements.txt

## make test: lint, every test on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
## (there without the browser tests: what they drive is the same app, and the route, service and
## race tests prove its database work on PostgreSQL; `make test-browser-postgres` runs them too)
test: lint test-sqlite test-postgres

test-sqlite: install-dev
	@echo "== SQLite"; TEST_DATABASE_URL= $(PYTEST)

test-postgres: install-dev
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$TEST_DATABASE_URL"; $(PYTEST) -m "not browser"; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

test-browser-postgres: install-dev
	@test -n "$$TEST_DATABASE_URL" || { echo "set TEST_DATABASE_URL"; exit 2; }
	$(PYTEST) tests/browser

## make bench: the county benchmark on SQLite with waitress, one table (README, Performance)
bench: install-dev
	$(PY) -m bench.run --scale county

## make bench-province: the province on PostgreSQL with gunicorn; BENCH_DATABASE_URL is wiped
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/zuofeng_bench
bench-province: install-dev
	$(PY) -m bench.run --scale province --database-url $(BENCH_DATABASE_URL) --server gunicorn --workers 4 \
		--threads 4 --baseline bench/results/county-sqlite.json

migrate: install
	$(PY) -m flask db upgrade

seed: install
	$(PY) -m flask seed-demo

backup: install
	$(PY) -m flask backup

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
