# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test lint typecheck audit unit alerts flower frontend frontend-test bench install clean lock
FRONTEND_SOURCES := $(shell find frontend/src -type f) frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts frontend/tsconfig.json

run: $(INSTALLED) frontend
	@scripts/run

test: $(INSTALLED) frontend
	@$(PY) scripts/services.py check --tests
	@scripts/install_chromium
	$(MAKE) --no-print-directory lint typecheck alerts audit frontend-test unit

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(INSTALLED)
	$(VENV)/bin/mypy .

# Known vulnerabilities in the shipped dependencies (Python, and the web chat's npm runtime).
audit: $(INSTALLED) frontend/node_modules/.installed
	$(PY) scripts/audit_dependencies.py

unit: $(INSTALLED)
	$(VENV)/bin/pytest

# The web chat: TypeScript + React, built by Vite into frontend/dist (served by Django at /).
frontend: frontend/dist/index.html

frontend/dist/index.html: $(FRONTEND_SOURCES) frontend/node_modules/.installed
	cd frontend && npm run build --silent

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm is needed to build the web chat (Debian: apt-get install npm)" >&2; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend-test: frontend/node_modules/.installed
	cd frontend && npm test --silent

# The benchmark: the chat system beside the machine's floors (bench/results/latest.*, ~10 min).
bench: $(INSTALLED)
	$(PY) bench/run.py

# The alert rules and their unit tests (promtool comes with Debian's prometheus package).
alerts:
	@command -v promtool >/dev/null || scripts/install_promtool
	cd deploy/prometheus && promtool check rules alerts.yml && promtool test rules alerts.test.yml

# Flower, Celery's web monitor, on http://127.0.0.1:5555 (alongside `make run`).
flower: $(INSTALLED)
	$(VENV)/bin/celery -A easy_islanders flower --address=127.0.0.1 --port=5555

install: $(INSTALLED)

# The virtual environment, rebuilt when the dependencies change; versions pinned by the lock.
$(INSTALLED): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found " + sys.version.split()[0] + ")")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,bench]'
	@touch $@

# Re-pin after changing pyproject.toml's dependencies.
lock: $(INSTALLED)
	$(PY) -m pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache frontend/node_modules frontend/dist
