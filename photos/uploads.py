"""Photo files entering the library: validating uploads and reading their metadata.

Every way a file enters the library (the admin form, the importers) goes through
:func:`prepare_upload`, so the same checks hold everywhere.

The stored original is itself a public file (it is under MEDIA_URL), so it is
re-encoded on upload, upright and without EXIF, GPS, IPTC or XMP: nothing the
camera recorded about the place or the device can reach a reader. Credit,
copyright and caption are read from the metadata before it is dropped.
"""

import hashlib
import warnings
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from PIL import Image, ImageFile, ImageOps, ImageSequence, IptcImagePlugin, UnidentifiedImageError

from .models import Photo

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "AVIF", "GIF"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif", "GIF": "gif"}
DEFAULT_MAX_PIXELS = 60_000_000
DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024

# IPTC IIM datasets (record 2) and EXIF tags that carry credit, rights and caption.
IPTC_BYLINE, IPTC_CREDIT, IPTC_SOURCE = (2, 80), (2, 110), (2, 115)
IPTC_COPYRIGHT, IPTC_CAPTION = (2, 116), (2, 120)
EXIF_ARTIST, EXIF_COPYRIGHT, EXIF_DESCRIPTION = 0x013B, 0x8298, 0x010E


def max_pixels() -> int:
    return getattr(settings, "NEWSROOM_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def max_upload_bytes() -> int:
    return getattr(settings, "NEWSROOM_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _read_all(file):
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _megabytes(n):
    return f"{n / (1024 * 1024):.1f} MB"


def validate_image(file: File) -> bytes:
    """Refuse anything but a complete JPEG, PNG, WebP, AVIF or GIF within our limits.

    Returns the file's bytes. Raises ValidationError with a message an editor can act on.
    """
    name = PurePath(getattr(file, "name", "") or "file").name
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            f"{name} is {_megabytes(size)}; the largest file accepted is "
            f"{_megabytes(max_upload_bytes())}.",
            code="too_large",
        )
    data = _read_all(file)
    if not data:
        raise ValidationError(f"{name} is empty.", code="empty")
    if len(data) > max_upload_bytes():
        raise ValidationError(
            f"{name} is {_megabytes(len(data))}; the largest file accepted is "
            f"{_megabytes(max_upload_bytes())}.",
            code="too_large",
        )

    unreadable = ValidationError(
        f"{name} is not an image we accept: upload a JPEG, PNG, WebP, AVIF or GIF file "
        "(SVG and other formats are refused).",
        code="not_an_image",
    )
    # We enforce our own pixel cap below, before any pixel is decoded; Pillow's own
    # warning would only add noise, and its hard error is caught as "too large".
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data)) as image:  # reads the header only
                kind, width, height = image.format, image.width, image.height
                if kind not in ALLOWED_FORMATS:
                    raise ValidationError(
                        f"{name} is a {kind} file; we accept JPEG, PNG, WebP, AVIF and GIF.",
                        code="format",
                    )
                _check_pixels(name, width * height)
                _check_pixels(name, width * height * getattr(image, "n_frames", 1))
                image.verify()
            # verify() leaves the image unusable and does not decode every format fully:
            # decode each frame of a fresh copy, which is what catches a truncated file.
            with Image.open(BytesIO(data)) as image:
                for frame in ImageSequence.Iterator(image):
                    frame.load()
        except ValidationError:
            raise
        except Image.DecompressionBombError as exc:
            raise ValidationError(
                f"{name} has too many pixels; the most accepted is {max_pixels():,}.",
                code="too_many_pixels",
            ) from exc
        except UnidentifiedImageError as exc:
            raise unreadable from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ValidationError(
                f"{name} is damaged or incomplete and cannot be read ({exc}).", code="damaged"
            ) from exc
    return data


def _check_pixels(name, pixels):
    if pixels > max_pixels():
        raise ValidationError(
            f"{name} has {pixels:,} pixels; the most accepted is {max_pixels():,}.",
            code="too_many_pixels",
        )


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text(value):
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return " ".join(str(value or "").replace("\x00", " ").split())


def read_metadata(image: ImageFile.ImageFile) -> dict[str, str]:
    """Credit, copyright and caption from the file's IPTC and EXIF fields, where present."""
    iptc = IptcImagePlugin.getiptcinfo(image) or {}
    exif = image.getexif()
    byline = _text(iptc.get(IPTC_BYLINE)) or _text(exif.get(EXIF_ARTIST))
    agency = _text(iptc.get(IPTC_CREDIT)) or _text(iptc.get(IPTC_SOURCE))
    parts = [p for p in (byline, agency) if p]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return {
        "credit_line": " / ".join(parts),
        "copyright_notice": _text(iptc.get(IPTC_COPYRIGHT)) or _text(exif.get(EXIF_COPYRIGHT)),
        "caption": _text(iptc.get(IPTC_CAPTION)) or _text(exif.get(EXIF_DESCRIPTION)),
    }


def _clean_original(data):
    """The upload re-encoded upright, with no EXIF, GPS, IPTC or XMP; and its format."""
    with Image.open(BytesIO(data)) as image:
        kind = image.format
        icc = image.info.get("icc_profile")
        frames = getattr(image, "n_frames", 1)
        buffer = BytesIO()
        options = {"icc_profile": icc} if icc else {}
        if frames > 1:
            # Animations keep every frame; they carry no orientation to apply.
            image.save(buffer, kind, save_all=True, **options)
        else:
            upright = ImageOps.exif_transpose(image)
            if kind == "JPEG":
                options.update(quality=92, optimize=True)
                if upright.mode not in ("RGB", "L", "CMYK"):
                    upright = upright.convert("RGB")
            elif kind in ("WEBP", "AVIF"):
                options.update(quality=90)
            upright.save(buffer, kind, **options)
    return buffer.getvalue(), kind


def _max_length(field: str) -> int | None:
    return getattr(Photo._meta.get_field(field), "max_length", None)


def prepare_upload(file: File, photo: Photo | None = None) -> ContentFile:
    """Check ``file``; return a clean copy to store. With ``photo``, fill its blanks.

    The copy is upright and stripped of metadata. On ``photo`` it records the content
    hash (of the file as uploaded, to find duplicates) and pre-fills credit line,
    copyright notice and caption where they are blank.
    Raises ValidationError with a message an editor can act on.
    """
    data = validate_image(file)
    if photo is not None:
        photo.content_hash = content_hash(data)
        with Image.open(BytesIO(data)) as image:
            for field, value in read_metadata(image).items():
                if value and not getattr(photo, field):
                    setattr(photo, field, value[: _max_length(field)])
    clean, kind = _clean_original(data)
    stem = PurePath(getattr(file, "name", "") or "photo").stem or "photo"
    return ContentFile(clean, name=f"{stem}.{EXTENSIONS[kind]}")
