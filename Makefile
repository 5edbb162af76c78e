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

# The suite in two parts: TEST_PART_1 and the rest (TEST_PART_2 ignores what part 1 runs, so a new test folder is
# never left out). tests/test_access.py alone is about a third of the suite on SQLite and more on PostgreSQL (its
# `world` fixture makes some 300 queries per test): part 1 takes a little less than the rest on SQLite and a little
# more on PostgreSQL, which keeps the two lanes below even.
TEST_PART_1 := tests/test_access.py tests/certificates
TEST_PART_2 := tests $(addprefix --ignore=,$(TEST_PART_1))

# `make test` runs the whole suite on SQLite and, when TEST_DATABASE_URL is set, on that PostgreSQL database too.
# The machine has two cores, so two lanes run side by side: SQLite part 1 then PostgreSQL part 2, and PostgreSQL
# part 1 then SQLite part 2. Each lane runs each part once, on one database or the other, so both cores stay busy
# until the end whichever part or database is the slower. PostgreSQL part 2 has a database of its own beside
# TEST_DATABASE_URL's: the same name with "_2" appended. Without TEST_DATABASE_URL the two SQLite parts run side by
# side. Every run writes its own log in .test-logs/, printed when all have ended with one line per run; the
# target fails if any run failed. With PYTEST_ARGS (say -k access) the suite is not split: one run per database.
test: install-dev system-packages
	@rm -rf .test-logs; mkdir -p .test-logs; \
	run() { name=$$1; database=$$2; shift 2; \
		echo "== tests on $$name ($$*) ==" >.test-logs/$$name.log; \
		if [ "$$database" = sqlite ]; then env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q "$$@"; \
		else TEST_DATABASE_URL="$$database" $(BIN)/python -m pytest -q "$$@"; fi >>.test-logs/$$name.log 2>&1; \
		echo $$? >.test-logs/$$name.rc; }; \
	postgres_1="$(TEST_DATABASE_URL)"; postgres_2=$$(printf '%s' "$$postgres_1" | sed -E 's|^([^?]*)|\1_2|'); \
	if [ -n "$(PYTEST_ARGS)" ]; then \
		echo "== tests with PYTEST_ARGS=$(PYTEST_ARGS): one run per database (logs in .test-logs/) =="; \
		runs="sqlite"; run sqlite sqlite $(PYTEST_ARGS) & \
		if [ -n "$$postgres_1" ]; then runs="sqlite postgres"; run postgres "$$postgres_1" $(PYTEST_ARGS) & fi; \
	elif [ -n "$$postgres_1" ]; then \
		echo "== tests on SQLite and PostgreSQL in two lanes side by side (logs in .test-logs/) =="; \
		runs="sqlite-1 sqlite-2 postgres-1 postgres-2"; \
		( run sqlite-1 sqlite $(TEST_PART_1); run postgres-2 "$$postgres_2" $(TEST_PART_2) ) & \
		( run postgres-1 "$$postgres_1" $(TEST_PART_1); run sqlite-2 sqlite $(TEST_PART_2) ) & \
	else \
		echo "== tests on SQLite, its two parts side by side (logs in .test-logs/) =="; \
		runs="sqlite-1 sqlite-2"; \
		run sqlite-1 sqlite $(TEST_PART_1) & run sqlite-2 sqlite $(TEST_PART_2) & \
	fi; \
	wait; \
	failed=0; \
	for name in $$runs; do cat .test-logs/$$name.log 2>/dev/null; done; \
	for name in $$runs; do \
		echo "== $$name: $$(tail -n 1 .test-logs/$$name.log 2>/dev/null | grep -o '[0-9].* in [0-9.]*s' || echo 'no summary')"; \
		[ "$$(cat .test-logs/$$name.rc 2>/dev/null)" = 0 ] || failed=1; \
	done; \
	[ -n "$$postgres_1" ] || echo "TEST_DATABASE_URL is not set: PostgreSQL runs skipped"; \
	[ $$failed = 0 ]

# The whole suite in one run on one database.
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
