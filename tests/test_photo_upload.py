"""Photos uploaded from where a writer writes: the body editor's dialog and the lead photo
field post to one admin view, which runs the library's checks and answers JSON; photo
fields choose among thumbnails; the focal point is set by clicking (the page's part here)."""

import html
import json
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from photos import renditions
from photos.models import Photo, RenditionsStatus

from .factories import image_bytes, make_article, make_photo, make_roles, make_user, run_worker

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:photos_photo_upload")
AUTOCOMPLETE = reverse("admin:photos_photo_autocomplete")
LEAD = {"app_label": "articles", "model_name": "article", "field_name": "lead_photo"}


def post(client, content=None, name="harbour.jpg", **fields):
    data = {
        "caption": "Boats leave the harbour at dawn.",
        "credit_line": "Andrea Puentes / Presidency of Colombia",
        "alt_text": "Fishing boats leaving the harbour",
        **fields,
    }
    if content is not None:
        data["image"] = SimpleUploadedFile(name, content)
    return client.post(UPLOAD, data)


def test_a_writer_uploads_a_photo_with_caption_credit_and_alt_text(writer_client, writer):
    response = post(writer_client, image_bytes(size=(800, 600)))

    assert response.status_code == 201
    answer = response.json()
    photo = Photo.objects.get(pk=answer["id"])
    assert (photo.caption, photo.credit_line, photo.alt_text) == (
        "Boats leave the harbour at dawn.",
        "Andrea Puentes / Presidency of Colombia",
        "Fishing boats leaving the harbour",
    )
    assert (photo.width, photo.height, photo.uploaded_by) == (800, 600, writer)
    assert photo.original_filename == "harbour.jpg"
    # The library's own save: credits read from the line, the preview made, the rest queued.
    assert [(c.creator, c.organisation) for c in photo.credits.all()] == [
        ("Andrea Puentes", "Presidency of Colombia")
    ]
    assert photo.renditions.filter(spec="w640-jpeg").exists()
    assert photo.renditions_status == RenditionsStatus.PENDING
    assert answer["thumbnail"] == photo.renditions.get(spec="w640-jpeg").file.url
    assert answer["credit"] == photo.credit_line and answer["label"] == str(photo)


def test_a_credit_in_the_file_counts_as_the_library_reads_it(writer_client):
    picture, exif = Image.new("RGB", (300, 200), (90, 90, 90)), Image.Exif()
    exif[0x013B] = "Marta Gil"  # EXIF Artist
    exif[0x8298] = "(c) Harbour Pictures 2026"  # EXIF Copyright
    buffer = BytesIO()
    picture.save(buffer, "JPEG", exif=exif)

    response = post(writer_client, buffer.getvalue(), credit_line="")

    assert response.status_code == 201, response.json()
    photo = Photo.objects.get(pk=response.json()["id"])
    assert photo.credit_line == "Marta Gil"
    # The stored file is stripped of its metadata: the notice is kept on the photo or lost.
    assert photo.copyright_notice == "(c) Harbour Pictures 2026"


@pytest.mark.parametrize(
    ("content", "name", "code_words"),
    [
        (image_bytes(size=(400, 300))[:300], "cut.jpg", "damaged or incomplete"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "report.pdf", "not an image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"></svg>',
            "logo.svg",
            "SVG and other formats are refused",
        ),
        (image_bytes("BMP"), "scan.bmp", "is a BMP file"),
    ],
    ids=["broken", "pdf", "svg", "bmp"],
)
def test_a_file_the_library_refuses_is_refused_with_its_message(
    writer_client, content, name, code_words
):
    response = post(writer_client, content, name=name)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    (message,) = response.json()["errors"]["image"]
    assert name in message and code_words in message
    assert not Photo.objects.exists()


def test_a_file_over_the_size_limit_is_refused(writer_client, settings):
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 2000
    response = post(writer_client, image_bytes(size=(900, 900)), name="huge.jpg")

    assert response.status_code == 400
    assert "the largest file accepted is" in response.json()["errors"]["image"][0]
    assert not Photo.objects.exists()


def test_no_file_is_refused_with_a_message(writer_client):
    response = post(writer_client)

    assert response.status_code == 400
    assert response.json()["errors"]["image"] == ["Choose an image file to upload."]


@pytest.mark.parametrize("missing", ["credit_line", "alt_text"])
def test_credit_and_alt_text_are_required(writer_client, missing):
    response = post(writer_client, image_bytes(), **{missing: "  "})

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [missing]
    assert not Photo.objects.exists()


def test_a_file_already_in_the_library_is_offered_instead(writer_client):
    content = image_bytes(size=(320, 200), color=(1, 2, 3))
    first = post(writer_client, content).json()

    response = post(writer_client, content, name="again.jpg")

    assert response.status_code == 400
    assert "already in the library" in response.json()["errors"]["image"][0]
    assert "<a" not in response.json()["errors"]["image"][0]
    assert response.json()["duplicate"]["id"] == first["id"]
    assert Photo.objects.count() == 1


def test_a_staff_user_who_may_not_add_photos_is_refused(client):
    user = make_user()
    user.user_permissions.add(Permission.objects.get(codename="view_photo"))
    client.force_login(user)

    response = post(client, image_bytes())

    assert response.status_code == 403
    assert response.json()["errors"]["__all__"] == ["You may not add photos to the library."]
    assert not Photo.objects.exists()


def test_someone_not_logged_in_is_sent_to_the_login(client):
    response = post(client, image_bytes())

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Photo.objects.exists()


def test_a_forged_post_without_the_csrf_token_is_refused(writer):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(writer)

    response = post(forger, image_bytes())

    assert response.status_code == 403
    assert not Photo.objects.exists()


def test_the_page_token_is_what_the_dialog_posts(writer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(writer)
    browser.get(reverse("admin:articles_article_add"))  # sets the CSRF cookie, as a page does
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        UPLOAD,
        {
            "image": SimpleUploadedFile("a.png", image_bytes("PNG")),
            "credit_line": "Jane Roe",
            "alt_text": "A red square",
        },
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 201


def test_the_upload_view_takes_posts_only(writer_client):
    assert writer_client.get(UPLOAD).status_code == 405


# The article form: the body editor and the lead photo field know where to upload.


def test_the_article_form_carries_the_upload_dialog_for_body_and_lead_photo(writer_client):
    page = writer_client.get(reverse("admin:articles_article_add")).content.decode()

    assert f'data-upload-url="{UPLOAD}"' in page
    assert 'data-photo-fields="lead_photo"' in page
    assert f'data-autocomplete-url="{AUTOCOMPLETE}"' in page
    assert "photos/photo-fields.js" in page
    config = page.split('data-django-prose-editor-configurable="', 1)[1].split('"', 1)[0]
    extensions = json.loads(html.unescape(config))["extensions"]
    assert extensions["PhotoEmbed"]["uploadUrl"] == UPLOAD


# Photo fields' chooser: thumbnails, and search by caption, credit, title and id.


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("harbour", {"caption"}),
        ("Ledger", {"credit", "title"}),
        ("Sunrise", {"title"}),
        ("#ID", {"untitled"}),
        ("Photo ID", {"untitled"}),
    ],
)
def test_the_photo_chooser_finds_by_caption_credit_title_and_id(writer_client, term, expected):
    photos = {
        "caption": make_photo(caption="Boats in the harbour.", credit_line="AFP"),
        "credit": make_photo(caption="A street.", credit_line="Jane Roe / Ledger Photo"),
        "title": make_photo(title="Sunrise over Ledger Hill", credit_line="AFP"),
        "untitled": make_photo(title="", alt_text="", caption="", credit_line="AFP"),
    }
    make_photo(with_file=False, caption="Boats in the harbour, pending.", title="Sunrise")
    term = term.replace("ID", str(photos["untitled"].pk))

    results = writer_client.get(AUTOCOMPLETE, {"term": term, **LEAD}).json()["results"]

    assert {r["id"] for r in results} == {str(photos[name].pk) for name in expected}
    for result in results:
        photo = Photo.objects.get(pk=result["id"])
        assert result["text"] == str(photo)
        assert result["thumbnail"] == photo.image.url  # no renditions made for these
        assert result["credit"] == photo.credit_line


def test_the_photo_chooser_answers_only_for_photo_fields(writer_client):
    response = writer_client.get(
        AUTOCOMPLETE,
        {"term": "", "app_label": "articles", "model_name": "article", "field_name": "section"},
    )
    assert response.status_code == 403


# The focal point: the picture to click on the photo's page, and crops made again.


def test_the_photo_page_shows_the_picture_to_click_for_the_focal_point(admin_client):
    photo = make_photo()
    page = admin_client.get(reverse("admin:photos_photo_change", args=[photo.pk]))

    text = page.content.decode()
    assert (
        f'class="focal-point-picker" data-width="{photo.width}" data-height="{photo.height}"'
        in text
    )
    assert "photos/focal-point.js" in text
    assert 'name="focal_x"' in text  # the number fields stay, for the keyboard


@pytest.mark.django_db(transaction=True)
def test_a_new_focal_point_makes_the_crops_again_around_it_and_pages_show_them(client):
    make_roles()
    editor = make_user(role="Editor", is_superuser=True)
    client.force_login(editor)
    # Dark, with a bright square at the right edge: a 1:1 crop around it is bright.
    picture = Image.new("RGB", (1200, 600), (20, 20, 20))
    ImageDraw.Draw(picture).rectangle((1000, 200, 1200, 400), fill=(250, 250, 250))
    buffer = BytesIO()
    picture.save(buffer, "JPEG")
    made = post(client, buffer.getvalue(), name="wide.jpg").json()
    run_worker()
    photo = Photo.objects.get(pk=made["id"])
    before = renditions.rendition(photo, "crop-1x1").file.name
    article = make_article(lead_photo=photo)
    assert before in Client().get(article.get_absolute_url()).content.decode()  # JSON-LD
    url = reverse("admin:photos_photo_change", args=[photo.pk])
    page = client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in {"title", "alt_text", "caption", "credit_line", "copyright_notice"}
    }
    data.update(
        {
            "usage_terms": "",
            "source_url": "",
            "focal_x": 1000,
            "focal_y": 200,
            "focal_width": 200,
            "focal_height": 200,
            "credits-TOTAL_FORMS": 0,
            "credits-INITIAL_FORMS": 0,
        }
    )

    response = client.post(url, data)
    assert response.status_code == 302
    assert not photo.renditions.filter(spec="crop-1x1").exists()
    run_worker()

    crop = Photo.objects.get(pk=photo.pk).renditions.get(spec="crop-1x1")
    assert crop.file.name != before
    with Image.open(crop.file.path) as image:
        # The crop's right part holds the bright square: the focal box is in frame.
        assert image.convert("L").getpixel((image.width - 20, image.height // 2)) > 200
    # Readers' pages name the new crop, not the old one (whose file is gone).
    shown = Client().get(article.get_absolute_url()).content.decode()
    assert crop.file.name in shown and before not in shown
