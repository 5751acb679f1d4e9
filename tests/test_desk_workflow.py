"""An editor's one step: a draft published (or scheduled) directly, audited as such;
writers never publish, by any path."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, AuditEntry, Status
from tests.factories import change_url, form_data, make_article, make_section, post_change

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def new_story(client, **changes):
    page = client.get(ADD)
    data = form_data(
        page,
        headline="Ferry strike ends",
        slug="ferry-strike-ends",
        section=make_section().pk,
        body="<p>Boats run again.</p>",
        **changes,
    )
    return page, client.post(ADD, data)


def test_editor_publishes_a_new_article_in_one_click(editor_client, editor):
    page, response = new_story(editor_client, _transition="publish_direct")
    assert b'value="publish_direct"' in page.content
    assert response.status_code == 302
    article = Article.objects.get(slug="ferry-strike-ends")
    assert article.status == Status.PUBLISHED and article.is_public
    entry = AuditEntry.objects.get(article_id=article.pk)
    assert (entry.action, entry.from_status, entry.to_status, entry.actor) == (
        "publish_direct",
        Status.DRAFT,
        Status.PUBLISHED,
        editor,
    )
    assert entry.comment == "Published directly by an editor, without review."


def test_editor_schedules_a_new_article_with_the_one_date_field(editor_client):
    when = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    _, response = new_story(
        editor_client,
        _transition="publish_direct",
        publish_at_0=when.strftime("%Y-%m-%d"),
        publish_at_1=when.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="ferry-strike-ends")
    assert article.is_scheduled and article.published_at == when


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_before_publication_the_form_offers_one_date_the_publish_button_reads(
    editor_client, status
):
    # A second "Publication date" field was shown beside "Publish at"; a future date typed
    # there was dropped by "Publish now", which published the story at once.
    story = make_article(status=status, headline="Ferry strike ends")
    page = editor_client.get(change_url(story)).content.decode()
    assert 'name="publish_at_0"' in page
    assert 'name="published_at_0"' not in page
    later = timezone.localtime(timezone.now() + timedelta(days=30))
    post_change(
        editor_client,
        story,
        published_at_0=later.strftime("%Y-%m-%d"),
        published_at_1=later.strftime("%H:%M:%S"),
    )
    story.refresh_from_db()
    assert story.published_at is None  # a forged date is not taken either


def test_a_published_story_keeps_its_editable_date(editor_client):
    story = make_article(headline="Live story")
    assert 'name="published_at_0"' in editor_client.get(change_url(story)).content.decode()


def test_editor_publishes_an_existing_draft_directly(editor):
    draft = make_article(status=Status.DRAFT)
    workflow.transition(draft, "publish_direct", by=editor)
    assert draft.status == Status.PUBLISHED


def test_writer_never_publishes_directly(client, writer):
    client.force_login(writer)
    page, response = new_story(client, _transition="publish_direct")
    assert b'value="publish_direct"' not in page.content
    assert response.status_code == 200  # the form refuses, saying why
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()
    draft = make_article(status=Status.DRAFT, created_by=writer)
    assert not workflow.may(writer, draft, "publish_direct")
    with pytest.raises(PermissionDenied):
        workflow.transition(draft, "publish_direct", by=writer)


def test_operators_route_still_goes_through_review():
    # The editors' short cut is not the import's way: it records both steps.
    assert workflow.route(Status.DRAFT, Status.PUBLISHED) == ["submit", "publish"]


def test_existing_draft_offers_the_editor_publish_now(editor_client):
    draft = make_article(status=Status.DRAFT)
    page = editor_client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert b'value="publish_direct"' in page.content
    assert page.context["can_schedule"]
