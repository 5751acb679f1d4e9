"""The workflow through the admin views, driven with the test client as a browser would."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, AuditEntry, Status
from tests.factories import (
    change_url,
    form_data,
    make_article,
    make_author,
    make_section,
    make_user,
    post_change,
)

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def own_draft(writer, **fields):
    return make_article(
        status=Status.DRAFT, created_by=writer, authors=[writer.author_profile], **fields
    )


# Writers.


def test_writer_creates_a_draft_and_is_its_creator(client, writer):
    client.force_login(writer)
    page = client.get(ADD)
    section = make_section()
    data = form_data(
        page,
        headline="Harbour reopens",
        slug="harbour-reopens",
        section=section.pk,
        body="<p>Ships are back.</p>",
    )
    data["bylines-0-author"] = writer.author_profile.pk
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    article = Article.objects.get(slug="harbour-reopens")
    assert (article.status, article.created_by, article.published_at) == (
        Status.DRAFT,
        writer,
        None,
    )
    assert [b.author for b in article.bylines.all()] == [writer.author_profile]


def test_writer_submits_own_draft_with_the_button(client, writer):
    article = own_draft(writer)
    client.force_login(writer)
    response = post_change(client, article, headline="Now ready", _transition="submit")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.headline) == (Status.REVIEW, "Now ready")
    assert AuditEntry.objects.get(article=article).actor == writer


def test_change_form_offers_only_the_steps_this_user_may_take(client, writer, editor):
    article = own_draft(writer)
    client.force_login(writer)
    page = client.get(change_url(article)).content.decode()
    assert 'value="submit"' in page
    assert 'value="publish"' not in page

    workflow.transition(article, "submit", by=writer)
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert 'value="publish"' in page and 'value="send_back"' in page
    assert 'value="submit"' not in page and 'value="take_down"' not in page


def test_writer_forged_status_and_dates_are_ignored(client, writer):
    article = own_draft(writer)
    client.force_login(writer)
    later = timezone.now() + timedelta(days=3)
    response = post_change(
        client,
        article,
        headline="Edited",
        status="published",
        published_at_0=later.date().isoformat(),
        published_at_1="10:00:00",
        published_at=later.isoformat(),
        substantive_update_at=later.isoformat(),
        substantive_update="on",
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Edited"  # the allowed part of the edit went through
    assert (article.status, article.published_at, article.substantive_update_at) == (
        Status.DRAFT,
        None,
        None,
    )
    assert not AuditEntry.objects.filter(article=article).exists()


def test_writer_forged_publish_button_is_refused_and_nothing_saved(client, writer):
    article = own_draft(writer)
    before = Article.objects.values().get(pk=article.pk)
    client.force_login(writer)
    response = post_change(client, article, headline="Sneaky", _transition="publish")
    assert response.status_code == 200
    assert "You may not publish this article now." in response.content.decode()
    assert Article.objects.values().get(pk=article.pk) == before
    assert not AuditEntry.objects.exists()


def test_writer_forged_bulk_publish_is_refused(client, writer):
    article = own_draft(writer)
    workflow.transition(article, "submit", by=writer)
    before = Article.objects.values().get(pk=article.pk)
    client.force_login(writer)
    response = client.post(
        LIST, {"action": "publish_selected", "_selected_action": [article.pk]}, follow=True
    )
    assert response.status_code == 200
    assert Article.objects.values().get(pk=article.pk) == before
    assert AuditEntry.objects.filter(article=article).count() == 1  # the submit only
    assert 'value="publish_selected"' not in client.get(LIST).content.decode()


def test_writer_cannot_change_own_article_once_submitted(client, writer):
    article = own_draft(writer)
    client.force_login(writer)
    page = client.get(change_url(article))
    workflow.transition(article, "submit", by=writer)
    response = client.post(change_url(article), form_data(page, headline="Too late"))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).headline != "Too late"


def test_writer_sees_only_own_articles(client, writer):
    mine = own_draft(writer)
    theirs = make_article(status=Status.DRAFT)
    client.force_login(writer)
    listing = client.get(LIST).content.decode()
    assert mine.headline in listing and theirs.headline not in listing
    response = client.get(change_url(theirs))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    response = client.post(change_url(theirs), {"headline": "Hijacked"})
    assert Article.objects.get(pk=theirs.pk).headline != "Hijacked"


def test_byline_author_may_edit_a_draft_someone_else_created(client, writer):
    article = make_article(status=Status.DRAFT, authors=[writer.author_profile])
    client.force_login(writer)
    response = post_change(client, article, dek="A new standfirst")
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).dek == "A new standfirst"


# Editors.


def test_send_back_without_a_comment_is_refused_and_nothing_saved(client, writer, editor):
    article = own_draft(writer)
    workflow.transition(article, "submit", by=writer)
    client.force_login(editor)
    response = post_change(client, article, headline="Changed", _transition="send_back")
    assert response.status_code == 200
    assert "Send back to writer needs a comment" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.REVIEW and article.headline != "Changed"


def test_editor_sends_back_with_a_comment_shown_in_history(client, writer, editor):
    article = own_draft(writer)
    workflow.transition(article, "submit", by=writer)
    client.force_login(editor)
    response = post_change(
        client, article, _transition="send_back", workflow_comment="Needs a second source."
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    page = client.get(change_url(article)).content.decode()
    assert "Needs a second source." in page


def test_editor_schedules_and_the_list_shows_it_scheduled(client, editor):
    article = make_article(status=Status.REVIEW)
    client.force_login(editor)
    at = timezone.localtime() + timedelta(days=2)
    response = post_change(
        client,
        article,
        _transition="publish",
        publish_at_0=at.date().isoformat(),
        publish_at_1=at.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled
    assert not Article.objects.published().filter(pk=article.pk).exists()
    listing = client.get(LIST).content.decode()
    assert 'class="status-badge status-scheduled"' in listing
    scheduled = client.get(LIST, {"state": "scheduled"}).content.decode()
    assert article.headline in scheduled


def test_editor_bulk_publish_reports_each_success_and_refusal(client, editor):
    ready = make_article(status=Status.REVIEW, headline="Ready one")
    draft = make_article(status=Status.DRAFT, headline="Still a draft")
    client.force_login(editor)
    response = client.post(
        LIST, {"action": "publish_selected", "_selected_action": [ready.pk, draft.pk]}, follow=True
    )
    text = " ".join(messages_of(response))
    assert "Publish: 1 done (“Ready one”)" in text
    assert "Publish refused for “Still a draft”: Cannot publish: the article is draft." in text
    assert Article.objects.get(pk=ready.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


def test_substantive_update_sets_updated_date_and_a_typo_fix_does_not(client, editor):
    article = make_article(status=Status.PUBLISHED)
    client.force_login(editor)
    post_change(client, article, headline="Typo fixed")
    article.refresh_from_db()
    assert article.headline == "Typo fixed" and article.substantive_update_at is None

    post_change(client, article, body="<p>New facts.</p>", substantive_update="on")
    article.refresh_from_db()
    assert article.substantive_update_at is not None
    assert AuditEntry.objects.filter(article=article, action="substantive_update").count() == 1


def test_correction_added_in_admin_shows_on_the_public_page(client, editor):
    article = make_article(status=Status.PUBLISHED)
    client.force_login(editor)
    page = client.get(change_url(article))
    data = form_data(
        page,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "An earlier version misspelt the mayor.",
            "corrections-0-noted_at_0": "2026-03-02",
            "corrections-0-noted_at_1": "09:30:00",
        },
    )
    assert client.post(change_url(article), data).status_code == 302
    client.logout()
    public = client.get(article.get_absolute_url()).content.decode()
    assert "An earlier version misspelt the mayor." in public
    assert "March 2, 2026" in public


def test_review_queue_lists_oldest_submission_first_with_submitter(client, writer, editor):
    older, newer = (
        own_draft(writer, headline="Older story"),
        own_draft(writer, headline="Newer story"),
    )
    workflow.transition(newer, "submit", by=writer)
    workflow.transition(older, "submit", by=writer)
    AuditEntry.objects.filter(article=older).update(at=timezone.now() - timedelta(hours=3))
    make_article(status=Status.DRAFT, headline="Not submitted")
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_review")).content.decode()
    assert page.index("Older story") < page.index("Newer story")
    assert "Not submitted" not in page
    assert page.count(">wanda<") == 2


def test_review_queue_is_for_editors_only(client, writer):
    client.force_login(writer)
    assert client.get(reverse("admin:articles_article_review")).status_code == 403


def test_my_articles_filter(client, editor):
    mine = make_article(status=Status.DRAFT, created_by=editor, headline="Written by the editor")
    other = make_article(status=Status.DRAFT, headline="Written by another")
    client.force_login(editor)
    page = client.get(LIST, {"mine": "yes"}).content.decode()
    assert mine.headline in page and other.headline not in page


# Concurrent editing.


def test_stale_edit_is_refused_naming_who_saved_and_keeps_both_texts(client, editor):
    from django.test import Client

    article = make_article(status=Status.PUBLISHED, headline="Original")
    bea = make_user("bea", role="Editor", first_name="Bea", last_name="Baker")
    a, b = client, Client()
    a.force_login(editor)
    b.force_login(bea)
    page_a, page_b = a.get(change_url(article)), b.get(change_url(article))

    assert (
        b.post(change_url(article), form_data(page_b, headline="Bea's headline")).status_code == 302
    )
    response = a.post(change_url(article), form_data(page_a, headline="Ed's headline"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bea Baker saved this article at" in html
    assert 'value="Ed\'s headline"' in html or 'value="Ed&#x27;s headline"' in html
    assert Article.objects.get(pk=article.pk).headline == "Bea's headline"

    # Saving again from the re-rendered form is a deliberate overwrite.
    again = a.post(change_url(article), form_data(response, headline="Ed's headline"))
    assert again.status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Ed's headline"


def test_transition_since_loading_makes_the_form_stale(client, writer, editor):
    article = own_draft(writer)
    client.force_login(writer)
    page = client.get(change_url(article))
    workflow.transition(article, "submit", by=editor)
    workflow.transition(article, "send_back", by=editor, comment="Shorter")
    response = client.post(change_url(article), form_data(page, headline="Mine"))
    assert "Ed Editor saved this article at" in response.content.decode()
    assert Article.objects.get(pk=article.pk).headline != "Mine"


# Preview.


def test_preview_is_private_and_only_for_those_who_may_edit(client, writer, editor):
    article = own_draft(writer, headline="Draft for preview")
    url = reverse("articles:preview", args=[article.pk])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(make_user(role="Writer"))
    assert client.get(url).status_code == 404  # another writer
    for user in (writer, editor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert "Draft for preview" in response.content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404  # still private


def test_editor_changing_a_publication_date_leaves_an_audit_row(client, editor):
    article = make_article(status=Status.PUBLISHED)
    client.force_login(editor)
    post_change(client, article, published_at_0="2026-01-05", published_at_1="08:00:00")
    entry = AuditEntry.objects.get(article=article)
    assert entry.action == "date_change" and entry.actor == editor
    assert "→ 2026-01-05 08:00" in entry.comment


def test_changelist_has_no_bulk_edit_to_forge(client, writer):
    article = own_draft(writer)
    client.force_login(writer)
    before = Article.objects.values().get(pk=article.pk)
    client.post(
        LIST,
        {
            "_save": "Save",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": article.pk,
            "form-0-status": "published",
            "form-0-published_at": "2026-01-01 00:00:00",
        },
    )
    assert Article.objects.values().get(pk=article.pk) == before


def test_review_queue_costs_the_same_queries_however_long_it_is(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(editor)
    counts = []
    for _ in range(2):
        for _ in range(3):
            article = make_article(status=Status.DRAFT, authors=[make_author(), make_author()])
            workflow.transition(article, "submit", by=editor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:articles_article_review")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_writer_reads_a_submitted_article_as_formatted_text(client, writer):
    article = own_draft(writer, body="<p>Ships are <strong>back</strong>.</p>")
    workflow.transition(article, "submit", by=writer)
    client.force_login(writer)
    page = client.get(change_url(article)).content.decode()
    assert "<p>Ships are <strong>back</strong>.</p>" in page
    assert "&lt;p&gt;" not in page
    assert 'name="headline"' not in page  # read only
