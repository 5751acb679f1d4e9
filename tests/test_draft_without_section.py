"""A draft may be saved before its section is chosen; nothing goes further without one:
the form says so next to the field, ``workflow.transition()`` refuses, the database
holds the rule, and every page that shows a draft copes with having none."""

import json
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles import workflow
from articles.models import Article, AuditEntry, Status
from sharing.models import ShareLink
from tests.factories import change_url, form_data, make_article, make_section, post_change

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")


def new_story(client, **changes):
    """The add form posted as a writer fills it in: no section chosen."""
    page = client.get(ADD)
    assert page.status_code == 200
    data = form_data(
        page,
        headline="Harbour plan leaks",
        slug="harbour-plan-leaks",
        body="<p>Notes so far.</p>",
        **changes,
    )
    data.pop("section", None)
    return client.post(ADD, data)


def section_errors(response):
    return response.context["adminform"].form.errors.get("section", [])


def sectionless_draft(**overrides):
    return make_article(status=Status.DRAFT, section=None, **overrides)


# Saving.


def test_a_writer_saves_a_new_draft_without_a_section(writer_client, writer):
    response = new_story(writer_client)
    assert response.status_code == 302
    article = Article.objects.get(slug="harbour-plan-leaks")
    assert article.section is None
    assert article.status == Status.DRAFT and article.created_by == writer


def test_a_sectionless_draft_is_saved_again_from_its_change_page(writer_client, writer):
    draft = sectionless_draft(created_by=writer)
    response = post_change(writer_client, draft, headline="Harbour plan, second go")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Harbour plan, second go" and draft.section is None


# Going further without one: the form says so next to the field, nothing is saved.


def test_submitting_without_a_section_is_refused_next_to_the_field(writer_client):
    response = new_story(writer_client, _transition="submit")
    assert response.status_code == 200
    assert section_errors(response) == ["Choose a section before submitting it for review."]
    html = response.content.decode()
    # Beside the section field, not only at the top of the page.
    field_row = re.search(r'<div class="form-row[^"]*field-section.*?</div>\s*</div>', html, re.S)
    assert field_row and "Choose a section before submitting it for review." in field_row.group(0)
    assert not Article.objects.filter(slug="harbour-plan-leaks").exists()


def test_publishing_a_new_story_without_a_section_is_refused(editor_client):
    response = new_story(editor_client, _transition="publish_direct")
    assert response.status_code == 200
    assert section_errors(response) == ["Choose a section before publishing."]
    assert not Article.objects.filter(slug="harbour-plan-leaks").exists()


def test_publishing_a_saved_sectionless_draft_is_refused_then_works_with_one(editor_client):
    draft = sectionless_draft()
    response = post_change(editor_client, draft, _transition="publish_direct")
    assert response.status_code == 200
    assert section_errors(response) == ["Choose a section before publishing."]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    section = make_section(name="Harbour")
    response = post_change(editor_client, draft, section=section.pk, _transition="publish_direct")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.section == section
    assert draft.get_absolute_url().startswith(f"/{section.slug}/")


def test_the_section_of_a_story_past_draft_cannot_be_cleared(editor_client):
    for status in (Status.REVIEW, Status.PUBLISHED):
        story = make_article(status=status)
        response = post_change(editor_client, story, section="")
        assert response.status_code == 200
        assert section_errors(response) == [
            "A story in review, published or taken down keeps a section: choose one."
        ]
        story.refresh_from_db()
        assert story.section is not None


# The one transition function, and the database.


def test_transition_refuses_to_publish_or_submit_a_sectionless_draft(editor):
    draft = sectionless_draft()
    for name, message in (
        ("publish_direct", "Choose a section before publishing."),
        ("submit", "Choose a section before submitting it for review."),
    ):
        with pytest.raises(workflow.MissingSection, match=message):
            workflow.transition(draft, name, by=editor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not AuditEntry.objects.filter(article_id=draft.pk).exists()


def test_transition_sees_a_section_cleared_since_the_article_was_loaded(editor):
    draft = make_article(status=Status.DRAFT)
    Article.objects.filter(pk=draft.pk).update(section=None)
    with pytest.raises(workflow.MissingSection):
        workflow.transition(draft, "publish_direct", by=editor)
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


def test_the_database_refuses_a_story_past_draft_without_a_section():
    draft = sectionless_draft()
    for status in (Status.REVIEW, Status.PUBLISHED, Status.ARCHIVED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=draft.pk).update(status=status)


def test_bulk_submit_names_the_sectionless_story(editor_client):
    draft = sectionless_draft(headline="No desk yet")
    response = editor_client.post(
        CHANGELIST,
        {"action": "submit_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "No desk yet" in text and "Choose a section before submitting it for review." in text
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# Where a sectionless draft shows.


def test_a_sectionless_draft_previews(writer_client, writer):
    draft = sectionless_draft(created_by=writer, headline="Harbour plan preview")
    response = writer_client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbour plan preview" in html
    assert 'class="article__section"' not in html
    assert "article:section" not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block and "articleSection" not in json.loads(block.group(1))


def test_a_share_link_to_a_sectionless_draft_shows_it(client, editor):
    draft = sectionless_draft(headline="Harbour plan for the lawyers")
    link = ShareLink.objects.create(article=draft, created_by=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbour plan for the lawyers" in html
    # No address to give yet: the staff preview's is not handed to the link's reader.
    preview = reverse("articles:preview", args=[draft.pk])
    assert preview not in html
    assert 'rel="canonical"' not in html and "og:url" not in html


def test_a_sectionless_draft_has_no_public_address():
    draft = sectionless_draft()
    assert draft.get_absolute_url() == reverse("articles:preview", args=[draft.pk])


def test_the_change_page_of_a_sectionless_draft_opens(editor_client):
    draft = sectionless_draft()
    response = editor_client.get(change_url(draft))
    assert response.status_code == 200
    assert "View on site" not in response.content.decode()


def test_the_article_list_shows_filters_and_finds_a_sectionless_draft(editor_client):
    sectionless_draft(headline="Unplaced harbour story")
    make_article(headline="Placed story")
    listed = editor_client.get(CHANGELIST)
    assert listed.status_code == 200
    assert "Unplaced harbour story" in listed.content.decode()
    # The section filter's "no section" choice (Django's empty value, for a nullable key).
    unplaced = editor_client.get(CHANGELIST, {"section__isnull": "True"})
    assert [a.headline for a in unplaced.context["cl"].result_list] == ["Unplaced harbour story"]
    found = editor_client.get(CHANGELIST, {"q": "unplaced harbour"})
    assert [a.headline for a in found.context["cl"].result_list] == ["Unplaced harbour story"]


def test_the_dashboard_lists_a_sectionless_draft(writer_client, writer):
    sectionless_draft(created_by=writer, headline="Harbour draft")
    response = writer_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert [a.headline for a in response.context["my_drafts"]] == ["Harbour draft"]
    assert "No section yet" in response.content.decode()
