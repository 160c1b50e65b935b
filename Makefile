# Two commands do all the set-up on a fresh machine (see README.md, "Quick start"):
#   make run    install what the server needs and start it (SQLite, one process)
#   make test   install what the tests need (Python packages, Debian's chromium) and run them all
# Both are idempotent: a second run installs nothing new.

VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
AXE    := $(VENV)/axe/node_modules/axe-core/axe.min.js
TSC    := $(VENV)/tsc/node_modules/typescript/bin/tsc
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench bench-scale bench-workers soak chromium postgres redis nginx

run: $(VENV)/.installed
	$(VENV)/bin/spiegel run

test: $(VENV)/.installed-test $(AXE) $(TSC) chromium postgres redis nginx
	$(VENV)/bin/ruff check server tests bench
	$(PY) -m pytest

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check server tests bench

bench: $(VENV)/.installed-test
	$(PY) bench/realtime_latency.py
	$(PY) bench/report_exports.py

# Many sockets against spiegel run and the bare floor, each scenario in each async mode
# (minutes; the figures in bench/RESULTS.md). SCALE_ARGS adds flags, e.g. SCALE_ARGS=--repeat=3.
SCALE_MODES ?= eventlet gevent threading
bench-scale: $(VENV)/.installed-test
	for mode in $(SCALE_MODES); do \
	  $(PY) bench/scale.py --scenario meeting --mode $$mode --repeat 3 $(SCALE_ARGS) && \
	  $(PY) bench/scale.py --scenario load --mode $$mode $(SCALE_ARGS) || exit 1; \
	done
	$(PY) bench/scale.py --scenario breakpoint --no-bare $(SCALE_ARGS)

# N workers on PostgreSQL and Redis, each held to a CPU budget (a cgroup; needs root), carrying N times
# one worker's share of tablets and notes (the figures in bench/RESULTS.md, "N workers").
bench-workers: $(VENV)/.installed-test postgres redis
	$(PY) bench/workers.py --repeat 2 $(WORKERS_ARGS)

# Half an hour of 500 tablets in 20 meetings against spiegel run (not in CI): memory growth per
# hour, open sockets, ack p50/p99 per 5-minute window, errors by kind. SOAK_ARGS adds flags,
# e.g. SOAK_ARGS="--mode gevent --seconds 600".
soak: $(VENV)/.installed-test
	$(PY) bench/scale.py --scenario soak $(SOAK_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[test]'
	touch $(VENV)/.installed $@

# axe-core for the accessibility checks in the browser tests (tests/browser/test_accessibility.py);
# from the npm registry into the virtual environment, never committed.
$(AXE):
	npm install --prefix $(VENV)/axe --no-audit --no-fund --silent axe-core@4

# TypeScript, the checker behind the clients' `// @ts-check` (clients/jsconfig.json,
# tests/test_client_files.py); from the npm registry into the virtual environment, never committed.
$(TSC):
	npm install --prefix $(VENV)/tsc --no-audit --no-fund --silent typescript@5

# Debian's chromium for the browser tests; never a browser download of Playwright's own.
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The local PostgreSQL server the storage tests run against (started when it is installed but down).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { command -v pg_ctlcluster >/dev/null && \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start && \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; } || true

# The local Redis server (started when it is installed but down). The scale-out tests start
# Redis instances of their own on free ports; this one is for trying several workers by hand.
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { command -v redis-server >/dev/null && \
	  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	    --dir /var/lib/redis --logfile /var/log/redis/ci.log && \
	  for i in $$(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done; } || true

# Debian's nginx (the light build) for the reverse-proxy test of docs/nginx-spiegel.conf;
# the test runs its own nginx on free ports, the package's own service is not needed.
nginx:
	@command -v nginx >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx-light >/dev/null; }

