"""The replica router: public reads to the replica; writes and everything else to default."""

from django.test import RequestFactory

from articles.models import Article
from newsroom.middleware import ReplicaReadsMiddleware
from newsroom.routers import ReplicaRouter, replica_reads
from tests.factories import run_django_script


class SeparateReplicaRouter(ReplicaRouter):
    """The router as configured with a replica on its own server (this process has none)."""

    def replica_is_separate(self):
        return True


def test_reads_go_to_default_unless_replica_reads_are_allowed():
    router = SeparateReplicaRouter()
    assert router.db_for_read(Article) == "default"
    with replica_reads():
        assert router.db_for_read(Article) == "replica"
        assert router.db_for_write(Article) == "default"
    assert router.db_for_read(Article) == "default"


def test_replica_reads_can_be_switched_off_inside_and_restored_after():
    router = SeparateReplicaRouter()
    with replica_reads():
        with replica_reads(False):
            assert router.db_for_read(Article) == "default"
        assert router.db_for_read(Article) == "replica"


def test_without_a_replica_configured_reads_stay_on_default():
    with replica_reads():
        assert ReplicaRouter().db_for_read(Article) == "default"


def test_only_default_is_migrated_and_relations_across_aliases_are_allowed():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "articles") is True
    assert router.allow_migrate("replica", "articles") is False
    assert router.allow_relation(object(), object()) is True


def reads_seen_by_view(method, path):
    """Which alias the router picks while the middleware handles a request."""
    seen = []

    def view(request):
        seen.append(SeparateReplicaRouter().db_for_read(Article))
        return None

    ReplicaReadsMiddleware(view)(getattr(RequestFactory(), method)(path))
    return seen[0]


def test_public_get_reads_from_the_replica():
    assert reads_seen_by_view("get", "/some/article/") == "replica"


def test_writes_and_the_admin_read_from_the_primary():
    assert reads_seen_by_view("post", "/some/form/") == "default"
    assert reads_seen_by_view("get", "/admin/articles/article/") == "default"


# A real replica set-up in a fresh process: two SQLite files, the "replica" being a copy
# of the primary taken at one moment: a replica that lags by one write.
REPLICA_SCRIPT = """
import json, shutil, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connections
from articles.models import Section
from newsroom.routers import replica_reads

call_command("migrate", verbosity=0)
Section.objects.create(name="Before copy", slug="before-copy")
for alias in connections:
    connections[alias].close()
if sys.argv[1] != sys.argv[2]:
    shutil.copyfile(sys.argv[1], sys.argv[2])  # the replica catches up
written = Section.objects.create(name="After copy", slug="after-copy")  # not replicated yet
with replica_reads():
    read_from = Section.objects.all().db
    seen = sorted(Section.objects.values_list("slug", flat=True))
pinned = sorted(Section.objects.values_list("slug", flat=True))
print(json.dumps({
    "written_to": written._state.db,
    "read_from": read_from,
    "replica_sees": seen,
    "primary_sees": pinned,
}))
"""


def run_replica_script(primary_db, replica_db):
    return run_django_script(
        REPLICA_SCRIPT,
        primary_db,
        replica_db,
        without=("DATABASE_URL", "DATABASE_REPLICA_URL", "CACHE_URL"),
        DATABASE_URL=f"sqlite:///{primary_db}",
        DATABASE_REPLICA_URL=f"sqlite:///{replica_db}",
    )


def test_public_reads_see_the_replica_and_everything_else_the_primary(tmp_path):
    found = run_replica_script(tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3")
    assert found["written_to"] == "default"
    assert found["read_from"] == "replica"
    assert found["replica_sees"] == ["before-copy"]
    assert found["primary_sees"] == ["after-copy", "before-copy"]


def test_a_replica_url_naming_the_primary_itself_reads_from_default(tmp_path):
    """As under test, where the replica is a TEST mirror: one connection, consistent reads."""
    same = tmp_path / "primary.sqlite3"
    found = run_replica_script(same, same)
    assert found["read_from"] == "default"
    assert found["replica_sees"] == ["after-copy", "before-copy"]
