# Two commands do all the set-up on a fresh machine (see README.md, "Quick start"):
#   make run    install what the server needs and start it (SQLite, one process)
#   make test   install what the tests need (Python packages, Debian's chromium) and run them all
# Both are idempotent: a second run installs nothing new.

VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench chromium

run: $(VENV)/.installed
	$(VENV)/bin/spiegel run

test: $(VENV)/.installed-test chromium
	$(VENV)/bin/ruff check server tests bench
	$(PY) -m pytest

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check server tests bench

bench: $(VENV)/.installed-test
	$(PY) bench/realtime_latency.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[test]'
	touch $(VENV)/.installed $@

# Debian's chromium for the browser tests; never a browser download of Playwright's own.
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
