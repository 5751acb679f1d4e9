"""Revisions: kept on each admin save, compared as a readable diff, restored by a normal save."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles import workflow
from articles.models import Article, Status
from tests.factories import change_url, form_data, make_article, make_author, make_user, post_change

pytestmark = pytest.mark.django_db


def save(client, article, **changes):
    response = post_change(client, article, **changes)
    assert response.status_code == 302, response.context and response.context["errors"]


def versions(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


@pytest.fixture
def edited(editor_client, editor):
    """A draft saved twice in the admin, then published."""
    article = make_article(
        status=Status.DRAFT,
        headline="Council votes on budget",
        body="<p>The council met on Monday.</p>",
        authors=[make_author(name="Ann Lee")],
    )
    save(editor_client, article)
    save(
        editor_client,
        article,
        headline="Council approves budget",
        body="<p>The council met on Tuesday.</p>",
    )
    workflow.transition(article, "submit", by=editor)
    workflow.transition(article, "publish", by=editor)
    return article


def test_each_admin_save_keeps_a_revision_with_its_bylines(edited):
    first, second = versions(edited)
    assert first.field_dict["headline"] == "Council votes on budget"
    assert second.field_dict["headline"] == "Council approves budget"
    bylines = [v for v in second.revision.version_set.all() if v.content_type.model == "byline"]
    assert len(bylines) == 1


def test_history_lists_revisions_and_workflow_steps(editor_client, edited):
    page = editor_client.get(reverse("admin:articles_article_history", args=[edited.pk]))
    html = page.content.decode()
    assert html.count("Compare with previous") == 1
    assert "Restore this text" in html
    assert "<td>Published</td>" in html  # the step in words, not its internal name


def test_compare_shows_removed_and_added_words(editor_client, edited):
    first, second = versions(edited)
    url = reverse("admin:articles_article_compare", args=[edited.pk, first.pk, second.pk])
    html = editor_client.get(url).content.decode()
    assert "<del>votes on</del><ins>approves</ins>" in html
    assert "<del>Monday.</del><ins>Tuesday.</ins>" in html
    assert '<th scope="row">Slug</th>' not in html  # unchanged fields are left out


def test_restore_fills_the_form_and_changes_nothing_until_saved(editor_client, edited):
    first, _ = versions(edited)
    before = Article.objects.values().get(pk=edited.pk)
    url = reverse("admin:articles_article_revision", args=[edited.pk, first.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert 'value="Council votes on budget"' in page.content.decode()
    assert f'action="{change_url(edited)}"' in page.content.decode()
    assert Article.objects.values().get(pk=edited.pk) == before


def test_restoring_is_a_normal_save_that_keeps_the_status(editor_client, edited):
    first, _ = versions(edited)
    page = editor_client.get(reverse("admin:articles_article_revision", args=[edited.pk, first.pk]))
    response = editor_client.post(change_url(edited), form_data(page))
    assert response.status_code == 302
    article = Article.objects.get(pk=edited.pk)
    assert article.headline == "Council votes on budget"
    assert "Monday" in article.body
    # The restored revision was a draft; the article stays published, with no new step.
    assert article.status == Status.PUBLISHED
    assert list(article.audit_entries.values_list("action", flat=True)) == ["submit", "publish"]
    assert len(versions(article)) == 3


def test_posting_to_the_revision_url_restores_nothing(editor_client, edited):
    first, _ = versions(edited)
    before = Article.objects.values().get(pk=edited.pk)
    url = reverse("admin:articles_article_revision", args=[edited.pk, first.pk])
    assert editor_client.post(url, {"headline": "x"}).status_code == 403
    assert Article.objects.values().get(pk=edited.pk) == before


def test_deleted_articles_cannot_be_recovered_around_the_workflow(editor_client):
    assert editor_client.get(reverse("admin:articles_article_recoverlist")).status_code == 403


def test_writer_cannot_restore_an_article_in_review(client, edited):
    writer = make_user(role="Writer")
    Article.objects.filter(pk=edited.pk).update(created_by=writer)
    client.force_login(writer)
    first, _ = versions(edited)
    url = reverse("admin:articles_article_revision", args=[edited.pk, first.pk])
    assert client.get(url).status_code == 403
