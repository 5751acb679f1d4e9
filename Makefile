# Two commands: `make run` serves the site with demo content; `make test` runs the tests.
# Both set up .venv on their own; nothing else is needed but Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test install browser lint clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium; install it when we can (root with apt), else they skip.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get install -y -qq chromium >/dev/null 2>&1 || echo "Chromium not installed: browser tests will be skipped."; }
	@[ -d node_modules/axe-core ] || { [ -f package-lock.json ] && command -v npm >/dev/null 2>&1 \
		&& npm ci --silent --no-audit --no-fund >/dev/null 2>&1 || echo "axe-core not installed: accessibility checks will be skipped."; }

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_articles demo --status published
	$(PY) manage.py create_demo_accounts
	$(PY) manage.py runserver $(HOST)

test: $(STAMP) browser
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
