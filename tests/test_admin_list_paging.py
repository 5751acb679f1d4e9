"""The article list at an archive's size: a page past the first is found by key and still
shows what the desk adds to each row, and a search is counted only as far as it is read."""

import pytest
from django.urls import reverse

from articles import workflow
from articles.admin.changelist import CappedPaginator
from articles.models import Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")


def test_a_sent_back_story_is_marked_on_a_list_of_several_pages(editor_client, editor, writer):
    for _ in range(40):  # more than a page
        make_article(status=Status.DRAFT)
    # The newest draft, so on the first page.
    story = make_article(status=Status.DRAFT, created_by=writer, headline="Sent back one")
    workflow.transition(story, "submit", by=writer)
    workflow.transition(story, "send_back", by=editor, comment="Name the second source.")
    response = editor_client.get(LIST, {"state": "draft"})
    cl = response.context["cl"]
    assert cl.multi_page
    assert story.pk in [a.pk for a in cl.result_list]
    assert response.content.count(b">Sent back<") == 1


def test_a_search_is_counted_up_to_its_own_cap(editor_client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "SEARCH_CAP", 3)
    for _ in range(5):
        make_article()
    assert "5 articles" in editor_client.get(LIST).content.decode()
    searched = editor_client.get(LIST, {"q": "Headline"})
    assert "more than 3 results" in searched.content.decode()
    # The pages up to the cap stay reachable.
    assert len(searched.context["cl"].result_list) == 5


def test_thirty_rows_to_a_page(editor_client):
    for _ in range(31):
        make_article()
    cl = editor_client.get(LIST).context["cl"]
    assert len(cl.result_list) == 30 and cl.paginator.num_pages == 2
