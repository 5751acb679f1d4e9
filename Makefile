# Two commands: `make run` serves the site with demo content; `make test` runs the tests.
# Both set up .venv on their own; nothing else is needed but Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test install browser lint typecheck clean serve serve-edge varnish

# Runs $(1) with a background task worker beside it: when either stops (Ctrl-C stops
# both), the other is stopped too, the worker gracefully (SIGTERM: it finishes its task).
define with_worker
$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(1)
endef

# The site defaults to production mode; the local site and the tests run in debug mode.
run test: export DJANGO_DEBUG := 1
# Links the site writes out (share links, e-mail, feeds) name the address it is served at.
run serve: export NEWSROOM_SITE_URL ?= http://$(HOST)

# The modules whose public functions are typed, checked by mypy.
TYPED := articles/models articles/workflow.py articles/importers articles/backup.py \
	articles/caching.py photos background

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
	for section in demo/*/; do \
		$(PY) manage.py import_articles "$$section" --status published --section "$$(basename "$$section")" || exit 1; \
	done
	$(PY) manage.py render_articles
	@# Refused, saying why, on a database with real accounts; the site is served anyway.
	-$(PY) manage.py create_demo_accounts
	$(call with_worker,$(PY) manage.py runserver $(HOST))

# Production-like local run: DJANGO_DEBUG=0, hashed+compressed static files, gunicorn with
# newsroom/gunicorn.conf.py, on SQLite unless DATABASE_URL is set. A throwaway secret key
# is written to .env (git-ignored) the first time. Plain http on localhost, so the https
# redirect is off; everything else is as in production.
serve: $(STAMP)
	@grep -qs '^DJANGO_SECRET_KEY=' .env || { echo "DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env; \
		echo "Wrote a throwaway local DJANGO_SECRET_KEY to .env"; }
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput
	export DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 GUNICORN_BIND=$(HOST); \
		$(call with_worker,$(VENV)/bin/gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi)

# The edge cache: Debian's Varnish 7 with the xkey module (varnish-modules); installed
# when we can (root with apt), else the edge test skips, saying why.
EDGE ?= 127.0.0.1:6081
varnish:
	@command -v varnishd >/dev/null 2>&1 || [ -x /usr/sbin/varnishd ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get install -y -qq varnish varnish-modules >/dev/null 2>&1 || echo "Varnish not installed: the edge test will be skipped."; }

# `make serve` behind a local Varnish with deploy/varnish/default.vcl: browse http://$(EDGE).
# varnishd runs in the foreground beside it (its files in .varnish/), stopped with it; the
# site purges it through EDGE_CACHE_URL.
serve-edge: $(STAMP) varnish
	@mkdir -p .varnish
	sed -e 's/\.host = "127.0.0.1";/.host = "$(word 1,$(subst :, ,$(HOST)))";/' \
		-e 's/\.port = "8000";/.port = "$(word 2,$(subst :, ,$(HOST)))";/' \
		deploy/varnish/default.vcl > .varnish/default.vcl
	PATH="$$PATH:/usr/sbin" varnishd -F -j none -n $(CURDIR)/.varnish/work -a $(EDGE) -T none \
		-f $(CURDIR)/.varnish/default.vcl -s malloc,256m & varnish=$$!; \
		trap 'kill -TERM $$varnish 2>/dev/null; wait $$varnish' EXIT INT TERM; \
		echo "Edge: http://$(EDGE) (Varnish) in front of http://$(HOST)"; \
		EDGE_CACHE_URL=http://$(EDGE) $(MAKE) serve

# PYTEST_ARGS narrows a run, e.g. PYTEST_ARGS='-m "not browser"' (CI drives the browser once).
test: $(STAMP) browser varnish
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	DJANGO_DEBUG=1 $(VENV)/bin/mypy $(TYPED)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts .varnish
