"""Photo files: validating uploads by their content before anything is stored."""

import hashlib

from django.core.exceptions import ValidationError
from PIL import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "AVIF", "GIF"}


def prepare_upload(file, photo=None):
    """Check that ``file`` is an allowed image, record its hash on ``photo``; return the file.

    Raises ValidationError with a message an editor can act on.
    """
    file.seek(0)
    try:
        with Image.open(file) as image:
            kind = image.format
            image.verify()
    except Exception as exc:
        raise ValidationError(f"{file.name} is not an image we can read ({exc}).") from exc
    if kind not in ALLOWED_FORMATS:
        raise ValidationError(f"{file.name} is a {kind} file; allowed: JPEG, PNG, WebP, AVIF, GIF.")
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    if photo is not None:
        photo.content_hash = digest.hexdigest()
    return file


# Rendition specs by name: (width, height or None for "keep the ratio", format).
CROPS = {"crop-16x9": (16, 9), "crop-4x3": (4, 3), "crop-1x1": (1, 1)}
SOCIAL = ("social", 1200, 630)


def rendition(photo, spec):
    """The Rendition of ``photo`` for ``spec``, made once and then reused.

    Specs: ``w640-webp`` / ``w640-jpeg`` (a width), ``crop-16x9`` / ``crop-4x3`` /
    ``crop-1x1`` (JPEG crops), ``social`` (1200×630 JPEG).
    """
    from io import BytesIO

    from django.core.files.base import ContentFile
    from django.db import IntegrityError, transaction

    from .models import Rendition

    existing = photo.renditions.filter(spec=spec).first()
    if existing:
        return existing
    with photo.image.open("rb") as fh, Image.open(fh) as image:
        image = image.convert("RGB")
        fmt = "JPEG"
        if spec.startswith("w"):
            width, _, kind = spec[1:].partition("-")
            width = min(int(width), image.width)
            height = round(image.height * width / image.width)
            fmt = {"webp": "WEBP", "avif": "AVIF"}.get(kind, "JPEG")
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        else:
            ratio_w, ratio_h = CROPS.get(spec, (SOCIAL[1], SOCIAL[2]))
            target_w = min(image.width, image.height * ratio_w // ratio_h)
            target_h = target_w * ratio_h // ratio_w
            left = (image.width - target_w) // 2
            top = (image.height - target_h) // 2
            image = image.crop((left, top, left + target_w, top + target_h))
            if spec == SOCIAL[0]:
                image = image.resize(SOCIAL[1:], Image.Resampling.LANCZOS)
        buffer = BytesIO()
        image.save(buffer, fmt, quality=82)
    ext = {"JPEG": "jpg", "WEBP": "webp", "AVIF": "avif"}[fmt]
    try:
        with transaction.atomic():
            made = Rendition(photo=photo, spec=spec, width=image.width, height=image.height)
            made.file.save(f"{photo.pk}-{spec}.{ext}", ContentFile(buffer.getvalue()), save=False)
            made.save()
            return made
    except IntegrityError:
        made.file.delete(save=False)  # another request made it first; use theirs
        return photo.renditions.get(spec=spec)
