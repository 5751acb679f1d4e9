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
