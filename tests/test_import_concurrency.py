"""An import running while editors work, on two real database connections.

The import writes through the desk's optimistic version lock: it reads the articles of
a batch first and writes them later, so an editor's take-down or save committed in
between must win, and the import must say it kept the article. An editor acting after
the import has claimed the row waits for it (PostgreSQL's row lock) and then acts on
what the import wrote. Only PostgreSQL runs the threaded tests: SQLite allows one
writer at a time, which would prove nothing.
"""

import threading
import time

import pytest
from django.db import connections, transaction
from reversion.models import Version

from articles import workflow
from articles.importers import writer
from articles.models import Article, Status
from tests.conftest import run_import
from tests.factories import change_url, form_data, make_roles, make_user

STORY = """\
Harbour Council Approves Night Ferry
Written on 03/02/2026
Ana Ruiz and Li Wei

The council voted on Tuesday to run a ferry after midnight.

{extra}
"""


def story_file(tmp_path, extra="The first crossing is planned for April."):
    path = tmp_path / "night-ferry.txt"
    path.write_text(STORY.format(extra=extra), encoding="utf-8")
    return path


def in_another_connection(action, *, wait=True):
    """Run ``action`` in a thread of its own (so on a connection of its own), committed."""
    outcome = {}

    def run():
        try:
            with transaction.atomic():
                outcome["value"] = action()
        except Exception as error:  # the test reads it
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    if wait:
        thread.join(timeout=30)
    return thread, outcome


def interleave(monkeypatch, action, *, wait=True):
    """Run ``action`` on another connection once, right before the import claims the
    article it read: the moment a real editor could slip in."""
    real_claim = writer.claim_edit
    started = []

    def claim_after_the_editor(article, **kwargs):
        if not started:
            started.append(in_another_connection(action, wait=wait))
        return real_claim(article, **kwargs)

    monkeypatch.setattr(writer, "claim_edit", claim_after_the_editor)
    return started


def take_down(pk, editor):
    copy = Article.objects.get(pk=pk)
    return workflow.transition(copy, "take_down", by=editor, comment="Legal asked us to.")


@pytest.fixture
def published(tmp_path):
    make_roles()
    _out, err, failed = run_import(story_file(tmp_path), status="published")
    assert failed is None, err
    return Article.objects.get()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_take_down_between_the_imports_read_and_write_wins(tmp_path, monkeypatch, published):
    editor = make_user(role="Editor")
    interleave(monkeypatch, lambda: take_down(published.pk, editor))

    out, err, failed = run_import(story_file(tmp_path, "New text."), status="published")

    assert failed is None, err
    assert "skipped" in out and writer.CHANGED_SINCE_READ in out
    stored = Article.objects.get()
    assert stored.status == Status.ARCHIVED
    assert stored.version == published.version + 1  # the take-down's, never set back
    assert "New text." not in stored.body
    assert list(stored.audit_entries.values_list("action", flat=True))[-1] == "take_down"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_take_down_after_the_import_claimed_the_article_waits_and_then_wins(
    tmp_path, monkeypatch, published
):
    editor = make_user(role="Editor")
    real_write_related = writer.write_related
    threads = []

    def editor_clicks_while_the_import_writes(*args, **kwargs):
        if not threads:
            threads.append(
                in_another_connection(lambda: take_down(published.pk, editor), wait=False)
            )
            time.sleep(0.5)  # the editor's UPDATE is now waiting on the import's row lock
        return real_write_related(*args, **kwargs)

    monkeypatch.setattr(writer, "write_related", editor_clicks_while_the_import_writes)
    out, err, failed = run_import(story_file(tmp_path, "New text."), status="published")
    thread, outcome = threads[0]
    thread.join(timeout=30)

    assert failed is None, err
    assert "error" not in outcome, outcome
    stored = Article.objects.get()
    # The import's text landed, then the take-down: nothing was lost, nothing came back.
    assert "New text." in stored.body
    assert stored.status == Status.ARCHIVED
    assert stored.version == published.version + 2
    assert list(stored.audit_entries.values_list("action", flat=True))[-1] == "take_down"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_editors_save_between_the_imports_read_and_write_is_kept(
    tmp_path, monkeypatch, published
):
    editor = make_user(role="Editor")

    def editor_saves():
        copy = Article.objects.get(pk=published.pk)
        workflow.claim_edit(copy, expected_version=published.version, by=editor)
        copy.headline = "The desk's headline"
        copy.save()

    interleave(monkeypatch, editor_saves)
    out, err, failed = run_import(story_file(tmp_path, "New text."), status="published")

    assert failed is None, err
    assert writer.CHANGED_SINCE_READ in out
    stored = Article.objects.get()
    assert stored.headline == "The desk's headline" and "New text." not in stored.body
    assert stored.version == published.version + 1
    assert stored.status == Status.PUBLISHED


@pytest.mark.django_db
def test_an_import_makes_a_revision_keeps_unchanged_bylines_and_bumps_the_version(
    tmp_path, published, client
):
    editor = make_user("ed", role="Editor")
    client.force_login(editor)
    page = client.get(change_url(published))  # the editor's form is open
    bylines = list(published.bylines.order_by("position").values_list("pk", flat=True))

    out, err, failed = run_import(story_file(tmp_path, "New text."), status="published")

    assert failed is None, err and "1 updated" in out
    stored = Article.objects.get()
    assert "New text." in stored.body and stored.status == Status.PUBLISHED
    assert stored.version == published.version + 1
    assert list(stored.bylines.order_by("position").values_list("pk", flat=True)) == bylines
    revision = Version.objects.get_for_object(stored).first()
    assert revision is not None and "import" in revision.revision.get_comment()
    assert "New text." in revision.field_dict["body"]
    # The editor's form, opened before the import, is refused by the version lock with
    # a message saying so, not a form error without a field.
    response = client.post(change_url(published), form_data(page, headline="Ed's headline"))
    html = response.content.decode()
    assert "saved this article at" in html and "Ed&#x27;s headline" in html
    assert Article.objects.get().headline == "Harbour Council Approves Night Ferry"


@pytest.mark.django_db
def test_an_import_never_moves_the_status_or_the_version_back(tmp_path, published):
    editor = make_user(role="Editor")
    workflow.transition(published, "unpublish", by=editor, comment="Held for legal.")
    version = Article.objects.get().version
    out, err, failed = run_import(story_file(tmp_path, "New text."), status="published")
    assert failed is None, err
    stored = Article.objects.get()
    assert stored.status == Status.DRAFT and stored.version >= version
    assert stored.audit_entries.filter(action="publish").count() == 1  # the first import
