"""Workflow e-mail, sent through Django's in-memory outbox once the step has committed."""

import pytest
from django.core import mail
from django.db import transaction

from articles import workflow
from articles.models import Status
from tests.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


@pytest.fixture
def people():
    writer = make_user("wanda", role="Writer", email="wanda@example.org")
    byline = make_user("bea", role="Writer", email="bea@example.org")
    editor = make_user("ed", role="Editor", email="ed@example.org")
    other_editor = make_user("eve", role="Editor", email="eve@example.org")
    make_user("walt", role="Writer", email="walt@example.org")  # not on this article
    return writer, byline, editor, other_editor


def article_by(writer, byline_user, status):
    return make_article(
        status=status, created_by=writer, authors=[make_author(user=byline_user), make_author()]
    )


def test_submit_emails_every_editor_after_commit(
    people, outbox, django_capture_on_commit_callbacks
):
    writer, byline, editor, other_editor = people
    article = article_by(writer, byline, Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.transition(article, "submit", by=writer)
        assert outbox == []  # nothing leaves before the commit
    # The mail waited for the commit, registered once (the page cache's refresh waits too).
    assert len([c for c in callbacks if c.__module__ == "articles.workflow"]) == 1
    assert sorted(m.to[0] for m in outbox) == ["ed@example.org", "eve@example.org"]
    assert outbox[0].subject == f"Submitted for review: {article.headline}"
    assert f"/admin/articles/article/{article.pk}/change/" in outbox[0].body


def test_send_back_emails_the_writers_with_the_editors_comment(
    people, outbox, django_capture_on_commit_callbacks
):
    writer, byline, editor, _ = people
    article = article_by(writer, byline, Status.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, "send_back", by=editor, comment="Second source, please.")
    assert sorted(m.to[0] for m in outbox) == ["bea@example.org", "wanda@example.org"]
    assert "Second source, please." in outbox[0].body


def test_publish_emails_the_writers_but_not_the_editor_who_did_it(
    people, outbox, django_capture_on_commit_callbacks
):
    writer, byline, editor, _ = people
    editor_author = make_author(user=editor)
    article = article_by(writer, byline, Status.REVIEW)
    article.bylines.create(author=editor_author, position=5)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(article, "publish", by=editor)
    assert sorted(m.to[0] for m in outbox) == ["bea@example.org", "wanda@example.org"]
    assert outbox[0].subject == f"Published: {article.headline}"


def test_rolled_back_transition_sends_nothing(people, outbox, django_capture_on_commit_callbacks):
    writer, byline, _, _ = people
    article = article_by(writer, byline, Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                workflow.transition(article, "submit", by=writer)
                raise RuntimeError("the surrounding save failed")
        except RuntimeError:
            pass
    assert outbox == []


def test_import_moves_send_no_mail(people, outbox, django_capture_on_commit_callbacks):
    writer, byline, _, _ = people
    article = article_by(writer, byline, Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move_to(article, Status.PUBLISHED)
    assert article.status == Status.PUBLISHED
    assert outbox == []
