"""Workflow e-mail: written once the step has committed, sent by a task worker, once.

Sent through Django's in-memory outbox. Transactional, because the worker closes and
reopens its connection between tasks, as a real one does.
"""

import time

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from articles import notifications, workflow
from articles.models import SentMail, Status
from tests.factories import make_article, make_author, make_roles, make_user, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


@pytest.fixture
def people():
    make_roles()
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


def test_submit_emails_every_editor_from_the_worker(people, outbox):
    writer, byline, editor, other_editor = people
    article = article_by(writer, byline, Status.DRAFT)
    workflow.transition(article, "submit", by=writer)
    assert outbox == []  # the writer's click does not wait for a mail server
    run_worker()
    # One message each: a mail registered twice would reach every editor twice.
    assert sorted(m.to[0] for m in outbox) == ["ed@example.org", "eve@example.org"]
    assert outbox[0].subject == f"Submitted for review: {article.headline}"
    assert f"/admin/articles/article/{article.pk}/change/" in outbox[0].body


def test_send_back_emails_the_writers_with_the_editors_comment(people, outbox):
    writer, byline, editor, _ = people
    article = article_by(writer, byline, Status.REVIEW)
    workflow.transition(article, "send_back", by=editor, comment="Second source, please.")
    run_worker()
    assert sorted(m.to[0] for m in outbox) == ["bea@example.org", "wanda@example.org"]
    assert "Second source, please." in outbox[0].body


def test_publish_emails_the_writers_but_not_the_editor_who_did_it(people, outbox):
    writer, byline, editor, _ = people
    editor_author = make_author(user=editor)
    article = article_by(writer, byline, Status.REVIEW)
    article.bylines.create(author=editor_author, position=5)
    workflow.transition(article, "publish", by=editor)
    run_worker()
    assert sorted(m.to[0] for m in outbox) == ["bea@example.org", "wanda@example.org"]
    assert outbox[0].subject == f"Published: {article.headline}"


def test_rolled_back_transition_sends_nothing(people, outbox):
    writer, byline, _, _ = people
    article = article_by(writer, byline, Status.DRAFT)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.transition(article, "submit", by=writer)
        raise RuntimeError("the surrounding save failed")
    run_worker()
    assert outbox == [] and not SentMail.objects.exists()


def test_import_moves_send_no_mail(people, outbox):
    writer, byline, _, _ = people
    article = article_by(writer, byline, Status.DRAFT)
    workflow.move_to(article, Status.PUBLISHED)
    run_worker()
    assert article.status == Status.PUBLISHED
    assert outbox == []


def test_a_mail_task_run_again_sends_nothing_twice(people, outbox):
    writer, byline, _, _ = people
    article = article_by(writer, byline, Status.DRAFT)
    workflow.transition(article, "submit", by=writer)
    run_worker()
    sent = sorted(m.to[0] for m in outbox)
    assert sent == ["ed@example.org", "eve@example.org"]
    # The same task again, as after a worker died before recording it finished.
    key = f"article-{article.pk}-v{article.version}-submit"
    notifications.send_workflow_mail.enqueue(key, "Again", "Body", addresses=sent)
    run_worker()
    assert sorted(m.to[0] for m in outbox) == sent


def test_a_message_whose_sending_was_cut_short_is_not_sent_again(people, outbox, caplog):
    # A worker died between recording the message and sending it: maybe it left.
    SentMail.objects.create(key="article-1-v3-submit", recipient="ed@example.org", subject="S")
    notifications.send_workflow_mail.enqueue(
        "article-1-v3-submit", "S", "Body", addresses=["ed@example.org", "eve@example.org"]
    )
    run_worker()
    assert [m.to for m in outbox] == [["eve@example.org"]]
    assert "cut short" in caplog.text


@override_settings(TASK_MAX_ATTEMPTS=2, TASK_RETRY_FIRST_DELAY=1)
def test_a_mail_server_that_refuses_is_tried_again_later_and_each_mail_leaves_once(people, outbox):
    writer, byline, _, _ = people
    article = article_by(writer, byline, Status.DRAFT)
    # Nothing listens on port 1: the mail server is down for the first attempt.
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=1,
        EMAIL_TIMEOUT=1,
    ):
        workflow.transition(article, "submit", by=writer)
        run_worker()  # the retry waits a second: not in this run
    assert outbox == [] and not SentMail.objects.exists()
    time.sleep(1.1)
    run_worker()  # the retry, with the mail server back
    assert sorted(m.to[0] for m in outbox) == ["ed@example.org", "eve@example.org"]
