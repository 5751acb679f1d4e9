"""Send reads to the PostgreSQL replica, writes (and reads that must be fresh) to default.

Active only when DATABASE_REPLICA_URL is set (see settings). A replica lags its primary
by a little, so whatever must read its own writes is pinned to the primary with
:func:`primary` -- PrimaryDatabaseMiddleware does it for every request that writes and
for the whole admin.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_use_primary = ContextVar("newsroom_use_primary", default=False)


@contextmanager
def primary():
    """Within this block every read goes to the primary database."""
    token = _use_primary.set(True)
    try:
        yield
    finally:
        _use_primary.reset(token)


class ReplicaRouter:
    replica = "replica"

    def db_for_read(self, model, **hints):
        return "default" if _use_primary.get() else self.replica

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows, so objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema through replication, never migrations.
        return db == "default"
