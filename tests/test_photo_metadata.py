"""Credit, copyright and caption come from the file; location and camera data never go public."""

import struct
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import ExifTags, Image

from photos import renditions, uploads
from photos.models import Photo
from tests.factories import run_worker, upload_photo

pytestmark = pytest.mark.django_db

GPS_IFD = ExifTags.IFD.GPSInfo


def iptc_segment(fields):
    """A JPEG APP13 segment holding IPTC IIM record-2 datasets, as Photoshop writes it."""
    data = b"".join(
        b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(value.encode())) + value.encode()
        for number, value in fields.items()
    )
    resource = b"8BIM" + b"\x04\x04" + b"\x00\x00" + struct.pack(">I", len(data)) + data
    if len(data) % 2:
        resource += b"\x00"
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def exif_with_gps(orientation=1, **tags):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Examplecam"
    for name, value in tags.items():
        exif[getattr(ExifTags.Base, name)] = value
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (4.0, 35.0, 56.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (74.0, 4.0, 33.0)
    return exif


def camera_jpeg(size=(1400, 1000), orientation=1, iptc=None, **exif_tags):
    picture = Image.linear_gradient("L").resize(size).convert("RGB")
    picture.paste((200, 30, 30), (0, 0, size[0] // 4, size[1] // 4))  # a red top-left corner
    buffer = BytesIO()
    picture.save(buffer, "JPEG", exif=exif_with_gps(orientation, **exif_tags).tobytes())
    data = buffer.getvalue()
    if iptc:
        data = data[:2] + iptc_segment(iptc) + data[2:]  # right after SOI
    return data


IPTC_FIELDS = {
    80: "Andrea Puentes",
    110: "Presidency of Colombia",
    116: "© Presidency of Colombia 2025",
    120: "The two presidents in Washington.",
}


def upload(client, data, **fields):
    return upload_photo(client, "camera.jpg", data, **{"alt_text": "Presidents", **fields})


def has_gps(path):
    with Image.open(path) as picture:
        exif = picture.getexif()
        return (
            bool(exif.get_ifd(GPS_IFD))
            or GPS_IFD in exif
            or b"GPS" in (picture.info.get("exif") or b"")
        )


def test_test_file_really_carries_gps_and_iptc(tmp_path):
    path = tmp_path / "camera.jpg"
    path.write_bytes(camera_jpeg(iptc=IPTC_FIELDS))
    assert has_gps(path)
    with Image.open(path) as picture:
        assert uploads.read_metadata(picture)["credit_line"] == (
            "Andrea Puentes / Presidency of Colombia"
        )


def test_iptc_credit_copyright_and_caption_are_prefilled(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, camera_jpeg(iptc=IPTC_FIELDS))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.credit_line == "Andrea Puentes / Presidency of Colombia"
    assert photo.copyright_notice == "© Presidency of Colombia 2025"
    assert photo.caption == "The two presidents in Washington."
    assert [(c.creator, c.organisation) for c in photo.credits.all()] == [
        ("Andrea Puentes", "Presidency of Colombia")
    ]


def test_what_the_editor_typed_is_not_replaced(admin_client):
    upload(admin_client, camera_jpeg(iptc=IPTC_FIELDS), credit_line="Ledger staff")
    photo = Photo.objects.get()
    assert photo.credit_line == "Ledger staff"
    assert photo.caption == "The two presidents in Washington."


def test_exif_artist_copyright_and_description_are_used_without_iptc(admin_client):
    upload(
        admin_client,
        camera_jpeg(
            Artist="Jane Roe", Copyright="Jane Roe 2025", ImageDescription="Harbour at dawn."
        ),
    )
    photo = Photo.objects.get()
    assert (photo.credit_line, photo.copyright_notice, photo.caption) == (
        "Jane Roe",
        "Jane Roe 2025",
        "Harbour at dawn.",
    )


@pytest.mark.django_db(transaction=True)  # the worker reconnects between tasks
def test_no_public_file_carries_gps_or_camera_exif(admin_client):
    upload(admin_client, camera_jpeg(iptc=IPTC_FIELDS))
    run_worker()
    photo = Photo.objects.get()
    made = list(photo.renditions.all())
    assert len(made) == len(renditions.rendition_specs(photo))
    for path in [photo.image.path, *(r.file.path for r in made)]:
        assert not has_gps(path), path
        with Image.open(path) as picture:
            assert dict(picture.getexif()) == {}, path
            assert "photoshop" not in picture.info, path


def test_exif_orientation_is_applied_to_the_stored_file(admin_client):
    # Orientation 6: the camera was turned; the picture must be shown rotated 90° clockwise.
    upload(admin_client, camera_jpeg(size=(1400, 1000), orientation=6))
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (1000, 1400)
    with Image.open(photo.image.path) as stored:
        assert stored.size == (1000, 1400)
        red, green, _ = stored.convert("RGB").getpixel((stored.width - 20, 20))
        assert red > 150 > green  # the red corner turned from top-left to top-right


def test_importer_path_strips_metadata_too():
    photo = Photo()
    clean = uploads.prepare_upload(ContentFile(camera_jpeg(iptc=IPTC_FIELDS), name="x.jpg"), photo)
    assert photo.credit_line == "Andrea Puentes / Presidency of Colombia"
    assert len(photo.content_hash) == 64
    with Image.open(BytesIO(clean.read())) as picture:
        assert dict(picture.getexif()) == {}


# Every carrier of metadata, in every format: nothing but pixels (and the colour profile)
# reaches a stored file. Each test file carries SECRET where a camera, an editing program
# or anyone along the way could have put it.

SECRET = "GPS 48.8566N 2.3522E"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    f'22-rdf-syntax-ns#"><rdf:Description>{SECRET}</rdf:Description></rdf:RDF></x:xmpmeta>'
)
METADATA_KEYS = {"exif", "xmp", "comment", "photoshop", "XML:com.adobe.xmp", "Comment"}


def _picture(mode="RGB", size=(400, 300)):
    picture = Image.linear_gradient("L").resize(size).convert(mode)
    return picture


def _saved(picture, fmt, **options):
    buffer = BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def _exif_secret():
    exif = exif_with_gps()
    exif[ExifTags.Base.Make] = SECRET
    return exif.tobytes()


def _xmp_app1():
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + XMP.encode()
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _after_soi(data, segment):
    return data[:2] + segment + data[2:]


def _png_text_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    info.add_text("Description", SECRET, zip=True)  # zTXt: compressed, not found by grep
    info.add_itxt("XML:com.adobe.xmp", XMP)
    return _saved(_picture(), "PNG", pnginfo=info, exif=_exif_secret())


def _gif_with_comment(frames=1):
    images = [_picture("L").convert("P") for _ in range(frames)]
    if frames == 1:
        return _saved(images[0], "GIF", comment=SECRET.encode())
    for n, frame in enumerate(images):
        frame.info["comment"] = f"{SECRET} frame {n}".encode()
    return _saved(
        images[0],
        "GIF",
        save_all=True,
        append_images=images[1:],
        duration=100,
        loop=0,
        comment=SECRET.encode(),
    )


CARRIERS = {
    "jpeg-exif": lambda: _saved(_picture(), "JPEG", exif=_exif_secret()),
    "jpeg-xmp": lambda: _after_soi(_saved(_picture(), "JPEG"), _xmp_app1()),
    "jpeg-iptc": lambda: _after_soi(_saved(_picture(), "JPEG"), iptc_segment({25: SECRET})),
    "jpeg-com": lambda: _saved(_picture(), "JPEG", comment=SECRET),
    "jpeg-trailer": lambda: _saved(_picture(), "JPEG") + SECRET.encode(),
    "png-text-chunks": _png_text_chunks,
    "webp-exif-xmp": lambda: _saved(_picture(), "WEBP", exif=_exif_secret(), xmp=XMP.encode()),
    "gif-comment": _gif_with_comment,
    "gif-animated-comments": lambda: _gif_with_comment(frames=3),
}


def _assert_pixels_only(path):
    raw = Path(path).read_bytes()
    assert SECRET.encode() not in raw and b"Examplecam" not in raw, path
    assert b"xmpmeta" not in raw and b"Photoshop" not in raw, path
    with Image.open(path) as picture:
        assert not METADATA_KEYS & set(picture.info), (path, set(picture.info))
        assert dict(picture.getexif()) == {}, path
        assert not getattr(picture, "text", {}), path  # PNG tEXt, zTXt, iTXt


@pytest.mark.parametrize("carrier", CARRIERS)
def test_no_metadata_carrier_survives_into_any_stored_file(carrier):
    data = CARRIERS[carrier]()
    assert SECRET.encode() in data or b"Description" in data  # the file carries it
    photo = Photo()
    clean = uploads.prepare_upload(ContentFile(data, name=f"{carrier}.bin"), photo)
    photo.image.save(clean.name, clean)
    made = renditions.ensure_renditions(photo)
    assert len(made) == len(renditions.rendition_specs(photo))
    for path in [photo.image.path, *(r.file.path for r in made.values())]:
        _assert_pixels_only(path)


@pytest.mark.skipif(not renditions.features.check("avif"), reason="Pillow without AVIF")
def test_avif_exif_and_xmp_do_not_survive():
    data = _saved(_picture(), "AVIF", exif=_exif_secret(), xmp=XMP.encode())
    photo = Photo()
    clean = uploads.prepare_upload(ContentFile(data, name="a.avif"), photo)
    photo.image.save(clean.name, clean)
    _assert_pixels_only(photo.image.path)


@pytest.mark.django_db(transaction=True)  # the worker reconnects between tasks
def test_a_jpeg_comment_reaches_no_file_through_the_upload_and_the_worker(admin_client):
    upload(admin_client, _saved(_picture(size=(1400, 1000)), "JPEG", comment=SECRET))
    run_worker()
    photo = Photo.objects.get()
    made = list(photo.renditions.all())
    assert len(made) == len(renditions.rendition_specs(photo))
    for path in [photo.image.path, *(r.file.path for r in made)]:
        _assert_pixels_only(path)


def test_the_colour_profile_is_kept_and_a_jpeg_is_not_re_encoded():
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = _saved(_picture(), "JPEG", icc_profile=icc, comment=SECRET, exif=_exif_secret())
    clean = uploads.prepare_upload(ContentFile(data, name="x.jpg")).read()
    with Image.open(BytesIO(clean)) as stored, Image.open(BytesIO(data)) as uploaded:
        assert stored.info.get("icc_profile") == icc
        # Stripped segment by segment: the very pixels the camera wrote, no second loss.
        assert stored.tobytes() == uploaded.tobytes()
    assert len(clean) < len(data)
