"""Editing a live story: "Update now" or pending changes kept beside it, shown in preview
and history, published later through the workflow under the version lock."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles import workflow
from articles.models import Article, AuditEntry, Status
from desk.models import PendingChange
from tests.factories import change_url, form_data, make_article, post_change

pytestmark = pytest.mark.django_db


def save_pending(client, article, **changes):
    page = client.get(change_url(article))
    assert page.context["can_save_pending"]
    return client.post(change_url(article), form_data(page, _save_pending="1", **changes))


def test_pending_changes_stay_off_the_live_page_until_published(
    editor_client, client, django_capture_on_commit_callbacks
):
    live = make_article(headline="Mayor resigns", body="<p>First version.</p>")
    version = live.version
    response = save_pending(editor_client, live, headline="Mayor resigns after vote")
    assert response.status_code == 302
    pending = PendingChange.objects.get(article=live)
    assert pending.values == {"headline": "Mayor resigns after vote"}
    assert pending.base_version == version
    stored = Article.objects.get(pk=live.pk)
    assert (stored.headline, stored.version) == ("Mayor resigns", version)
    # Readers: the published text.
    assert b"Mayor resigns after vote" not in client.get(live.get_absolute_url()).content
    # The desk: in preview, in history, and in the form.
    preview = editor_client.get(reverse("articles:preview", args=[live.pk]))
    assert b"Mayor resigns after vote" in preview.content
    entry = AuditEntry.objects.filter(article_id=live.pk).last()
    assert (entry.action, entry.comment) == ("pending_changes", "Pending changes saved: headline.")
    page = editor_client.get(change_url(live))
    assert page.context["adminform"].form.initial["headline"] == "Mayor resigns after vote"
    assert b"Publish pending changes" in page.content

    # One action publishes them.
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("desk:pending_publish", args=[live.pk]))
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.headline == "Mayor resigns after vote" and stored.version == version + 1
    assert stored.status == Status.PUBLISHED
    assert not PendingChange.objects.exists()
    assert AuditEntry.objects.filter(article_id=live.pk).last().action == "publish_changes"
    assert b"Mayor resigns after vote" in client.get(stored.get_absolute_url()).content


def test_update_now_changes_the_live_story(editor_client):
    live = make_article(headline="Storm warning")
    assert post_change(editor_client, live, headline="Storm warning lifted").status_code == 302
    assert Article.objects.get(pk=live.pk).headline == "Storm warning lifted"
    assert not PendingChange.objects.exists()


def test_publishing_stale_pending_changes_is_refused(editor_client, editor):
    live = make_article(headline="Budget passes")
    save_pending(editor_client, live, headline="Budget passes narrowly")
    # Someone else saves the live story in between (an import's update, say).
    current = Article.objects.get(pk=live.pk)
    workflow.claim_edit(current, expected_version=current.version, by=None)
    current.dek = "A new standfirst"
    current.save()
    response = editor_client.post(reverse("desk:pending_publish", args=[live.pk]))
    assert "Not published" in " ".join(m.message for m in get_messages(response.wsgi_request))
    assert Article.objects.get(pk=live.pk).headline == "Budget passes"
    assert PendingChange.objects.exists()


def test_update_now_publishes_the_pending_text_shown_in_the_form(editor_client):
    live = make_article(headline="Budget passes")
    save_pending(editor_client, live, headline="Budget passes narrowly")
    post_change(editor_client, live, dek="A new standfirst")
    stored = Article.objects.get(pk=live.pk)
    assert (stored.headline, stored.dek) == ("Budget passes narrowly", "A new standfirst")
    assert not PendingChange.objects.exists()


def test_writers_cannot_publish_or_save_pending_changes(client, writer, editor_client):
    live = make_article(created_by=writer, authors=[writer.author_profile])
    save_pending(editor_client, live, headline="Pending headline")
    client.force_login(writer)
    assert client.post(reverse("desk:pending_publish", args=[live.pk])).status_code == 403
    assert client.post(reverse("desk:pending_discard", args=[live.pk])).status_code == 403
    assert PendingChange.objects.exists()


def test_discard_keeps_the_live_story(editor_client):
    live = make_article(headline="Bridge closed")
    save_pending(editor_client, live, headline="Bridge reopened")
    editor_client.post(reverse("desk:pending_discard", args=[live.pk]))
    assert not PendingChange.objects.exists()
    assert Article.objects.get(pk=live.pk).headline == "Bridge closed"
