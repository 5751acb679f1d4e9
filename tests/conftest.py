import os
from pathlib import Path

import pytest

from tests.factories import make_author, make_user

CHROMIUM = Path("/usr/bin/chromium")
# Chromium as root in a sandbox-less container, with no calls out to Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
# Set in CI, where a missing ../shared must fail the run rather than pass it with skips.
REQUIRE_SHARED = "NEWSROOM_REQUIRE_SHARED"


def shared_file(relative):
    """A file from ../shared; without it, a skip saying what is missing (a failure when
    NEWSROOM_REQUIRE_SHARED=1)."""
    path = SHARED / relative
    if not path.exists():
        message = f"../shared/{relative} is not beside the checkout"
        if os.environ.get(REQUIRE_SHARED) == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def run_import(*paths, **options):
    """Run ``import_articles`` as an operator would: (stdout, stderr, CommandError or None)."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its files to a fresh folder on disk, never to media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a write and what its transaction's commit runs, as in a request."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def on_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


def pytest_collection_modifyitems(config, items):
    # What the ``postgres`` marker promises; CI runs the suite on PostgreSQL as well.
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


# People. The groups come from the roles migration (or make_roles() in transactional tests).


@pytest.fixture
def writer():
    """Wanda Writer ("wanda"), in the Writer group, with an author profile of that name."""
    user = make_user("wanda", role="Writer", first_name="Wanda", last_name="Writer")
    make_author(name="Wanda Writer", user=user)
    return user


@pytest.fixture
def editor():
    """Ed Editor ("ed"), in the Editor group."""
    return make_user("ed", role="Editor", first_name="Ed", last_name="Editor")


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium (Debian's package) for the module; skips, saying why, without it.

    While it is open, Playwright's sync API runs an event loop in the test thread, so
    DJANGO_ALLOW_ASYNC_UNSAFE is set for the module (and put back) to allow the ORM beside it.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# For tests about the database task backend's own rows (DBTaskResult); the suite also runs
# with TASKS_URL set, on RQ, where those rows do not exist.
database_tasks_only = pytest.mark.skipif(
    "TASKS_URL" in os.environ, reason="about the database task backend's own rows"
)
