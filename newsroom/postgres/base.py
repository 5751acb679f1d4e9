"""PostgreSQL as Django ships it, with a pool that does not wait for a server that is gone.

psycopg's pool makes connections in the background and lets a request wait up to
DATABASE_POOL_TIMEOUT for one. While the server refuses connections that wait is pure
loss: each worker's first request of an outage hung for the whole timeout before the
circuit breaker (newsroom/breaker.py) learned of it. So a request first waits a moment
for a pooled connection; if none comes, it asks whether anything listens at the server's
address (a TCP or Unix-socket connect, well under a millisecond here), and only if
something does is the pool merely busy or slow, and the request waits the rest of the
timeout. A server that refuses is a connection failure at once.
"""

import socket
import time
from typing import Any

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool, PoolTimeout

# Long enough for an idle pooled connection and its health check; a new connection to a
# live server may take longer, and then the request simply goes on waiting.
FIRST_WAIT_SECONDS = 0.05
PROBE_TIMEOUT_SECONDS = 0.2


def _addresses(kwargs: dict[str, Any]) -> list[tuple[int, Any]]:
    """The socket addresses the connection parameters name (libpq's defaults filled in)."""
    hosts = str(kwargs.get("host") or "/var/run/postgresql").split(",")
    ports = str(kwargs.get("port") or 5432).split(",")
    ports += ports[-1:] * (len(hosts) - len(ports))
    found = []
    for host, port in zip(hosts, ports, strict=False):
        if host.startswith("/"):
            found.append((socket.AF_UNIX, f"{host}/.s.PGSQL.{port}"))
        else:
            found.append((socket.AF_INET, (host, int(port))))
    return found


def server_listens(kwargs: dict[str, Any]) -> bool:
    """Whether anything accepts connections at one of the server's addresses."""
    for family, address in _addresses(kwargs):
        if family == socket.AF_UNIX:
            probe = socket.socket(socket.AF_UNIX)
            probe.settimeout(PROBE_TIMEOUT_SECONDS)
            try:
                probe.connect(address)
                return True
            except OSError:
                continue
            finally:
                probe.close()
        try:
            socket.create_connection(address, timeout=PROBE_TIMEOUT_SECONDS).close()
            return True
        except OSError:
            continue
    return False


class FailFastPool:
    """The pool as Django uses it, whose getconn() fails at once when the server is gone."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)

    def getconn(self, timeout: float | None = None) -> Any:
        total = self._pool.timeout if timeout is None else timeout
        started = time.monotonic()
        try:
            return self._pool.getconn(timeout=min(FIRST_WAIT_SECONDS, total))
        except PoolTimeout:
            if not server_listens(self._pool.kwargs):
                # No SQLSTATE, as a refused connection: the breaker counts it as an outage.
                raise PoolTimeout("the database server refuses connections") from None
            remaining = total - (time.monotonic() - started)
            if remaining <= 0:
                raise
            return self._pool.getconn(timeout=remaining)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> FailFastPool | None:
        pool = super().pool
        return None if pool is None else FailFastPool(pool)
