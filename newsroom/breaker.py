"""A circuit breaker on the database, one per process.

Without it, every request during an outage waits DATABASE_POOL_TIMEOUT for a connection
that never comes, and requests queue behind each other in the few workers: 40 requests
at once took up to 28 s to get their 503s (bench/RESULTS.md). Once this process has seen
the database unreachable, the breaker is *open*: requests that need the database get
their 503 at once (newsroom.middleware), pages the app's cache holds are served from it
(articles.caching), and one background thread probes the database every
DATABASE_BREAKER_PROBE_SECONDS. The first probe that succeeds closes the breaker.

Only connection failures open it: a refused or cut connection, no pooled connection in
time, a server shutting down. A slow or wrong query (statement timeout, SQLite's "database
is locked") is that request's problem, not an outage. Should the probe thread ever stop,
the breaker closes by itself DATABASE_BREAKER_SECONDS after the last failure seen, and
the next request tries the database again.
"""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger("newsroom.breaker")

try:
    import psycopg
except ImportError:  # SQLite-only installs
    psycopg = None

# SQLSTATE classes and codes that mean the server cannot be talked to: connection
# exceptions (08...) and the server shutting down or starting (57P01-57P03).
_CONNECTION_SQLSTATES = ("08", "57P01", "57P02", "57P03")


class DatabaseUnavailable(OperationalError):
    """Raised instead of trying the database while the breaker is open."""


def is_connection_failure(exc):
    """Whether ``exc`` says the database cannot be reached (rather than a query failed)."""
    if isinstance(exc, DatabaseUnavailable | InterfaceError):
        return True
    if not isinstance(exc, OperationalError) or psycopg is None:
        return False
    cause = exc.__cause__
    if not isinstance(cause, psycopg.OperationalError):
        return False
    # A refused connection and the pool's timeout carry no SQLSTATE at all.
    sqlstate = cause.sqlstate or ""
    return not sqlstate or sqlstate.startswith(_CONNECTION_SQLSTATES)


class Breaker:
    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._probe = None

    @property
    def hold_seconds(self):
        return getattr(settings, "DATABASE_BREAKER_SECONDS", 5.0)

    @property
    def probe_seconds(self):
        return getattr(settings, "DATABASE_BREAKER_PROBE_SECONDS", 0.5)

    def is_open(self):
        return time.monotonic() < self._open_until

    def check(self):
        """Raise DatabaseUnavailable while the breaker is open."""
        if self.is_open():
            raise DatabaseUnavailable("the database is unreachable (circuit breaker open)")

    def failed(self, exc):
        """Note an error; open the breaker (and start the probe) if it is a connection failure."""
        if not is_connection_failure(exc) or isinstance(exc, DatabaseUnavailable):
            return False
        with self._lock:
            self._open_until = time.monotonic() + self.hold_seconds
            if self._probe is None or not self._probe.is_alive():
                logger.error("database unreachable, answering 503 until a probe succeeds: %s", exc)
                self._probe = threading.Thread(target=self._run_probe, daemon=True)
                self._probe.start()
        return True

    def reset(self):
        """Close the breaker (a probe succeeded, or a test starts afresh)."""
        with self._lock:
            self._open_until = 0.0

    def _run_probe(self):
        while self.is_open():
            time.sleep(self.probe_seconds)
            if not self.is_open():
                return  # closed meanwhile (reset)
            if self._database_answers():
                logger.warning("database reachable again, circuit breaker closed")
                self.reset()
                return
            with self._lock:
                self._open_until = time.monotonic() + self.hold_seconds

    @staticmethod
    def _database_answers():
        # This thread's own connection (Django's are per thread), given back at once.
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 -- any failure means "not yet"
            return False
        finally:
            # A dead connection may fail to close; it is dropped either way.
            with contextlib.suppress(Exception):
                connection.close()


breaker = Breaker()
