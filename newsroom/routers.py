"""Send the public site's reads to the PostgreSQL replica; everything else to default.

Active only when DATABASE_REPLICA_URL is set (see settings). A replica lags its primary
by a little, so only what can stand a slightly old answer reads from it: anonymous-style
public page views, marked by ReplicaReadsMiddleware with :func:`replica_reads`. Writes,
the admin, management commands, migrations and imports always use the primary, so they
read their own writes.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

_replica_allowed = ContextVar("newsroom_replica_allowed", default=False)


@contextmanager
def replica_reads(allowed=True):
    """Within this block reads may (or, with ``allowed=False``, may not) use the replica."""
    token = _replica_allowed.set(allowed)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


SAME_DATABASE_KEYS = ("ENGINE", "HOST", "PORT", "NAME")


class ReplicaRouter:
    replica = "replica"

    def replica_is_separate(self):
        """False when the replica alias names the default database itself.

        So it is under test, where the replica is a TEST mirror of default: reading through
        a second connection would not see the test's own uncommitted rows.
        """
        if self.replica not in connections.settings:
            return False
        replica = connections[self.replica].settings_dict
        default = connections["default"].settings_dict
        return any(replica.get(k) != default.get(k) for k in SAME_DATABASE_KEYS)

    def db_for_read(self, model, **hints):
        if _replica_allowed.get() and self.replica_is_separate():
            return self.replica
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows, so objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema through replication, never migrations.
        return db == "default"
