"""The database down: a circuit breaker per process, 503 at once, cached pages still served.

The real outages are child processes whose PostgreSQL refuses connections: a port where
nothing listens, or a gate (a TCP forwarder to the test database) that is shut in the
middle of the run. Timings are asserted only where the difference is an order of
magnitude (the pool's timeout against an answer at once); bench/outage.py measures them.
"""

import os
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import OperationalError, connection

from newsroom.breaker import DatabaseUnavailable, breaker, is_connection_failure
from tests.factories import make_article, make_user, run_django_script

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "outage-test-secret-key-long-enough-to-be-realistic-123456",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_LOG_LEVEL": "CRITICAL",
}


@pytest.fixture(autouse=True)
def closed_breaker(settings):
    # A probe that would not wake during the test: the tests open and close it themselves.
    settings.DATABASE_BREAKER_PROBE_SECONDS = 60
    breaker.reset()
    yield
    breaker.reset()


def refused():
    """A Django OperationalError as a refused PostgreSQL connection raises it."""
    try:
        try:
            raise psycopg.OperationalError("connection refused")
        except psycopg.OperationalError as cause:
            raise OperationalError("connection refused") from cause
    except OperationalError as exc:
        return exc


# --- what opens the breaker -------------------------------------------------------------


def test_only_connection_failures_open_the_breaker():
    assert is_connection_failure(refused())
    # A query's own failure (a statement timeout, SQLite's "database is locked") is not
    # an outage: it must not turn every other request away.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
    except Exception as exc:  # noqa: BLE001 -- either backend's error for a bad query
        assert not is_connection_failure(exc)
    assert not breaker.failed(OperationalError("database is locked"))
    assert not breaker.is_open()
    assert breaker.failed(refused())
    assert breaker.is_open()


# --- the breaker open, in this process ---------------------------------------------------


def test_while_open_requests_needing_the_database_get_503_without_a_query(
    client, django_assert_num_queries
):
    article = make_article()
    breaker.failed(refused())
    with django_assert_num_queries(0):
        for path in ("/healthz", article.get_absolute_url(), "/search/?q=x", "/admin/login/"):
            response = client.get(path)
            assert response.status_code == 503, path
        assert client.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 503


def test_while_open_cached_pages_are_served_saying_so(client, django_assert_num_queries):
    article = make_article()
    url = article.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and "X-Served-Stale" not in first
    breaker.failed(refused())
    from django.core.cache import cache

    from articles.caching import STATE_KEY

    cache.delete(STATE_KEY)  # as when the 2-second local copy has expired
    with django_assert_num_queries(0):
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Served-Stale"] == "database-unavailable"
        assert response.content == first.content
        # A page no cache holds cannot be made: 503 at once.
        assert client.get(url + "?page=2").status_code == 503
    # Logged-in readers' pages are never cached: their session alone would need the database.
    client.force_login(make_user())
    assert client.get(url).status_code == 503
    breaker.reset()
    assert client.get(url).status_code == 200


# --- real outages, in child processes -----------------------------------------------------

REFUSED_SCRIPT = """
import json, time
import django
django.setup()
from django.test import Client

client = Client(raise_request_exception=False)
found = []
for path in ["/", "/healthz", "/section/news/", "/admin/login/", "/", "/healthz"]:
    started = time.monotonic()
    response = client.get(path)
    found.append([path, response.status_code, time.monotonic() - started])
print(json.dumps(found))
"""


def test_after_the_first_failure_the_outage_is_answered_at_once():
    found = run_django_script(
        REFUSED_SCRIPT,
        without=("DATABASE_URL", "CACHE_URL"),
        **PRODUCTION,
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
        DATABASE_POOL_TIMEOUT="2",
    )
    assert [status for _, status, _ in found] == [503] * len(found)
    # The first request too: the pool asks whether anything listens instead of waiting out
    # its 2-second timeout, and the breaker answers the rest without asking.
    for path, _, seconds in found:
        assert seconds < 0.5, (path, seconds)  # answered at once, not after the timeout


# The gate: the child's DATABASE_URL points at a forwarder to the test database, which the
# child shuts (connections cut, nothing listening) and opens again.
GATE_SCRIPT = """
import json, os, socket, sys, threading, time
from urllib.parse import urlsplit

sys.path.insert(0, "bench")
from outage import Gate

target = urlsplit(os.environ["TARGET_URL"])
gate = Gate((target.hostname, target.port or 5432))
os.environ["DATABASE_URL"] = target._replace(
    netloc=f"{target.username}@127.0.0.1:{gate.port}"
).geturl()

from wsgiref.util import setup_testing_defaults
from django.core.wsgi import get_wsgi_application

# Through the WSGI handler, as gunicorn calls it: connections go back to the pool at the
# end of each request (the test Client would keep its dead one for the whole run).
app = get_wsgi_application()
article, uncached = sys.argv[1], sys.argv[2]

# Production mode serves hashed static files: collected first, as `make serve` does.
from django.core.management import call_command

call_command("collectstatic", interactive=False, verbosity=0)

def get(path):
    started = time.monotonic()
    environ = {"PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    found = []
    body = app(environ, lambda status, headers: found.extend([status, dict(headers)]))
    b"".join(body)
    body.close()
    status, headers = found
    return [int(status.split()[0]), headers.get("X-Served-Stale"), time.monotonic() - started]

found = {"up": get(article)}
gate.shut()
time.sleep(2.2)  # the 2-second local copy of the site state has expired
found["first"] = get(article)
found["down"] = {p: get(p) for p in (article, uncached, "/healthz")}
gate.reopen()
deadline = time.monotonic() + 15
while time.monotonic() < deadline and get(uncached)[0] != 200:
    time.sleep(0.1)
found["back"] = get(uncached)
print(json.dumps(found))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cached_pages_answer_200_while_postgresql_refuses_connections(tmp_path):
    article = make_article()
    url = os.environ["DATABASE_URL"]
    target = urlsplit(url)._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    found = run_django_script(
        GATE_SCRIPT,
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        without=("DATABASE_URL", "CACHE_URL"),
        **PRODUCTION,
        TARGET_URL=target,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_POOL_TIMEOUT="2",
        DATABASE_BREAKER_PROBE_SECONDS="0.2",
    )
    assert found["up"][:2] == [200, None]
    # The first request meets the outage, is still served, and does not wait for the
    # pool's timeout to learn of it.
    assert found["first"][:2] == [200, "database-unavailable"]
    cached, uncached, health = (found["down"][k] for k in found["down"])
    assert cached[:2] == [200, "database-unavailable"]
    assert uncached[0] == 503 and health[0] == 503
    for _, _, seconds in (found["first"], cached, uncached, health):
        assert seconds < 0.5
    assert found["back"][:2] == [200, None]


def test_database_unavailable_counts_as_a_database_error():
    # Every 503 path (the middleware, handler500) knows it without a change.
    from newsroom.errors import DATABASE_DOWN

    assert issubclass(DatabaseUnavailable, DATABASE_DOWN)
