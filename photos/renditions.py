"""Renditions: the widths, crops and formats the site shows a photo in.

They are derived files, made from the stored original and regenerable at any time
(``manage.py regenerate_renditions``).
"""

import ctypes
import ctypes.util
import gc
import math
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from PIL import Image, ImageOps, features

from .models import Photo, Rendition
from .uploads import EXTENSIONS, ORIENTATION, stored_name

WIDTHS = (320, 640, 960, 1280, 1920)
CROPS = {"crop-16x9": (16, 9), "crop-4x3": (4, 3), "crop-1x1": (1, 1)}
CROP_MAX_WIDTH = 1600
SOCIAL = ("social", 1200, 630)
# Modes Pillow's reduce() takes; palette and 1-bit pictures are resized as they are.
REDUCIBLE_MODES = {"L", "LA", "PA", "RGB", "RGBA", "RGBX", "RGBa", "La", "CMYK", "I", "F"}
QUALITY = {"JPEG": 82, "WEBP": 80, "AVIF": 60}
# AVIF encoding dominates the cost of a rendition set; at speed 8 it is about three times
# faster than libavif's default for files about 5% larger (bench/renditions.py).
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"optimize": True},
    "WEBP": {},
    "AVIF": {"speed": 8},
}


def web_formats() -> list[str]:
    """Formats offered in ``<picture>``, best first; JPEG is the fallback everyone reads."""
    return (["avif"] if features.check("avif") else []) + ["webp", "jpeg"]


def widths_for(photo: Photo) -> list[int]:
    """The srcset widths for ``photo``: never wider than the original."""
    if not photo.width:
        return []
    widest = min(photo.width, WIDTHS[-1])
    return sorted({w for w in WIDTHS if w < widest} | {widest})


def preview_spec(photo: Photo) -> str:
    """The small JPEG made with the upload: 640 wide, or the original's width if less."""
    widths = widths_for(photo)
    return f"w{widths[1] if len(widths) > 1 else widths[0]}-jpeg"


def rendition_specs(photo: Photo) -> list[str]:
    """Every spec the site uses for ``photo``."""
    sized = [f"w{w}-{fmt}" for w in widths_for(photo) for fmt in web_formats()]
    return sized + [*CROPS, SOCIAL[0]]


def crop_box(
    size: tuple[int, int],
    ratio: tuple[int, int],
    focal: tuple[int, int, int, int] | None = None,
) -> tuple[int, int, int, int]:
    """The largest box of ``ratio`` inside ``size``, centred on the focal box where it can be.

    ``focal`` is (x, y, width, height) in original pixels; without it the centre is used.
    """
    width, height = size
    ratio_w, ratio_h = ratio
    box_w = min(width, height * ratio_w // ratio_h)
    box_h = min(height, box_w * ratio_h // ratio_w)
    if focal:
        fx, fy, fw, fh = focal
        centre_x, centre_y = fx + fw / 2, fy + fh / 2
    else:
        centre_x, centre_y = width / 2, height / 2
    left = int(min(max(centre_x - box_w / 2, 0), width - box_w))
    top = int(min(max(centre_y - box_h / 2, 0), height - box_h))
    return left, top, left + box_w, top + box_h


def _focal(photo):
    if photo.focal_x is None or photo.focal_y is None:
        return None
    return photo.focal_x, photo.focal_y, photo.focal_width or 0, photo.focal_height or 0


def _flatten(image):
    """RGB for JPEG: transparent areas become white rather than black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _scaled(image, width, scaled):
    """``image`` resized to ``width``, reusing ``scaled`` ({width: image}) across calls.

    Each size is made once for all its formats, from the smallest larger size already
    made: going down from 1920 rather than from a 24-megapixel original each time.
    """
    if width in scaled:
        return scaled[width]
    source = min(
        (im for w, im in scaled.items() if w > width), key=lambda im: im.width, default=image
    )
    height = max(1, round(image.height * width / image.width))
    scaled[width] = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return scaled[width]


def spec_width(spec: str) -> int:
    """The width a ``w<width>-<format>`` spec asks for, or 0 for a crop."""
    return int(spec[1:].partition("-")[0]) if spec.startswith("w") else 0


def render_spec(
    image: Image.Image,
    spec: str,
    focal: tuple[int, int, int, int] | None = None,
    scaled: dict[int, Image.Image] | None = None,
) -> tuple[bytes, str, tuple[int, int]]:
    """Make the picture for ``spec`` from an open upright ``image``: (bytes, format, size).

    Pass the same ``scaled`` dict to several calls to share resized copies between them.
    """
    fmt = "JPEG"
    if spec.startswith("w"):
        kind = spec.partition("-")[2]
        fmt = {"webp": "WEBP", "avif": "AVIF", "jpeg": "JPEG"}[kind]
        width = min(spec_width(spec), image.width)
        image = _scaled(image, width, {} if scaled is None else scaled)
    elif spec in CROPS or spec == SOCIAL[0]:
        ratio = CROPS.get(spec) or SOCIAL[1:]
        box = crop_box(image.size, ratio, focal)
        box_w, box_h = box[2] - box[0], box[3] - box[1]
        if spec == SOCIAL[0]:
            target = SOCIAL[1:]
        else:
            width = min(box_w, CROP_MAX_WIDTH)
            target = (width, max(1, round(box_h * width / box_w)))
        if target != (box_w, box_h):
            # Resized straight from the box: no full-size copy of the crop first.
            image = image.resize(target, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        else:
            image = image.crop(box)
    else:
        raise ValueError(f"Unknown rendition spec {spec!r}")
    if fmt == "JPEG":
        image = _flatten(image)
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    buffer = BytesIO()
    # Saved without exif= or any metadata argument: nothing but pixels leaves here.
    image.save(buffer, fmt, quality=QUALITY[fmt], **SAVE_OPTIONS[fmt])
    return buffer.getvalue(), fmt, image.size


def _prefetched(photo: Photo) -> dict[str, Any]:
    """The instance's prefetch cache, where Django's related managers look first."""
    return photo.__dict__.setdefault("_prefetched_objects_cache", {})


def photos_with_renditions(ids: Iterable[int]) -> dict[int, Photo]:
    """{id: Photo} for ``ids``, each with its renditions, in one query for them all.

    The renditions are read with their photos joined, and handed to each photo as a
    prefetch would (``renditions_of`` reads them there). Only photos with no rendition at
    all (pending, or not made yet) cost a second query.
    """
    photos: dict[int, Photo] = {}
    made: dict[int, list[Rendition]] = {}
    for rendition in Rendition.objects.filter(photo_id__in=ids).select_related("photo"):
        photo = photos.setdefault(rendition.photo_id, rendition.photo)
        made.setdefault(photo.pk, []).append(rendition)
    for pk, photo in photos.items():
        _prefetched(photo)["renditions"] = made[pk]
    rest = set(ids) - photos.keys()
    if rest:
        # The query above found none of theirs, so they have none.
        for pk, photo in Photo.objects.in_bulk(rest).items():
            _prefetched(photo)["renditions"] = []
            photos[pk] = photo
    return photos


def renditions_of(photo: Photo) -> dict[str, Rendition]:
    """The photo's renditions by spec, from the prefetch cache when the caller filled it."""
    if "renditions" not in getattr(photo, "_prefetched_objects_cache", {}):
        prefetch_related_objects([photo], "renditions")
    return {r.spec: r for r in photo.renditions.all()}


def needed_scale(width: int, height: int, specs: Iterable[str]) -> float:
    """The smallest fraction of a ``width``×``height`` original that gives every one of
    ``specs`` all the pixels it shows (1.0: the whole original)."""
    scale = 0.0
    for spec in specs:
        if spec.startswith("w"):
            target, source = min(spec_width(spec), width), width
        else:
            left, _, right, _ = crop_box((width, height), CROPS.get(spec) or SOCIAL[1:])
            source = right - left
            target = SOCIAL[1] if spec == SOCIAL[0] else min(source, CROP_MAX_WIDTH)
        scale = max(scale, target / max(source, 1))
    return min(scale, 1.0)


def _open_upright(photo, specs):
    """The stored original, upright, decoded at the smallest size ``specs`` allow.

    A 60-megapixel picture is 180 MB of pixels, and the largest rendition needs 2 MP of
    them: a JPEG is decoded scaled down by libjpeg (``draft``: 1/2, 1/4 or 1/8, never
    below what is needed), other formats are reduced right after decoding.
    """
    with photo.image.open("rb") as fh:
        data = fh.read()
    image: Image.Image = Image.open(BytesIO(data))
    upright = image.size
    if image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8):  # turned a quarter: sides swap
        upright = upright[::-1]
    # 2% to spare, so that rounding in the crops never leaves one a pixel short.
    scale = min(1.0, needed_scale(*upright, specs) * 1.02)
    if image.format == "JPEG":
        image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.load()
    factor = math.floor(1 / scale) if scale else 1
    if image.format != "JPEG" and factor >= 2 and image.mode in REDUCIBLE_MODES:
        image = image.reduce(factor)
    ImageOps.exif_transpose(image, in_place=True)
    return image


def release_memory() -> None:
    """Give the memory of decoded pictures back to the system after each photo.

    Freed blocks of a big picture stay in the C allocator's heap (glibc raises its
    mmap threshold after the first big free), so a worker would keep the peak of its
    biggest photo for the rest of its life.
    """
    gc.collect()
    if _libc is not None:
        _libc.malloc_trim(0)


def _load_libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 (glibc only: absent from musl and macOS)
    except (OSError, AttributeError):
        return None
    return libc


_libc = _load_libc()


def _store(photo, spec, made):
    """Save one rendition; if another process saved the same spec first, keep theirs."""
    data, fmt, (width, height) = made
    rendition_obj = Rendition(photo=photo, spec=spec)
    # Named by its bytes, in a folder of 256: unguessable for a draft's photo, and a new
    # crop (a moved focal point) is a new address, so caches never serve the old one.
    name = stored_name(data, EXTENSIONS[fmt])
    rendition_obj.file.save(f"{name[:2]}/{name}", ContentFile(data), save=False)
    # Set after the file: Django's own size sniffing does not read every format (AVIF).
    rendition_obj.width, rendition_obj.height = width, height
    try:
        with transaction.atomic():
            rendition_obj.save()
    except IntegrityError:
        rendition_obj.file.delete(save=False)  # the loser's file must not linger
        winner = photo.renditions.filter(spec=spec).first()
        if winner is None:
            raise
        return winner
    return rendition_obj


def ensure_renditions(
    photo: Photo, specs: Iterable[str] | None = None, *, image: Image.Image | None = None
) -> dict[str, Rendition]:
    """Make whichever of ``specs`` (default: all the site uses) ``photo`` lacks.

    Returns {spec: Rendition}. Safe to call from several processes at once.
    """
    if not photo.image:
        return {}
    found = renditions_of(photo)
    wanted = [s for s in (specs or rendition_specs(photo)) if s not in found]
    if wanted:
        opened = image or _open_upright(photo, wanted)
        focal = _focal(photo)
        if focal and photo.width and opened.width != photo.width:
            # The focal box is in the original's pixels; the picture may be decoded smaller.
            ratio = opened.width / photo.width
            fx, fy, fw, fh = focal
            focal = (round(fx * ratio), round(fy * ratio), round(fw * ratio), round(fh * ratio))
        scaled: dict[int, Image.Image] = {}
        for spec in sorted(wanted, key=spec_width, reverse=True):  # widest first, see _scaled
            found[spec] = _store(photo, spec, render_spec(opened, spec, focal, scaled))
        # Later calls on this instance see the new ones without another query.
        _prefetched(photo).pop("renditions", None)
        _remember(photo, found)
    return found


def _remember(photo, found):
    """Put ``found`` in the instance's prefetch cache so templates read it, not the database."""
    queryset = photo.renditions.all()
    queryset._result_cache = list(found.values())
    queryset._prefetch_done = True
    _prefetched(photo)["renditions"] = queryset


def rendition(photo: Photo, spec: str) -> Rendition | None:
    """The Rendition of ``photo`` for ``spec``, made once and then reused.

    Specs: ``w640-webp`` / ``w640-jpeg`` / ``w640-avif`` (a width, never more than the
    original's), ``crop-16x9`` / ``crop-4x3`` / ``crop-1x1`` (JPEG crops around the focal
    point), ``social`` (1200×630 JPEG).
    """
    return ensure_renditions(photo, [spec]).get(spec)


def delete_renditions(photo: Photo) -> None:
    """Remove every rendition of ``photo``, files included (they are regenerable)."""
    for made in photo.renditions.all():
        made.file.delete(save=False)
        made.delete()
    getattr(photo, "_prefetched_objects_cache", {}).pop("renditions", None)
