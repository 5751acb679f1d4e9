"""Autosave: the form's typing kept per user and article, offered back, discarded; the
endpoints answer only to the user, for their own row and articles they may change."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from desk.models import Autosave
from tests.factories import change_url, form_data, make_article, make_section, make_user

pytestmark = pytest.mark.django_db


def autosave(client, key, data):
    return client.post(
        reverse("desk:autosave", args=[key]), json.dumps(data), content_type="application/json"
    )


def own_draft(writer):
    return make_article(status=Status.DRAFT, created_by=writer, authors=[writer.author_profile])


def test_typing_is_kept_and_offered_back_then_restored(writer_client, writer):
    draft = own_draft(writer)
    response = autosave(
        writer_client, draft.pk, {"headline": "Typed but not saved", "csrfmiddlewaretoken": "x"}
    )
    assert response.status_code == 200
    saved = Autosave.objects.get(user=writer, article=draft)
    assert saved.data == {"headline": "Typed but not saved"}  # never the token
    assert Article.objects.get(pk=draft.pk).headline != "Typed but not saved"  # not the article

    page = writer_client.get(change_url(draft))
    assert b"Restore your unsaved changes from" in page.content
    restored = writer_client.get(change_url(draft) + "?restore_autosave=1")
    assert restored.context["adminform"].form.initial["headline"] == "Typed but not saved"


def test_no_offer_once_the_article_is_saved_after_the_autosave(writer_client, writer):
    draft = own_draft(writer)
    autosave(writer_client, draft.pk, {"headline": "Old typing"})
    Autosave.objects.update(saved_at=timezone.now() - timedelta(hours=1))
    Article.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    page = writer_client.get(change_url(draft))
    assert b"Restore your unsaved changes" not in page.content


def test_saving_the_article_forgets_the_autosave(writer_client, writer):
    draft = own_draft(writer)
    autosave(writer_client, draft.pk, {"headline": "Typing"})
    page = writer_client.get(change_url(draft))
    response = writer_client.post(change_url(draft), form_data(page, headline="Saved now"))
    assert response.status_code == 302
    assert not Autosave.objects.filter(user=writer).exists()


def test_discard_deletes_only_the_users_own_row(writer_client, writer, editor):
    draft = own_draft(writer)
    autosave(writer_client, draft.pk, {"headline": "Mine"})
    Autosave.objects.create(user=editor, article=draft, data={"headline": "The editor's"})
    response = writer_client.post(reverse("desk:autosave_discard", args=[draft.pk]))
    assert response.status_code == 302
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["ed"]


def test_new_article_typing_is_kept_and_restored_on_the_add_page(writer_client, writer):
    assert (
        autosave(writer_client, "new", {"headline": "A new one", "dek": "Its dek"}).status_code
        == 200
    )
    add = reverse("admin:articles_article_add")
    assert b"Restore your unsaved changes" in writer_client.get(add).content
    restored = writer_client.get(add + "?restore_autosave=1")
    assert restored.context["adminform"].form.initial["dek"] == "Its dek"
    page = writer_client.get(add)
    data = form_data(page, headline="A new one", slug="a-new-one", section=make_section().pk)
    assert writer_client.post(add, data).status_code == 302
    assert not Autosave.objects.exists()


def test_forged_requests_are_refused(writer, editor):
    other = make_user(role="Writer")
    draft = own_draft(writer)
    # Another writer may not change the draft: no autosave row for it.
    client = Client()
    client.force_login(other)
    assert autosave(client, draft.pk, {"headline": "Sneaky"}).status_code == 403
    # A writer's submitted story is the editors' now.
    submitted = make_article(status=Status.REVIEW, created_by=writer)
    client.force_login(writer)
    assert autosave(client, submitted.pk, {"headline": "Late"}).status_code == 403
    # Without the CSRF token a browser would send, refused.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(writer)
    assert autosave(strict, draft.pk, {"headline": "Forged"}).status_code == 403
    # Signed out: to the login page.
    anonymous = Client()
    assert autosave(anonymous, draft.pk, {"headline": "x"}).status_code == 302
    # A GET changes nothing.
    client.force_login(writer)
    assert client.get(reverse("desk:autosave", args=[draft.pk])).status_code == 405
    assert not Autosave.objects.exists()


def test_bad_bodies_are_refused(writer_client, writer):
    draft = own_draft(writer)
    url = reverse("desk:autosave", args=[draft.pk])
    assert writer_client.post(url, "not json", content_type="application/json").status_code == 400
    assert writer_client.post(url, "[1]", content_type="application/json").status_code == 400
    assert autosave(writer_client, "nope", {}).status_code == 404
