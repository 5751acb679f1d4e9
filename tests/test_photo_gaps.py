"""Editors are warned, never stopped, when a story they submit or publish has photos
without alt text or a credit."""

import pytest
from django.contrib.messages import get_messages

from articles.models import Status
from tests.factories import make_article, make_photo, post_change

pytestmark = pytest.mark.django_db


def test_photo_gaps_name_the_missing_alt_text_and_credit():
    lead = make_photo(alt_text="", credit_line="")
    inline = make_photo(title="Harbour at dawn", alt_text="Boats at dawn", credit_line="")
    fine = make_photo()
    article = make_article(
        lead_photo=lead,
        body=f'<figure data-photo="{inline.pk}"></figure><figure data-photo="{fine.pk}"></figure>',
    )
    assert article.photo_gaps() == [
        "the lead photo lacks alt text and a credit",
        "photo “Harbour at dawn” lacks a credit",
    ]


def test_the_articles_own_lead_alt_text_counts():
    article = make_article(lead_photo=make_photo(alt_text=""), lead_alt="A ferry at the quay")
    assert article.photo_gaps() == []


def test_publishing_a_story_with_gaps_warns_the_editor_and_still_publishes(client, editor):
    client.force_login(editor)
    article = make_article(status=Status.REVIEW, lead_photo=make_photo(alt_text=""))
    response = post_change(client, article, _transition="publish")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    warnings = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == ["Before readers see it: the lead photo lacks alt text."]


def test_publishing_a_story_with_complete_photos_gives_no_warning(client, editor):
    client.force_login(editor)
    article = make_article(status=Status.REVIEW, lead_photo=make_photo())
    response = post_change(client, article, _transition="publish")
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
