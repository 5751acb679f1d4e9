"""Photo uploads are checked by content; bad files are refused clearly and leave nothing behind."""

import hashlib
import random
import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from photos.models import Photo
from photos.uploads import prepare_upload

from .factories import image_bytes, make_photo, upload_photo

pytestmark = pytest.mark.django_db


def png_chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_declaring(width, height, payload=12_000):
    """A small, well-formed PNG header claiming a huge image: a decompression bomb's shape."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    noise = random.Random(4).randbytes(payload)  # incompressible, so the file is ~12 KB
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(noise))
        + png_chunk(b"IEND", b"")
    )


def animated_gif(frames, size=(100, 100)):
    pictures = [Image.new("RGB", size, (i * 30, 0, 0)) for i in range(frames)]
    buffer = BytesIO()
    pictures[0].save(buffer, "GIF", save_all=True, append_images=pictures[1:], duration=100)
    return buffer.getvalue()


def files_in(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>alert(document.cookie)</script></svg>'
)
HTML_PAGE = b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
            "is not an image we accept",
        ),
        ("logo.svg", SVG_WITH_SCRIPT, "is not an image we accept"),
        ("holiday.jpg", HTML_PAGE, "is not an image we accept"),
        ("cut.jpg", image_bytes(size=(800, 600))[:1500], "is damaged or incomplete"),
        ("bomb.png", png_declaring(10_000, 10_000), "has 100,000,000 pixels; the most accepted is"),
        ("empty.jpg", b"", "The submitted file is empty"),
    ],
)
def test_bad_upload_is_refused_in_admin_and_leaves_no_file(
    admin_client, media_root, name, content, message
):
    response = upload_photo(admin_client, name, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "errornote" in page
    assert not Photo.objects.exists()
    assert files_in(media_root) == []


def test_png_past_pillows_own_bomb_limit_gets_our_message(admin_client, media_root):
    # 400 million pixels: Pillow itself refuses to open it; the editor still reads our words.
    response = upload_photo(admin_client, "huge.png", png_declaring(20_000, 20_000))
    assert "has too many pixels; the most accepted is 60,000,000" in response.content.decode()
    assert files_in(media_root) == []


def test_crafted_bomb_png_is_about_twelve_kilobytes():
    assert 11_000 < len(png_declaring(10_000, 10_000)) < 13_500


def test_file_over_the_byte_limit_is_refused(admin_client, media_root, settings):
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 2_000
    content = Image.effect_noise((200, 200), 60).convert("RGB")
    buffer = BytesIO()
    content.save(buffer, "JPEG")
    response = upload_photo(admin_client, "big.jpg", buffer.getvalue())
    assert "the largest file accepted is 0.0 MB" in response.content.decode()
    assert not Photo.objects.exists()
    assert files_in(media_root) == []


def test_pixel_cap_counts_every_frame(admin_client, media_root, settings):
    settings.NEWSROOM_MAX_PIXELS = 100 * 100 * 5
    response = upload_photo(admin_client, "anim.gif", animated_gif(frames=8))
    assert "has 80,000 pixels; the most accepted is 50,000" in response.content.decode()
    assert files_in(media_root) == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "AVIF"])
def test_allowed_formats_are_accepted(
    admin_client, media_root, django_capture_on_commit_callbacks, fmt
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_photo(
            admin_client,
            f"photo.{fmt.lower()}",
            image_bytes(fmt, size=(700, 400)),
            alt_text="A street",
        )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (700, 400)
    assert photo.image.name.endswith(f".{ {'JPEG': 'jpg'}.get(fmt, fmt.lower()) }")
    # The preview is made with the upload; the rest wait for a worker (tests/test_tasks.py).
    assert list(photo.renditions.values_list("spec", flat=True)) == ["w640-jpeg"]


def test_same_content_twice_points_to_the_existing_photo(admin_client, media_root):
    existing = make_photo(with_file=False, title="Harbour at dawn")
    prepare_upload(ContentFile(image_bytes(size=(300, 200)), name="a.jpg"), existing)
    existing.save()
    response = upload_photo(admin_client, "again.jpg", image_bytes(size=(300, 200)))
    page = response.content.decode()
    assert "This file is already in the library as" in page
    assert reverse("admin:photos_photo_change", args=[existing.pk]) in page
    assert Photo.objects.count() == 1
    assert files_in(media_root) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (HTML_PAGE, "is not an image we accept"),
        (png_declaring(10_000, 10_000), "has 100,000,000 pixels"),
    ],
)
def test_importer_entry_point_uses_the_same_checks(content, message):
    with pytest.raises(ValidationError, match=message):
        prepare_upload(ContentFile(content, name="from-import.jpg"))


# The stored original: a JPEG is stripped segment by segment, never re-encoded.


def noisy_jpeg(**options):
    picture = Image.effect_noise((640, 480), 60).convert("RGB")
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "options",
    [{}, {"progressive": True}, {"restart_marker_blocks": 4}, {"subsampling": 0}],
    ids=["baseline", "progressive", "restart-markers", "4:4:4"],
)
def test_a_jpeg_is_stored_with_the_very_pixels_uploaded(options):
    data = noisy_jpeg(comment="a comment", **options)
    stored = prepare_upload(ContentFile(data, name="x.jpg")).read()
    assert b"a comment" not in stored
    with Image.open(BytesIO(stored)) as kept, Image.open(BytesIO(data)) as uploaded:
        assert kept.tobytes() == uploaded.tobytes()


def test_a_big_jpeg_cut_short_is_refused_though_checked_at_reduced_size():
    data = noisy_jpeg()
    with pytest.raises(ValidationError, match="damaged or incomplete"):
        prepare_upload(ContentFile(data[: len(data) - 400], name="cut.jpg"))


def test_an_animation_keeps_its_frames_and_timing():
    stored = prepare_upload(ContentFile(animated_gif(4), name="a.gif")).read()
    with Image.open(BytesIO(stored)) as kept:
        assert kept.n_frames == 4 and kept.info.get("duration") == 100
        kept.seek(3)
        assert kept.convert("RGB").getpixel((50, 50))[0] > 60  # the last frame's red


def test_the_stored_name_is_the_hash_of_the_stored_bytes():
    photo = Photo()
    clean = prepare_upload(ContentFile(image_bytes(), name="Holiday Snap.JPG"), photo)
    assert clean.name == hashlib.sha256(clean.read()).hexdigest()[:40] + ".jpg"
    assert photo.original_filename == "Holiday Snap.JPG"
