"""The admin's start page: the review queue, scheduled stories, my drafts, my stories by
state (writers), published today; a fixed number of queries however many stories."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:index")


def lists(response):
    return {
        name: [a.headline for a in response.context[name]]
        for name in (
            "review_queue",
            "scheduled",
            "my_drafts",
            "my_in_review",
            "my_published",
            "published_today",
        )
        if name in response.context
    }


def test_editor_dashboard(editor_client, editor, writer):
    now = timezone.now()
    make_article(status=Status.REVIEW, headline="Waiting")
    make_article(headline="Tomorrow's", published_at=now + timedelta(days=1))
    make_article(headline="Out today", published_at=now - timedelta(minutes=5))
    make_article(headline="Last year", published_at=now - timedelta(days=365))
    make_article(status=Status.DRAFT, headline="Editor's draft", created_by=editor)
    make_article(status=Status.DRAFT, headline="Someone else's draft", created_by=writer)
    response = editor_client.get(DASHBOARD)
    assert response.status_code == 200
    assert lists(response) == {
        "review_queue": ["Waiting"],
        "scheduled": ["Tomorrow's"],
        "my_drafts": ["Editor's draft"],
        "published_today": ["Out today"],
    }
    html = response.content.decode()
    assert reverse("desk:front") in html and reverse("admin:articles_article_add") in html


def test_writer_sees_own_stories_by_state_with_sent_back(client, writer, editor):
    client.force_login(writer)
    mine = {"created_by": writer, "authors": [writer.author_profile]}
    back = make_article(status=Status.DRAFT, headline="Sent back one", **mine)
    workflow.transition(back, "submit", by=writer)
    workflow.transition(back, "send_back", by=editor, comment="Needs a source")
    make_article(status=Status.REVIEW, headline="In review one", **mine)
    make_article(headline="Published one", **mine)
    make_article(status=Status.REVIEW, headline="Not mine")
    response = client.get(DASHBOARD)
    assert lists(response) == {
        "my_drafts": ["Sent back one"],
        "my_in_review": ["In review one"],
        "my_published": ["Published one"],
        "published_today": ["Published one"],
    }
    assert "Sent back" in response.content.decode()
    assert reverse("desk:front") not in response.content.decode()


def test_a_writers_published_stories_show_their_date_not_only_a_weekday(client, writer):
    # "Thu 12:00" for a story of last May read as this week's.
    client.force_login(writer)
    when = timezone.localtime(timezone.now() - timedelta(days=200))
    make_article(headline="Old one", published_at=when, created_by=writer)
    html = client.get(DASHBOARD).content.decode()
    assert when.strftime("%b %-d %H:%M") in html
    assert "The Daily Ledger desk" in html  # named for the outlet, not the framework


@pytest.mark.parametrize("stories", [1, 15])
def test_dashboard_queries_do_not_grow_with_stories(editor_client, editor, stories):
    for n in range(stories):
        make_article(status=Status.REVIEW, headline=f"Review {n}")
        make_article(status=Status.DRAFT, headline=f"Draft {n}", created_by=editor)
        make_article(headline=f"Today {n}", published_at=timezone.now() - timedelta(minutes=n))
    editor_client.get(DASHBOARD)  # the session and permissions warm
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(DASHBOARD).status_code == 200
    # session, user, permissions, the four lists
    assert len(queries) <= 8, [q["sql"] for q in queries]
