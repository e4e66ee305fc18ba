# Quick start: `make run` starts everything on embedded defaults; `make test` runs the whole suite.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONUNBUFFERED := 1

.PHONY: setup run test lint format messages e2e bench lock clean

# Installs exactly the hash-locked versions (requirements-dev.lock: the runtime lock plus the test tools).
$(BIN)/.installed: requirements-dev.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_content
	@echo ""
	@echo "  The hands-on lab is starting at http://$(HOST):$(PORT)/ja/tutorials/aws-hands-on/"
	@echo "  (web, Celery worker, beat and the sandbox AWS; Ctrl-C stops them all)"
	@echo ""
	HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v 0; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

messages: setup
	$(BIN)/python manage.py makemessages -l ja -l en --ignore=.venv --ignore=var --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

e2e: setup
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

bench: setup
	$(BIN)/python benchmarks/verify_step5.py

# Re-pin after editing requirements*.txt or constraints.txt (needs uv: `pip install uv`, or `pipx run uv`).
UV ?= uv
lock:
	for f in requirements requirements-dev; do \
	  $(UV) pip compile --quiet --generate-hashes --python-version 3.11.7 --python-platform x86_64-unknown-linux-gnu \
	    --no-header $$f.txt -o $$f.lock; done

clean:
	rm -rf $(VENV) var db.sqlite3
