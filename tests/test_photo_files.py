"""Where photo files are stored: at addresses nobody can guess, each never changing content.

Originals and renditions are named by a hash of their bytes, so the photos of a draft or
a scheduled story cannot be found by counting ids or guessing the photographer's file
name; the uploaded name is kept as data only. Photos stored before keep their names.
"""

import hashlib
from io import BytesIO
from pathlib import PurePosixPath

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image, ImageDraw

from articles.models import Status
from photos import renditions
from photos.models import Photo
from tests.factories import image_bytes, make_article, make_photo, run_worker, upload_photo


def hashed(name):
    stem = PurePosixPath(name).stem
    return len(stem) == 40 and all(c in "0123456789abcdef" for c in stem)


def bytes_hash(field_file):
    with field_file.open("rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:40]


@pytest.mark.django_db(transaction=True)  # the worker reconnects between tasks
def test_a_drafts_photo_files_are_not_at_guessable_addresses(admin_client, client, media_root):
    response = upload_photo(
        admin_client, "holiday-in-nice.jpg", image_bytes(size=(1400, 900)), alt_text="Nice"
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    make_article(status=Status.DRAFT, lead_photo=photo)
    run_worker()
    photo.refresh_from_db()
    made = list(photo.renditions.all())
    assert len(made) == len(renditions.rendition_specs(photo))

    assert photo.original_filename == "holiday-in-nice.jpg"
    assert "holiday" not in photo.image.name and hashed(photo.image.name)
    for guess in (
        f"renditions/{photo.pk}-social.jpg",
        f"renditions/{photo.pk}-w640-jpeg.jpg",
        f"renditions/{photo.pk}-crop-16x9.jpg",
        f"photos/{photo.uploaded_at:%Y/%m}/holiday-in-nice.jpg",
    ):
        assert not (media_root / guess).exists(), guess
        assert client.get(f"/media/{guess}").status_code == 404, guess
    for rendition in made:
        assert f"-{rendition.spec}" not in rendition.file.name
        assert hashed(rendition.file.name), rendition.file.name
        # Content-addressed: the name is the hash of exactly these bytes.
        assert PurePosixPath(rendition.file.name).stem == bytes_hash(rendition.file)
    # The real addresses work, for whoever has them (the pages that show the photo).
    social = photo.renditions.get(spec="social")
    assert client.get(social.file.url).status_code == 200


@pytest.mark.django_db
def test_the_uploaded_name_is_shown_in_the_library_only_as_data(admin_client):
    upload_photo(admin_client, "IMG_2041.jpg", image_bytes(), alt_text="x")
    photo = Photo.objects.get()
    assert photo.original_filename == "IMG_2041.jpg" and "IMG_2041" not in photo.image.name
    page = admin_client.get(reverse("admin:photos_photo_change", args=[photo.pk]))
    assert "IMG_2041.jpg" in page.content.decode()


def wide_photo():
    """1200×600, dark, with a yellow band down its left edge."""
    picture = Image.new("RGB", (1200, 600), (20, 20, 20))
    ImageDraw.Draw(picture).rectangle((0, 0, 200, 600), fill=(250, 250, 0))
    buffer = BytesIO()
    picture.save(buffer, "JPEG")
    photo = make_photo(with_file=False)
    photo.image.save("wide.jpg", ContentFile(buffer.getvalue()))
    return photo


@pytest.mark.django_db
def test_a_new_crop_is_a_new_file_and_the_old_one_goes(media_root):
    photo = wide_photo()
    renditions.ensure_renditions(photo, ["crop-1x1", "social"])
    centred = {r.spec: r.file.name for r in photo.renditions.all()}

    # The focal point moves to the yellow band: the crops change, so do their names.
    photo.focal_x, photo.focal_y, photo.focal_width, photo.focal_height = 0, 0, 200, 600
    photo.save()
    renditions.delete_renditions(photo)
    renditions.ensure_renditions(photo, ["crop-1x1", "social"])
    moved = {r.spec: r.file.name for r in photo.renditions.all()}
    assert set(moved) == {"crop-1x1", "social"}
    for spec, name in moved.items():
        assert name != centred[spec] and hashed(name)
        assert not (media_root / centred[spec]).exists()  # no stale file under an old name


@pytest.mark.django_db
def test_same_crop_again_gets_the_same_content_under_its_name(media_root):
    photo = make_photo()
    first = renditions.rendition(photo, "crop-4x3")
    name, content = first.file.name, (media_root / first.file.name).read_bytes()
    renditions.delete_renditions(photo)
    again = renditions.rendition(photo, "crop-4x3")
    # Whatever name it gets, a name never points at other bytes than its hash says.
    assert PurePosixPath(again.file.name).stem == hashlib.sha256(content).hexdigest()[:40]
    assert PurePosixPath(name).stem == PurePosixPath(again.file.name).stem


@pytest.mark.django_db
def test_photos_stored_under_their_old_names_keep_working(client, media_root):
    """Stored names are paths: a photo saved before hashing (``p7.jpg``) and its rendition
    under ``<id>-w640-jpeg.jpg`` still render and answer."""
    photo = make_photo()
    assert not hashed(photo.image.name)
    made = renditions.rendition(photo, "w64-jpeg")
    old_name = f"renditions/{photo.pk}-w64-jpeg.jpg"
    (media_root / "renditions").mkdir(exist_ok=True)
    (media_root / old_name).write_bytes((media_root / made.file.name).read_bytes())
    made.file.name = old_name
    made.save()
    html = Template("{% load photos %}{% picture photo %}").render(
        Context({"photo": Photo.objects.get(pk=photo.pk)})
    )
    assert f"/media/{old_name}" in html
    assert client.get(f"/media/{old_name}").status_code == 200
    assert client.get(photo.image.url).status_code == 200
