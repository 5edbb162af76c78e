# Treffpunkt: `make run` starts the service, `make test` runs the tests. Both may be run again at any time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_PASSWORD ?= Treffpunkt-Demo-2026
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run test test-sqlite test-postgres install install-dev translations messages vendor system-packages bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations vendor
install-dev: $(VENV)/.installed-dev translations vendor

# Compiled catalogues are built here, not committed.
translations: $(VENV)/.installed
	@$(BIN)/pybabel --quiet compile --use-fuzzy -d translations

# Re-extract every translatable string and update the catalogues (then translate the new entries).
messages: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel --quiet update -N --ignore-obsolete -i translations/messages.pot -d translations

# Third-party front-end code comes from the npm registry into static/vendor (not committed).
vendor:
	@if [ -f package.json ]; then \
		if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; fi; \
		node scripts/copy-vendor.mjs; \
	fi

# What the tests need from Debian: Chromium for the browser tests, poppler for pdftotext, fonts for the PDFs.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || missing="$$missing fonts-dejavu-core"; \
	[ -d /usr/share/fonts/truetype/liberation2 ] || missing="$$missing fonts-liberation2"; \
	[ -d /usr/share/fonts/opentype/ebgaramond ] || missing="$$missing fonts-ebgaramond"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# Links in mails, QR codes and calendar files point at the address the service runs on (unless BASE_URL is set).
# The worker (mail, certificate batches, periodic jobs) runs beside the web server and stops with it.
run: export BASE_URL ?= http://$(HOST):$(PORT)
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty --password "$(DEMO_PASSWORD)" >/dev/null
	@$(BIN)/flask demo logins --password "$(DEMO_PASSWORD)"
	@echo "Treffpunkt runs on http://$(HOST):$(PORT), with a task-queue worker beside it"
	@$(BIN)/flask jobs worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Runs the whole suite on SQLite and, when TEST_DATABASE_URL is set, on that PostgreSQL database too: both runs
# side by side (each is mostly one process, and the machine has two cores), each writing its own log, which is
# printed when both have ended.
test: install-dev system-packages
	@if [ -z "$(TEST_DATABASE_URL)" ]; then \
		$(MAKE) --no-print-directory test-sqlite; \
		echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped"; \
	else \
		mkdir -p .test-logs; \
		echo "== tests on SQLite and PostgreSQL, side by side (logs in .test-logs/) =="; \
		$(MAKE) --no-print-directory test-sqlite >.test-logs/sqlite.log 2>&1 & sqlite=$$!; \
		$(MAKE) --no-print-directory test-postgres >.test-logs/postgres.log 2>&1 & postgres=$$!; \
		wait $$sqlite; sqlite_rc=$$?; wait $$postgres; postgres_rc=$$?; \
		cat .test-logs/sqlite.log .test-logs/postgres.log; \
		echo "== SQLite: $$(tail -n 1 .test-logs/sqlite.log | grep -o '[0-9].* in [0-9.]*s' || echo 'no summary')"; \
		echo "== PostgreSQL: $$(tail -n 1 .test-logs/postgres.log | grep -o '[0-9].* in [0-9.]*s' || echo 'no summary')"; \
		[ $$sqlite_rc -eq 0 ] && [ $$postgres_rc -eq 0 ]; \
	fi

test-sqlite:
	@echo "== tests on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-postgres:
	@echo "== tests on PostgreSQL =="
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m bench

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor translations/*/LC_MESSAGES/*.mo
