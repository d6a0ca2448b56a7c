# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test lint typecheck unit alerts flower install clean

run: $(INSTALLED)
	@scripts/run

test: $(INSTALLED)
	@$(PY) scripts/services.py check --tests
	$(MAKE) --no-print-directory lint typecheck alerts unit

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(INSTALLED)
	$(VENV)/bin/mypy .

unit: $(INSTALLED)
	$(VENV)/bin/pytest

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
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

# Re-pin after changing pyproject.toml's dependencies.
lock: $(INSTALLED)
	$(PY) -m pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
