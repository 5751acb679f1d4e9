"""The edge cache: a real varnishd with deploy/varnish/default.vcl in front of the live
server, purged by a real task worker after each change made through the app."""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import edge
from articles.models import Article, Correction, Status
from articles.workflow import transition
from tests.conftest import database_tasks_only
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_roles,
    make_section,
    make_tag,
    make_user,
    run_worker,
)

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
# Set in CI, where the edge test must run: a missing varnishd fails instead of skipping.
REQUIRE_EDGE = "NEWSROOM_REQUIRE_EDGE"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited: {process.stdout.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("varnishd did not start listening")


@pytest.fixture
def varnish(live_server, settings, tmp_path):
    """varnishd in the foreground on a free port, in front of the live server; stopped
    after the test. The VCL is ours, with only the backend's address changed."""
    binary = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.path.exists("/usr/sbin/varnishd") else None
    )
    if binary is None:
        reason = "varnishd is not installed (apt-get install -y varnish varnish-modules)"
        if os.environ.get(REQUIRE_EDGE):
            pytest.fail(f"{reason}; {REQUIRE_EDGE} is set")
        pytest.skip(reason)
    host, port = live_server.thread.host, live_server.thread.port
    vcl = VCL.read_text()
    vcl = vcl.replace('.host = "127.0.0.1";', f'.host = "{host}";', 1)
    vcl = vcl.replace('.port = "8000";', f'.port = "{port}";', 1)
    vcl_path = tmp_path / "edge.vcl"
    vcl_path.write_text(vcl)
    edge_port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "-F",  # foreground: a child of this test, stopped with it
            "-j",
            "none",  # no privilege separation: works for any user, root included
            "-n",
            str(tmp_path / "varnish"),
            "-a",
            f"127.0.0.1:{edge_port}",
            "-f",
            str(vcl_path),
            "-s",
            "malloc,32m",
            "-T",
            "none",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(edge_port, process)
        settings.EDGE_CACHE_URL = f"http://127.0.0.1:{edge_port}"
        yield settings.EDGE_CACHE_URL
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(base, path, headers=None):
    """(status, headers, body) of a GET through the edge."""
    request = urllib.request.Request(base + path, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def purged(base, path, check, seconds=1.0):
    """Run the purge tasks with a real worker, then wait (at most ``seconds``) until the
    edge serves a page passing ``check``; the last response."""
    run_worker()
    deadline = time.monotonic() + seconds
    while True:
        response = get(base, path)
        if check(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


@pytest.fixture
def editor_user(transactional_db):
    make_roles()
    return make_user(role="Editor")


@pytest.mark.edge
def test_the_edge_keeps_public_pages_and_serves_every_change_within_a_second(
    varnish, live_server, editor_user
):
    section, author, tag, photo = make_section(), make_author(), make_tag(), make_photo()
    article = make_article(
        section=section, authors=[author], tags=[tag], lead_photo=photo, headline="First words"
    )
    url = article.get_absolute_url()

    # Kept at the edge, with a short browser lifetime; the keys stay at the edge.
    status, headers, body = get(varnish, url)
    assert status == 200 and "First words" in body
    assert headers["X-Cache"] == "MISS"
    status, headers, body = get(varnish, url)
    assert headers["X-Cache"] == "HIT"
    assert "xkey" not in headers and "s-maxage" not in headers["Cache-Control"]
    assert "max-age=" in headers["Cache-Control"]
    # What the app tells the edge: the keys of everything the page shows.
    direct = Client().get(url)
    keys = set(direct["xkey"].split())
    assert {
        f"article-{article.pk}",
        f"section-{section.pk}",
        f"author-{author.pk}",
        f"tag-{tag.pk}",
        f"photo-{photo.pk}",
    } <= keys
    assert "s-maxage=3600" in direct["Cache-Control"]
    assert "stale-while-revalidate=" in direct["Cache-Control"]

    # Cookies and tracking parameters do not split or bypass the cache.
    status, headers, _ = get(varnish, url + "?utm_source=x&fbclid=y&gclid=z", {"Cookie": "_ga=1"})
    assert status == 200 and headers["X-Cache"] == "HIT"
    assert "Set-Cookie" not in headers

    # The home page and the section page, kept too.
    get(varnish, "/")
    get(varnish, section.get_absolute_url())
    assert get(varnish, "/")[1]["X-Cache"] == "HIT"

    # An edit of the published article.
    article.refresh_from_db()
    article.headline = "Second words"
    article.save()
    status, headers, body = purged(varnish, url, lambda r: "Second words" in r[2])
    assert "Second words" in body, "the edit did not reach the edge within a second"

    # A correction.
    Correction.objects.create(article=article, text="An earlier version misspelt a name.")
    *_, body = purged(varnish, url, lambda r: "misspelt a name" in r[2])
    assert "misspelt a name" in body

    # A new story published through the workflow reaches the home page and its section.
    draft = make_article(section=section, authors=[author], status=Status.REVIEW, headline="Fresh")
    transition(draft, "publish", by=editor_user)
    *_, body = purged(varnish, "/", lambda r: "Fresh" in r[2])
    assert "Fresh" in body
    assert "Fresh" in get(varnish, section.get_absolute_url())[2]

    # A section renamed: every page with the menu, the article's included.
    section.name = "Renamed desk"
    section.save()
    *_, body = purged(varnish, url, lambda r: "Renamed desk" in r[2])
    assert "Renamed desk" in body
    assert "Renamed desk" in get(varnish, "/")[2]

    # An author renamed, a photo's credit edited.
    author.name = "Jo Renamed"
    author.save()
    *_, body = purged(varnish, url, lambda r: "Jo Renamed" in r[2])
    assert "Jo Renamed" in body
    photo.credit_line = "New Credit / Wire"
    photo.save()
    *_, body = purged(varnish, url, lambda r: "New Credit" in r[2])
    assert "New Credit" in body

    # Taken down: 410 at the edge, and gone from the lists.
    article.refresh_from_db()
    transition(article, "take_down", by=editor_user, comment="Legal")
    status, *_ = purged(varnish, url, lambda r: r[0] == 410)
    assert status == 410
    assert "Second words" not in get(varnish, "/")[2]

    # Every purge ran once, successfully.
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


@pytest.mark.edge
def test_staff_previews_and_the_admin_are_never_kept(varnish, live_server, editor_user):
    article = make_article(headline="Staff view")
    client = Client()
    client.force_login(editor_user)
    session = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    for path in (article.get_absolute_url(), f"/preview/{article.pk}/", "/admin/"):
        for _ in range(2):
            status, headers, _body = get(varnish, path, session)
            assert status == 200, path
            assert headers["X-Cache"] == "MISS", path
            assert "private" in headers["Cache-Control"] or "no-cache" in headers.get(
                "Cache-Control", ""
            ), path
    # A staff visit leaves nothing for readers: their first request is a miss.
    status, headers, _ = get(varnish, article.get_absolute_url())
    assert status == 200 and headers["X-Cache"] == "MISS"
    # Previews never cached, even asked for without a session (a 404 then, not kept).
    for _ in range(2):
        status, headers, _ = get(varnish, f"/preview/{article.pk}/")
        assert headers["X-Cache"] == "MISS"


@pytest.mark.edge
def test_a_scheduled_story_is_on_the_edge_when_it_is_due(varnish, live_server, editor_user):
    """The edge is not purged at the scheduled time: the page's s-maxage is capped at it,
    with no grace, so the edge fetches the page anew when the story is due."""
    section = make_section()
    make_article(section=section, headline="Already out")
    due = timezone.now() + timedelta(seconds=3)
    make_article(section=section, headline="Scheduled story", published_at=due)
    direct = Client().get("/")
    cache_control = direct["Cache-Control"]
    s_maxage = int(cache_control.split("s-maxage=")[1].split(",")[0])
    assert s_maxage <= 3
    assert "stale-while-revalidate" not in cache_control
    status, headers, body = get(varnish, "/")
    assert "Already out" in body and "Scheduled story" not in body
    assert get(varnish, "/")[1]["X-Cache"] == "HIT"
    time.sleep(max(0, (due - timezone.now()).total_seconds()))
    deadline = time.monotonic() + 1.5
    while "Scheduled story" not in body and time.monotonic() < deadline:
        time.sleep(0.05)
        body = get(varnish, "/")[2]
    assert "Scheduled story" in body


# Without a varnishd: what is purged, and an edge that cannot be reached.


@database_tasks_only
@pytest.mark.django_db(transaction=True)
def test_an_unreachable_edge_never_fails_the_save_and_the_purge_is_retried(settings):
    settings.EDGE_CACHE_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.TASK_RETRY_FIRST_DELAY = 3600
    article = make_article()
    article.headline = "Saved anyway"
    article.save()
    assert Article.objects.get(pk=article.pk).headline == "Saved anyway"
    run_worker()
    purges = DBTaskResult.objects.filter(task_path="articles.edge.purge_edge")
    failed, retries = purges.filter(status="FAILED"), purges.filter(status="READY")
    assert failed.exists()
    # Each failed purge is queued again, later, with the keys it had to purge.
    assert retries.count() == failed.count()
    assert all(r.run_after and r.run_after > timezone.now() for r in retries)
    assert any(f"article-{article.pk}" in r.args_kwargs["kwargs"]["keys"] for r in retries)


@pytest.mark.django_db(transaction=True)
def test_a_publication_purges_its_lists_not_the_archive(settings):
    settings.EDGE_CACHE_URL = "http://127.0.0.1:9"  # never reached: the keys are read
    section, author, tag = make_section(), make_author(), make_tag()
    article = make_article(section=section, authors=[author], tags=[tag])
    keys = edge.article_keys([article.pk])
    assert keys == {
        f"article-{article.pk}",
        f"section-{section.pk}-list",
        f"author-{author.pk}-list",
        f"tag-{tag.pk}-list",
        "home",
        "feed",
        "sitemap",
        "missing",
    }
    # A draft is on no list: its own key, and the feeds and sitemaps only.
    draft = make_article(status=Status.DRAFT)
    assert edge.article_keys([draft.pk]) == {f"article-{draft.pk}", "feed", "sitemap"}


@database_tasks_only
@pytest.mark.django_db(transaction=True)
def test_one_transaction_enqueues_one_purge_and_a_rollback_none(settings):
    from django.db import transaction

    settings.EDGE_CACHE_URL = "http://127.0.0.1:9"
    purges = DBTaskResult.objects.filter(task_path="articles.edge.purge_edge")
    with transaction.atomic():
        article = make_article()
        Correction.objects.create(article=article, text="Fixed.")
    assert purges.count() == 1
    kwargs = purges.get().args_kwargs["kwargs"]
    assert f"article-{article.pk}" in kwargs["keys"]
    purges.delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article()
        raise RuntimeError
    assert purges.count() == 0


@database_tasks_only
@pytest.mark.django_db(transaction=True)
def test_no_edge_no_purges(settings):
    settings.EDGE_CACHE_URL = ""
    make_article()
    assert not DBTaskResult.objects.filter(task_path="articles.edge.purge_edge").exists()
