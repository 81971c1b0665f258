# The two commands a newcomer needs: `make run` and `make test`. The rest are helpers.
PYTHON ?= python3
VENV_PY := .venv/bin/python
MANAGE := $(VENV_PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv run test test-e2e lint format check seed reset-db bench messages

venv:
	@PYTHON=$(PYTHON) scripts/bootstrap.sh

# The background worker (e-mails, daily reminders) runs beside runserver and stops
# with it.
run: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) reminders_schedule
	@$(MANAGE) db_worker --backend background --queue-name '*' & worker=$$!; \
	trap 'pkill -TERM -P $$worker 2>/dev/null; kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# The whole suite on SQLite, or on PostgreSQL when DATABASE_URL=postgres://... is set.
test: venv
	$(VENV_PY) -m pytest -m "not e2e and not concurrency" -n 2 -q
	SHIFU_TEST_SQLITE_FILE=1 $(VENV_PY) -m pytest -m concurrency -q -p no:randomly
	$(VENV_PY) -m pytest -m e2e -q -p no:randomly

test-e2e: venv
	$(VENV_PY) -m pytest -m e2e -q

lint: venv
	$(VENV_PY) -m ruff check .
	$(VENV_PY) -m ruff format --check .

format: venv
	$(VENV_PY) -m ruff format .
	$(VENV_PY) -m ruff check --fix .

check: venv
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

seed: venv
	$(MANAGE) seed_demo

reset-db: venv
	$(MANAGE) seed_demo --reset

bench: venv
	$(VENV_PY) bench/bench_pages.py $(ARGS)
	$(VENV_PY) bench/bench_quiz.py
	$(VENV_PY) bench/bench_progress.py
	$(VENV_PY) bench/bench_certificates.py

messages: venv
	$(MANAGE) makemessages -l en -l zh_Hans --ignore=.venv --ignore=locale_overrides
	$(MANAGE) compilemessages --ignore=.venv
