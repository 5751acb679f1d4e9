"""What the site answers when it cannot answer properly."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("newsroom.errors")

# Errors that mean "the database cannot be reached right now": a refused or dropped
# connection, or no pooled connection free within DATABASE_POOL_TIMEOUT (psycopg_pool's
# PoolTimeout reaches Django as OperationalError).
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10

# Plain HTML: the normal templates read the database (navigation), which is down.
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>
<body><h1>Temporarily unavailable</h1>
<p>The site cannot reach its database just now. Please try again in a few seconds.</p>
</body></html>
"""


def database_unavailable(request, exc):
    """A quick 503 instead of a 500 or a hung worker; load balancers and clients retry."""
    from .breaker import DatabaseUnavailable, breaker

    # The breaker answers every request while it is open: one log line per outage is
    # enough (the breaker's own), not one per request.
    if not isinstance(exc, DatabaseUnavailable):
        logger.error("database unavailable for %s %s: %s", request.method, request.path, exc)
        breaker.failed(exc)
    response = HttpResponse(UNAVAILABLE_PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: a database outage met outside a view (e.g. loading the session) is a 503."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable(request, exc)
    return django_server_error(request)
