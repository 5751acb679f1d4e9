"""Knowing where a story is: a sent-back story says so in the list, and the editor's
comment opens its form."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Status
from tests.factories import change_url, make_article

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")


def sent_back_story(writer, editor):
    article = make_article(status=Status.DRAFT, created_by=writer, authors=[writer.author_profile])
    workflow.transition(article, "submit", by=writer)
    workflow.transition(article, "send_back", by=editor, comment="Name the second source.")
    return article


def test_list_marks_sent_back_stories(writer_client, writer, editor):
    sent_back_story(writer, editor)
    make_article(status=Status.DRAFT, created_by=writer, authors=[writer.author_profile])
    page = writer_client.get(LIST)
    assert page.content.count(b"status-sent-back") == 1
    assert b">Sent back<" in page.content


def test_comment_is_at_the_top_of_the_form(writer_client, writer, editor):
    article = sent_back_story(writer, editor)
    page = writer_client.get(change_url(article))
    html = page.content.decode()
    assert "Name the second source." in html
    assert html.index('id="desk-sent-back"') < html.index('id="article_form"') + 2000
    assert html.index('id="desk-sent-back"') < html.index('name="headline"')


def test_resubmitted_story_is_no_longer_marked(writer_client, writer, editor):
    article = sent_back_story(writer, editor)
    workflow.transition(article, "submit", by=writer)
    page = writer_client.get(LIST)
    assert b"status-sent-back" not in page.content
    assert b'id="desk-sent-back"' not in writer_client.get(change_url(article)).content
