"""Who may change a library photo: a change to a photo is a change to every article
showing it, so a writer may change one only while every article using it is a draft of
theirs; editors may change any, and the change is in the photo's history. Replacing a
photo's file is an editor's action. Every path is tried: the change form, the credit
inline, the credit admin, the file field, bulk actions, the picker, forged posts."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Status
from photos.credits import parse_credit_line
from photos.models import Credit, Photo

from .factories import image_bytes, make_article, make_author, make_photo

pytestmark = pytest.mark.django_db


def change_url(photo):
    return reverse("admin:photos_photo_change", args=[photo.pk])


def credited(photo):
    Credit.objects.bulk_create(
        Credit(photo=photo, position=i, **c)
        for i, c in enumerate(parse_credit_line(photo.credit_line))
    )
    return photo


def photo_post(photo, **changes):
    """Everything the photo's change form posts, as an editor's browser would send it: a
    forged post needs no page to come from."""
    credits = list(photo.credits.all())
    data = {
        "title": photo.title,
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "credit_line": photo.credit_line,
        "copyright_notice": photo.copyright_notice,
        "usage_terms": photo.usage_terms,
        "source_url": photo.source_url,
        "focal_x": photo.focal_x or "",
        "focal_y": photo.focal_y or "",
        "focal_width": photo.focal_width or "",
        "focal_height": photo.focal_height or "",
        "credits-TOTAL_FORMS": str(len(credits)),
        "credits-INITIAL_FORMS": str(len(credits)),
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }
    for i, credit in enumerate(credits):
        for field in ("position", "creator", "organisation", "licence", "licence_url"):
            data[f"credits-{i}-{field}"] = getattr(credit, field)
        data[f"credits-{i}-platform"] = credit.platform
        data[f"credits-{i}-id"] = credit.pk
        data[f"credits-{i}-photo"] = photo.pk
    data.update(changes)
    return data


def own_draft(writer, photo, **fields):
    """A draft of ``writer``'s showing ``photo`` as its lead."""
    return make_article(
        status=Status.DRAFT,
        authors=[writer.author_profile],
        created_by=writer,
        lead_photo=photo,
        **fields,
    )


def embedded(photo):
    return f'<p>Text.</p><figure data-photo="{photo.pk}"></figure>'


# The change form.


def test_writer_may_not_change_a_photo_in_someone_elses_published_story(writer_client):
    photo = make_photo(caption="Before.", alt_text="Before alt")
    story = make_article(headline="Harbour reopens", body=embedded(photo))

    page = writer_client.get(change_url(photo))
    assert page.status_code == 200
    assert "Harbour reopens" in page.content.decode()  # the message names it
    assert 'name="caption"' not in page.content.decode()  # read-only

    response = writer_client.post(
        change_url(photo), photo_post(photo, caption="Defaced.", alt_text="Defaced")
    )
    assert response.status_code == 403
    assert "Harbour reopens" in response.content.decode()
    photo.refresh_from_db()
    assert (photo.caption, photo.alt_text) == ("Before.", "Before alt")
    assert story.headline in str(photo.used_in())


@pytest.mark.parametrize("field", ["caption", "alt_text", "credit_line", "focal_x"])
def test_writer_may_not_change_any_field_of_a_photo_in_a_published_lead(writer_client, field):
    photo = make_photo(width=64, height=48)
    make_article(headline="Lead story", lead_photo=photo)
    before = getattr(photo, field)
    value = 10 if field == "focal_x" else "Changed"
    response = writer_client.post(change_url(photo), photo_post(photo, **{field: value}))
    assert response.status_code == 403
    photo.refresh_from_db()
    assert getattr(photo, field) == before


def test_writer_may_not_change_a_photo_of_their_own_published_story(writer, writer_client):
    photo = make_photo(caption="Before.")
    story = own_draft(writer, photo, headline="My story")
    story.status = Status.PUBLISHED
    story.save()
    response = writer_client.post(change_url(photo), photo_post(photo, caption="After."))
    assert response.status_code == 403 and "My story" in response.content.decode()
    assert Photo.objects.get(pk=photo.pk).caption == "Before."


def test_writer_may_not_change_a_photo_another_writers_draft_shows(writer, writer_client):
    photo = make_photo(caption="Before.")
    own_draft(writer, photo, headline="Mine")
    make_article(status=Status.DRAFT, headline="Someone else's draft", body=embedded(photo))
    response = writer_client.post(change_url(photo), photo_post(photo, caption="After."))
    assert response.status_code == 403
    assert "Someone else&#x27;s draft" in response.content.decode()
    assert "Mine" not in response.content.decode().split("which you may not")[0]
    assert Photo.objects.get(pk=photo.pk).caption == "Before."


def test_writer_may_change_a_photo_only_their_drafts_show(writer, writer_client):
    photo = credited(make_photo(caption="Before."))
    own_draft(writer, photo)
    make_article(
        status=Status.DRAFT,
        authors=[writer.author_profile],
        body=embedded(photo),
        headline="Second",
    )
    response = writer_client.post(change_url(photo), photo_post(photo, caption="After."))
    assert response.status_code == 302
    assert Photo.objects.get(pk=photo.pk).caption == "After."


def test_writer_may_change_an_unused_photo(writer_client):
    photo = make_photo(caption="Before.")
    response = writer_client.post(change_url(photo), photo_post(photo, caption="After."))
    assert response.status_code == 302
    assert Photo.objects.get(pk=photo.pk).caption == "After."


def test_editor_changes_a_photo_in_a_published_story_and_it_is_in_its_history(
    editor, editor_client
):
    photo = credited(make_photo(caption="Before."))
    make_article(lead_photo=photo)
    page = editor_client.get(change_url(photo))
    assert 'name="caption"' in page.content.decode()
    response = editor_client.post(change_url(photo), photo_post(photo, caption="Corrected."))
    assert response.status_code == 302
    assert Photo.objects.get(pk=photo.pk).caption == "Corrected."
    entry = LogEntry.objects.get(object_id=str(photo.pk), action_flag=CHANGE)
    assert entry.user == editor and "Caption" in entry.get_change_message()
    history = editor_client.get(reverse("admin:photos_photo_history", args=[photo.pk]))
    assert "Caption" in history.content.decode()


# Credits: inline on the photo, and the credit admin of their own.


def test_writer_may_not_change_credits_inline_of_a_published_photo(writer_client):
    photo = credited(make_photo(credit_line="Jane Roe / Ledger Photo"))
    make_article(lead_photo=photo)
    response = writer_client.post(
        change_url(photo), photo_post(photo, **{"credits-0-creator": "Someone Else"})
    )
    assert response.status_code == 403
    assert list(photo.credits.values_list("creator", flat=True)) == ["Jane Roe"]
    assert 'name="credits-0-creator"' not in writer_client.get(change_url(photo)).content.decode()


def test_writer_may_correct_credits_inline_of_their_drafts_photo(writer, writer_client):
    photo = credited(make_photo(credit_line="Jane Roe / Ledger Photo"))
    own_draft(writer, photo)
    response = writer_client.post(
        change_url(photo), photo_post(photo, **{"credits-0-creator": "Jane Q. Roe"})
    )
    assert response.status_code == 302
    assert list(photo.credits.values_list("creator", flat=True)) == ["Jane Q. Roe"]


def test_writer_may_not_change_add_or_delete_a_published_photos_credit_in_the_credit_admin(
    writer_client,
):
    photo = credited(make_photo(credit_line="Jane Roe / Ledger Photo"))
    make_article(lead_photo=photo)
    credit = photo.credits.get()
    url = reverse("admin:photos_credit_change", args=[credit.pk])
    data = {"photo": photo.pk, "position": 0, "creator": "Forged", "organisation": "X"}
    data |= {"licence": "", "licence_url": "", "platform": ""}
    assert writer_client.post(url, data).status_code == 403
    assert Credit.objects.get(pk=credit.pk).creator == "Jane Roe"

    added = writer_client.post(reverse("admin:photos_credit_add"), {**data, "position": 5})
    assert added.status_code == 200 and "Only an editor" in added.content.decode()
    assert photo.credits.count() == 1

    delete = reverse("admin:photos_credit_delete", args=[credit.pk])
    assert writer_client.post(delete, {"post": "yes"}).status_code == 403
    assert Credit.objects.filter(pk=credit.pk).exists()


# The file.


def test_replacing_a_file_is_an_editors_action(writer, writer_client):
    photo = make_photo()
    own_draft(writer, photo)  # the writer may change everything else of it
    before = photo.image.name
    page = writer_client.get(change_url(photo)).content.decode()
    assert 'name="image"' not in page and 'name="caption"' in page

    new_file = SimpleUploadedFile("new.png", image_bytes("PNG", color=(0, 200, 0)))
    response = writer_client.post(change_url(photo), photo_post(photo, image=new_file))
    assert response.status_code == 403
    assert "replace or remove a photo" in response.content.decode()
    assert Photo.objects.get(pk=photo.pk).image.name == before

    cleared = writer_client.post(change_url(photo), photo_post(photo, **{"image-clear": "on"}))
    assert cleared.status_code == 403
    assert Photo.objects.get(pk=photo.pk).image.name == before


def test_editor_replaces_a_file(editor_client):
    photo = make_photo()
    make_article(lead_photo=photo)
    before = photo.image.name
    new_file = SimpleUploadedFile("new.png", image_bytes("PNG", color=(0, 200, 0)))
    response = editor_client.post(change_url(photo), photo_post(photo, image=new_file))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.image.name != before and photo.original_filename == "new.png"


def test_writer_may_give_a_pending_photo_its_file(writer_client):
    photo = make_photo(with_file=False, caption="Flooded street.")
    new_file = SimpleUploadedFile("street.jpg", image_bytes(color=(9, 9, 200)))
    response = writer_client.post(change_url(photo), photo_post(photo, image=new_file))
    assert response.status_code == 302
    assert Photo.objects.get(pk=photo.pk).image


# Bulk actions, the picker.


def test_writer_has_no_bulk_delete_and_a_forged_one_deletes_nothing(writer_client):
    photo = make_photo()
    make_article(lead_photo=photo)
    changelist = reverse("admin:photos_photo_changelist")
    page = writer_client.get(changelist)
    assert "delete_selected" not in page.content.decode()
    forged = {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"}
    writer_client.post(changelist, forged)
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_bulk_credit_delete_with_one_refused_credit_deletes_none(writer, writer_client):
    mine = credited(make_photo(credit_line="Ann Lee / Ledger"))
    own_draft(writer, mine)
    published = credited(make_photo(credit_line="Jane Roe / Wire"))
    make_article(lead_photo=published)
    ids = [c.pk for c in Credit.objects.filter(photo__in=[mine, published])]
    changelist = reverse("admin:photos_credit_changelist")
    response = writer_client.post(
        changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 403
    assert Credit.objects.filter(pk__in=ids).count() == len(ids)


def test_editor_bulk_deletes_photos(editor_client):
    photos = [make_photo(), make_photo()]
    changelist = reverse("admin:photos_photo_changelist")
    ids = [p.pk for p in photos]
    editor_client.post(
        changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert not Photo.objects.filter(pk__in=ids).exists()


def test_picker_lets_a_writer_choose_a_published_photo_without_changing_it(writer_client):
    photo = make_photo(caption="Boats at dawn.")
    make_article(lead_photo=photo)
    picker = reverse("admin:photos_photo_picker")
    found = writer_client.get(picker, {"id": photo.pk}).json()["results"]
    assert [r["id"] for r in found] == [photo.pk]
    writer_client.post(picker, {"id": photo.pk, "caption": "Defaced."})
    assert Photo.objects.get(pk=photo.pk).caption == "Boats at dawn."


def test_a_writer_choosing_a_photo_for_a_draft_does_not_unlock_it(writer, writer_client):
    """Using a published story's photo in a draft of one's own gives no right to change it."""
    photo = make_photo(caption="Before.")
    make_article(lead_photo=photo, headline="Live")
    own_draft(writer, photo)
    response = writer_client.post(change_url(photo), photo_post(photo, caption="After."))
    assert response.status_code == 403
    assert Photo.objects.get(pk=photo.pk).caption == "Before."


def test_writer_without_an_author_profile_is_refused_in_an_unrelated_draft(writer_client):
    photo = make_photo(caption="Before.")
    make_article(status=Status.DRAFT, authors=[make_author()], lead_photo=photo)
    response = writer_client.post(change_url(photo), photo_post(photo, caption="After."))
    assert response.status_code == 403
