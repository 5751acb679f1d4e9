"""The photo library in the admin: thumbnails, search, filters, credits, where a photo is used."""

import pytest
from django.urls import reverse

from photos import renditions
from photos.credits import parse_credit_line
from photos.models import Credit, Photo

from .factories import make_article, make_photo

pytestmark = pytest.mark.django_db

LIST = reverse("admin:photos_photo_changelist")


def library():
    harbour = make_photo(
        caption="Boats leave the harbour at dawn.",
        credit_line="Gage Skidmore, CC BY 2.0 / Wikimedia",
    )
    summit = make_photo(
        caption="The two presidents meet.", credit_line="Andrea Puentes / Presidency of Colombia"
    )
    pending = make_photo(with_file=False, caption="Flooded street.", credit_line="AFP")
    for photo in (harbour, summit, pending):
        Credit.objects.bulk_create(
            Credit(photo=photo, position=i, **c)
            for i, c in enumerate(parse_credit_line(photo.credit_line))
        )
    return harbour, summit, pending


def listed(response):
    return {photo.pk for photo in response.context["cl"].result_list}


def test_list_shows_thumbnails_and_pending_uploads(admin_client):
    harbour, _, pending = library()
    renditions.ensure_renditions(harbour, ["w320-jpeg"])
    page = admin_client.get(LIST).content.decode()
    assert harbour.renditions.get(spec="w320-jpeg").file.url in page
    assert 'class="photo-thumbnail"' in page and "photos/photo-library.css" in page
    assert "Pending upload" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("harbour at dawn", 0),
        ("Gage Skidmore", 0),
        ("Presidency", 1),
        ("AFP", 2),
    ],
)
def test_search_by_caption_credit_creator_and_organisation(admin_client, query, expected):
    photos = library()
    assert listed(admin_client.get(LIST, {"q": query})) == {photos[expected].pk}


def test_filters_by_organisation_licence_and_pending(admin_client):
    harbour, summit, pending = library()
    assert listed(admin_client.get(LIST, {"organisation": "Presidency of Colombia"})) == {summit.pk}
    assert listed(admin_client.get(LIST, {"licence": "CC BY 2.0"})) == {harbour.pk}
    assert listed(admin_client.get(LIST, {"file": "pending"})) == {pending.pk}
    assert listed(admin_client.get(LIST, {"file": "uploaded"})) == {harbour.pk, summit.pk}


def test_change_page_lists_the_articles_using_the_photo(admin_client):
    photo = make_photo()
    other = make_photo(pk=photo.pk * 10 + 2)  # an id that starts with this one's digits
    as_lead = make_article(headline="Lead use", lead_photo=photo)
    in_body = make_article(
        headline="Body use", body=f'<p>x</p><figure data-photo="{photo.pk}"></figure>'
    )
    make_article(headline="Unrelated", body=f'<figure data-photo="{other.pk}"></figure>')
    page = admin_client.get(reverse("admin:photos_photo_change", args=[photo.pk]))
    text = page.content.decode()
    assert "Lead use" in text and "Body use" in text and "Unrelated" not in text
    assert reverse("admin:articles_article_change", args=[as_lead.pk]) in text
    assert set(photo.used_in()) == {as_lead, in_body}


def test_credits_are_parsed_from_the_line_and_editable_inline(admin_client):
    photo = make_photo(credit_line="")
    url = reverse("admin:photos_photo_change", args=[photo.pk])
    base = {
        "title": "",
        "alt_text": "A",
        "caption": "",
        "copyright_notice": "",
        "usage_terms": "",
        "source_url": "",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }
    line = "Molly Riley, The White House / Andrea Puentes / Presidency of Colombia"
    response = admin_client.post(
        url, {**base, "credit_line": line, "credits-TOTAL_FORMS": "0", "credits-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 302
    assert [(c.creator, c.organisation) for c in photo.credits.all()] == [
        ("Molly Riley", "The White House"),
        ("Andrea Puentes", "Presidency of Colombia"),
    ]

    # The editor corrects the second credit by hand; the verbatim line stays as written.
    first, second = photo.credits.all()
    inline = {"credits-TOTAL_FORMS": "2", "credits-INITIAL_FORMS": "2"}
    for i, credit in enumerate((first, second)):
        inline.update(
            {
                f"credits-{i}-id": credit.pk,
                f"credits-{i}-photo": photo.pk,
                f"credits-{i}-position": i,
                f"credits-{i}-creator": credit.creator,
                f"credits-{i}-organisation": credit.organisation,
                f"credits-{i}-licence": "",
                f"credits-{i}-licence_url": "",
                f"credits-{i}-platform": "",
            }
        )
    inline["credits-1-organisation"] = "Presidencia de la República de Colombia"
    response = admin_client.post(url, {**base, "credit_line": line, **inline})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.credit_line == line
    assert [c.organisation for c in photo.credits.all()] == [
        "The White House",
        "Presidencia de la República de Colombia",
    ]


def test_picker_finds_library_photos_for_the_body_editor(admin_client):
    harbour, _, pending = library()
    picker = reverse("admin:photos_photo_picker")
    found = admin_client.get(picker, {"q": "harbour"}).json()["results"]
    assert [p["id"] for p in found] == [harbour.pk]
    assert found[0]["credit"] == "Gage Skidmore, CC BY 2.0 / Wikimedia"
    assert admin_client.get(picker, {"id": pending.pk}).json()["results"] == []


def test_picker_is_for_staff_only(client):
    response = client.get(reverse("admin:photos_photo_picker"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Photo.objects.count() == 0
