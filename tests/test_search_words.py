"""The "Did you mean" vocabulary follows publication: a publication asks a task to refresh
it, at most once per ``search.WORDS_REFRESH_DELAY``, and a real worker runs it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import search, workflow
from articles.models import Status
from tests.conftest import database_tasks_only
from tests.factories import make_article, make_roles, make_user, run_worker

# The worker closes and reopens its connection between tasks: transactional tests.
pytestmark = [
    pytest.mark.postgres,
    database_tasks_only,
    pytest.mark.django_db(transaction=True),
]


def _refreshes():
    return DBTaskResult.objects.filter(task_path="articles.search.refresh_words")


def test_a_newly_published_word_is_suggested_once_the_worker_ran(monkeypatch):
    make_roles()  # an earlier transactional test may have flushed the migration's groups
    monkeypatch.setattr(search, "WORDS_REFRESH_DELAY", timedelta(0))
    story = make_article(headline="Fjord sensors record a warm winter", status=Status.REVIEW)
    # Not public yet: no refresh is asked for, and its words are not suggested.
    assert not _refreshes().exists()
    run_worker()
    assert search.suggestion("fjrod") == ""
    workflow.transition(story, "publish", by=make_user(role="Editor"))
    assert search.suggestion("fjrod") == ""  # until the worker has run the refresh
    run_worker()
    assert search.suggestion("fjrod") == "fjord"
    assert _refreshes().get().status == "SUCCESSFUL"


def test_publications_ask_for_one_refresh_per_delay():
    before = timezone.now()
    make_article(headline="Fjord sensors record a warm winter")
    make_article(headline="Glacier retreats a kilometre")
    (refresh,) = _refreshes()
    assert refresh.status == "READY"
    assert refresh.run_after >= before + search.WORDS_REFRESH_DELAY
    # Not due yet: a worker leaves it, and the words wait for it.
    run_worker()
    assert _refreshes().get().status == "READY"
    assert search.suggestion("glaicer") == ""
    # Once it has started, the next publication asks for the next one.
    DBTaskResult.objects.filter(pk=refresh.pk).update(run_after=timezone.now())
    run_worker()
    assert search.suggestion("glaicer") == "glacier"
    make_article(headline="Harbour dredging begins")
    assert _refreshes().filter(status="READY").count() == 1


def test_a_scheduled_storys_words_are_not_suggested_before_its_time():
    from io import StringIO

    from django.core.management import call_command

    make_article(
        headline="Fjord sensors record a warm winter",
        published_at=timezone.now() + timedelta(days=1),
    )
    call_command("refresh_search_words", stdout=StringIO())
    assert search.suggestion("fjrod") == ""


def test_scheduling_a_story_asks_for_a_refresh_at_its_time():
    # It goes public at its time with no write to ask then: the refresh is asked for now.
    going_live = timezone.now() + timedelta(days=1)
    make_article(headline="Fjord sensors record a warm winter", published_at=going_live)
    assert sorted(_refreshes().values_list("run_after", flat=True))[-1] == going_live
