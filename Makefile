# Fabrique — `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: install node-install lock run dev serve worker migrate seed test test-browser ecoindex lint check bench bench-upload bench-sheets bench-board bench-search bench-dos bench-pages bench-debates bench-amendments bench-officials bench-notifications bench-territory clean

# Runtime packages, then the development tools, each exactly as locked and checked against the
# hashes of PyPI's files. A production deployment installs requirements.lock alone.
$(VENV)/.installed: pyproject.toml requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# Re-compile both lock files from pyproject.toml after a dependency change (versions already
# locked are kept; add --upgrade-package NAME to move one). The dev lock is constrained by the
# runtime lock, so both always agree.
lock: install
	$(PY) -m uv pip compile --quiet pyproject.toml --python-version 3.11 --generate-hashes -o requirements.lock
	$(PY) -m uv pip compile --quiet pyproject.toml --python-version 3.11 --generate-hashes --extra dev \
		-c requirements.lock -o requirements-dev.lock

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv -v0 2>/dev/null || true

seed: migrate
	$(PY) manage.py seed_demo

# Web server, background worker and the hourly trash purge side by side; Ctrl-C stops them all.
# `make run` serves as production does (config/settings/local.py: DEBUG off, the site's own error
# pages, hashed static files, page cache) with gunicorn as config/gunicorn.py sets it (a process
# per core, FABRIQUE_WORKERS to change, each with its own listening socket); `make dev` keeps the
# developer's mode (runserver, DEBUG on, code reloaded). RUN_SETTINGS picks another settings
# module (config.settings.production behind a TLS proxy).
# The trap stops the three children (the purge loop, started with `&` by a non-interactive
# shell, ignores Ctrl-C's SIGINT), waits for them and resets itself first: a trap that signals
# its own process group (`kill 0`) re-enters itself until the shell crashes. gunicorn's control
# socket lives under var/, not in the home directory.
RUN_SETTINGS ?= config.settings.local
ACCESS_LOG ?= -
define side_by_side
	@pids=""; \
	stop() { trap - INT TERM EXIT; kill $$pids 2>/dev/null; wait; }; \
	trap 'stop; exit 0' INT TERM; trap stop EXIT; \
	$(PY) manage.py db_worker --queue-name '*' --no-reload & pids="$$pids $$!"; \
	$(PY) manage.py documents_purge_trash --every 3600 & pids="$$pids $$!"; \
	$(1) & pids="$$pids $$!"; \
	wait
endef

run: export DJANGO_SETTINGS_MODULE = $(RUN_SETTINGS)
run: seed
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Fabrique on http://$(HOST):$(PORT)/  (demo accounts: see README; password fabrique-demo)"
	$(call side_by_side,$(VENV)/bin/gunicorn config.wsgi -c config/gunicorn.py --bind $(HOST):$(PORT) \
		--control-socket $(or $(FABRIQUE_VAR_DIR),var)/gunicorn.ctl --access-logfile $(ACCESS_LOG))

dev: export DJANGO_SETTINGS_MODULE = config.settings.dev
dev: seed
	@echo "Fabrique (developer's mode) on http://$(HOST):$(PORT)/  (password fabrique-demo)"
	$(call side_by_side,$(PY) manage.py runserver $(HOST):$(PORT))

# The unit suite; the browser tests (marker `browser`) are deselected by pyproject's addopts.
test: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n auto

# axe-core for the browser suite, exactly as package-lock.json pins it (npm ci checks each
# package's integrity hash); nothing under node_modules/ is served to users.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

node-install: node_modules/.installed

# The browser suite (tests/browser): Debian's Chromium (apt-get install chromium; another one
# with FABRIQUE_CHROMIUM=/path) driven by Playwright, which never downloads a browser of its own;
# axe-core checks each key page. Full-page screenshots of the key pages go to SCREENSHOTS.
SCREENSHOTS ?= var/screenshots
test-browser: install node-install
	rm -rf $(SCREENSHOTS)
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 FABRIQUE_SCREENSHOTS=$(abspath $(SCREENSHOTS)) \
		DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -m browser tests/browser

# EcoIndex of every key page (bench/ecoindex.py): Debian's Chromium loads each one cold from a
# throw-away gunicorn with the demo data; fails when a page is below grade A (the API docs page
# excepted, and named) or weighs more than bench/ecoindex_baseline.json + 20 %.
# ECOINDEX_ARGS="--update-baseline" rewrites the baseline; "--append docs/benchmarks.md" keeps
# the figures.
ECOINDEX_ARGS ?=
ecoindex: install
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PY) bench/ecoindex.py $(ECOINDEX_ARGS)

# Lint, formatting, and the types of every app's services, selectors and permissions (the
# modules are chosen in pyproject.toml's [tool.mypy]; results cached in .mypy_cache).
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m mypy

check: install
	$(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=ci-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') ALLOWED_HOSTS=fabrique.example.org \
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var $(VENV) node_modules

# Upload benchmark: 1 GiB through Fabrique's API vs a bare Django view (SIZE_MIB=64 for a quick run).
SIZE_MIB ?= 1024
bench-upload: install
	$(PY) bench/upload_bench.py --size-mib $(SIZE_MIB) --write docs/benchmarks.md

# Sheet benchmark: sheet page, version lists and diffs of a sheet with 1,000 versions, each
# against a trivial page on the same live server; figures appended to docs/benchmarks.md.
SHEET_VERSIONS ?= 1000
bench-sheets: install
	$(PY) bench/sheets_bench.py --versions $(SHEET_VERSIONS) --n 40 --append docs/benchmarks.md

# Staff board benchmark: BOARD_SHEETS sheets, the board and its filters vs a trivial page on
# the same live server; figures appended to docs/benchmarks.md.
BOARD_SHEETS ?= 10000
bench-board: install
	$(PY) bench/board_bench.py --sheets $(BOARD_SHEETS) --n 30 --append docs/benchmarks.md

# Debate benchmark: a debate with DEBATE_COMMENTS comments (threads of a comment and a reply,
# some hidden, some deleted), its page, the API's comment list and the debates list vs a trivial
# page on the same live server (p50/p95), and SQL queries per page at 100, 1,000 and
# DEBATE_COMMENTS comments; figures appended to docs/benchmarks.md.
DEBATE_COMMENTS ?= 5000
bench-debates: install
	$(PY) bench/debates_bench.py --comments $(DEBATE_COMMENTS) --n 60 --append docs/benchmarks.md

# Amendments benchmark: a round with 20 amendments and AMENDMENT_BALLOTS ballots (bulk-inserted):
# casting a ballot, closing the round (tally in one GROUP BY, ranking, results stored) and
# reading the results vs a trivial API view, in process; figures appended to docs/benchmarks.md.
AMENDMENT_BALLOTS ?= 10000
bench-amendments: install
	$(PY) bench/amendments_bench.py --ballots $(AMENDMENT_BALLOTS) --n 40 --append docs/benchmarks.md

# Officials benchmark: one official with OFFICIAL_REQUESTS requests (issue 15, item 9): the inbox,
# the official's page, the directory against the login form; queries counted at +5,000 requests.
OFFICIAL_REQUESTS ?= 20000
bench-officials: install
	$(PY) bench/officials_bench.py --requests $(OFFICIAL_REQUESTS) --n 40 --append docs/benchmarks.md

# Territorial portal benchmark (issue 17, item 9): TERRITORY_SHEETS sheets across the 33 communes
# and ten quartiers (bulk-built, in process): a commune's page, a quartier's page, the territory
# API and the communes' widget against the login form; queries counted again at +20 % sheets.
TERRITORY_SHEETS ?= 10000
bench-territory: install
	$(PY) bench/territory_bench.py --sheets $(TERRITORY_SHEETS) --n 40 --append docs/benchmarks.md

# Notifications benchmark (issue 16, item 8): NOTIFY_USERS people, NOTIFY_SUBSCRIPTIONS follows,
# NOTIFY_EVENTS events in a day (bulk-built, in process): event_record with and without the
# notifications subscriber, the worker's fan-out per event, the daily digest run (time, peak RSS)
# against the same run on an empty day; figures appended to docs/benchmarks.md. The full day
# takes hours: NOTIFY_ARGS="--fan-out 40 --no-digest" fans out the day's first 40 events only.
NOTIFY_USERS ?= 50000
NOTIFY_SUBSCRIPTIONS ?= 200000
NOTIFY_EVENTS ?= 10000
bench-notifications: install
	$(PY) bench/notifications_bench.py --users $(NOTIFY_USERS) --subscriptions $(NOTIFY_SUBSCRIPTIONS) \
		--events $(NOTIFY_EVENTS) --append docs/benchmarks.md $(NOTIFY_ARGS)

# Search benchmark: SEARCH_N generated French sheets + documents in a throw-away database and
# index; indexing rate, index size, indexer memory, API search p50/p95 vs raw Whoosh vs a
# trivial page; figures appended to docs/benchmarks.md (SEARCH_N=5000 for a quick run).
SEARCH_N ?= 100000
bench-search: install
	$(PY) bench/search_bench.py --n $(SEARCH_N) --append docs/benchmarks.md

# Hostile inputs (Markdown, version diff, search snippets) timed against normal inputs of the
# same size in one run: the ratios printed are what tests/security/test_dos.py bounds.
bench-dos: install
	$(PY) bench/dos_bench.py

# Page benchmark: the server `make run` starts (fresh demo data in a throw-away var/), then wrk
# (Debian's; a bounded Python client without it) with 8 keep-alive connections on the public
# pages, the staff board and the login form, side by side in rounds; medians, ratios to the
# login form, each gunicorn process's CPU; figures appended to docs/benchmarks.md.
PAGES_ARGS ?=
bench-pages: install
	$(PY) bench/pages_bench.py --append docs/benchmarks.md $(PAGES_ARGS)
