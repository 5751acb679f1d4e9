"""Photo files entering the library: validating uploads and reading their metadata.

Every way a file enters the library (the admin form, the importers) goes through
:func:`prepare_upload`, so the same checks hold everywhere.

The stored original is itself a public file (it is under MEDIA_URL), so it keeps
nothing but pixels and the colour profile: no EXIF, GPS, IPTC, XMP, comment or text
chunk, so nothing the camera (or anyone since) recorded can reach a reader. A JPEG
is stripped segment by segment without re-encoding; other files, and JPEGs that must
be turned upright, are re-encoded. Credit, copyright and caption are read from the
metadata before it is dropped. Its name is a hash of its bytes (``stored_name``).
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
ORIENTATION = 0x0112


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
                if image.format == "JPEG":
                    # libjpeg still reads every byte when it scales by 1/8 as it decodes, so
                    # truncation is caught with a 64th of the memory (180 MB for 60 MP).
                    image.draft(None, (max(1, width // 8), max(1, height // 8)))
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


# The only JPEG segments a stored file keeps besides the picture's own: the JFIF header,
# the colour profile, and Adobe's colour transform flag (without it CMYK and RGB files
# decode with the wrong colours). EXIF, XMP, IPTC/Photoshop, comments, MPF and every
# other application segment go.
JPEG_KEEP_APP = {0xE0: b"JFIF\x00", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}
# Markers that describe the picture: frames (SOFn), tables (DHT, DAC, DQT), restart
# interval, scans, DNL, DHP, EXP.
JPEG_PICTURE_MARKERS = {*range(0xC0, 0xC8), *range(0xC9, 0xD0), 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF}
JFIF_HEADER_LENGTH = 14  # identifier, version, units, density; then its thumbnail, dropped
# What a decoded frame may keep of the file's ``info``: how to show the pixels, no more.
PIXEL_INFO = ("icc_profile", "transparency", "duration", "loop", "background", "disposal")


def _strip_jpeg(data: bytes) -> bytes | None:
    """``data`` with every segment but the picture's dropped, losslessly; None if unsure.

    Nothing is decoded or re-encoded: the stored original has the camera's pixels and
    costs no memory however big it is. Anything after the end of the image (phone
    makers append second pictures and metadata there) goes too.
    """
    if data[:2] != b"\xff\xd8":
        return None
    out = [b"\xff\xd8"]
    i, end = 2, len(data)
    while i < end:
        if data[i] != 0xFF:
            return None
        while i < end and data[i] == 0xFF:  # fill bytes before a marker
            i += 1
        if i >= end:
            return None
        marker = data[i]
        i += 1
        if marker == 0xD9:  # end of image
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(bytes((0xFF, marker)))
            continue
        if i + 2 > end:
            return None
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2 or i + length > end:
            return None
        payload = data[i + 2 : i + length]
        i += length
        if marker in JPEG_KEEP_APP:
            if not payload.startswith(JPEG_KEEP_APP[marker]):
                continue
            if marker == 0xE0:
                payload = payload[: JFIF_HEADER_LENGTH - 2] + b"\x00\x00"  # no thumbnail
        elif marker not in JPEG_PICTURE_MARKERS:
            continue
        out.append(bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload)
        if marker == 0xDA:  # entropy-coded data follows, up to the next real marker
            start = i
            while True:
                i = data.find(b"\xff", i)
                if i < 0 or i + 1 >= end:
                    return None
                following = data[i + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i += 2  # a stuffed 0xFF or a restart marker: still the scan
                elif following == 0xFF:
                    i += 1
                else:
                    break
            out.append(data[start:i])
    return None


def _decodes(data: bytes) -> bool:
    """Whether ``data`` is a complete JPEG, checked at 1/8 scale."""
    try:
        with Image.open(BytesIO(data)) as image:
            image.draft(None, (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except (OSError, SyntaxError, ValueError):
        return False
    return True


def _pixels_only(image: Image.Image) -> Image.Image:
    """``image`` with its ``info`` cut to what displays it: Pillow writes a JPEG's COM
    segment and a GIF's comment extension back from ``info`` when it saves."""
    image.info = {k: v for k, v in image.info.items() if k in PIXEL_INFO}
    return image


def _clean_original(data):
    """The upload upright, with nothing but pixels and the colour profile; and its format."""
    with Image.open(BytesIO(data)) as image:
        kind = image.format
        if kind == "JPEG" and image.getexif().get(ORIENTATION, 1) == 1:
            stripped = _strip_jpeg(data)
            if stripped is not None and _decodes(stripped):
                return stripped, kind
        icc = image.info.get("icc_profile")
        frames = getattr(image, "n_frames", 1)
        buffer = BytesIO()
        options = {"icc_profile": icc} if icc else {}
        if frames > 1:
            # Animations keep every frame (they carry no orientation to apply); each is
            # copied out with its timing and transparency only, so no comment rides along.
            sequence = [_pixels_only(frame.copy()) for frame in ImageSequence.Iterator(image)]
            first, rest = sequence[0], sequence[1:]
            first.save(buffer, kind, save_all=True, append_images=rest, **options)
        else:
            image.load()
            # In place: a copy of a 60-megapixel picture is another 180 MB.
            ImageOps.exif_transpose(image, in_place=True)
            upright = _pixels_only(image)
            if kind == "JPEG":
                # Huffman optimisation makes libjpeg hold every coefficient of the picture
                # (as much again as its pixels): only for files where that is small.
                options.update(quality=92, optimize=upright.width * upright.height <= 16e6)
                if upright.mode not in ("RGB", "L", "CMYK"):
                    upright = upright.convert("RGB")
            elif kind in ("WEBP", "AVIF"):
                options.update(quality=90)
            upright.save(buffer, kind, **options)
    return buffer.getvalue(), kind


def stored_name(data: bytes, extension: str) -> str:
    """A file name from the bytes themselves: nobody finds a draft's photo by counting or
    by guessing what the photographer called it, and a name never changes its content
    (caches may keep it for ever)."""
    return f"{content_hash(data)[:40]}.{extension}"


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
    if photo is not None:
        # The name the file came with is data for the library, never part of its address.
        name = PurePath(getattr(file, "name", "") or "").name
        photo.original_filename = name[: _max_length("original_filename")]
    return ContentFile(clean, name=stored_name(clean, EXTENSIONS[kind]))
