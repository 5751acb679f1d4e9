"""``{% picture photo %}``: a responsive ``<picture>`` from the photo's renditions."""

from django import template

from .. import renditions

register = template.Library()

MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
# The article column is about 46rem wide; below that the photo spans the screen.
DEFAULT_SIZES = "(min-width: 48rem) 46rem, 100vw"
FALLBACK_WIDTH = 960


def _srcset(found, widths, fmt):
    return ", ".join(
        f"{found[f'w{w}-{fmt}'].file.url} {found[f'w{w}-{fmt}'].width}w" for w in widths
    )


@register.inclusion_tag("photos/picture.html")
def picture(photo, sizes=DEFAULT_SIZES, lazy=True, alt=None):
    """Render ``photo`` with WebP (and AVIF where available) sources and a JPEG fallback.

    Renditions are made by a worker after the photo is uploaded or imported
    (``regenerate_renditions`` backfills), never while a page renders: a page reads them
    from the prefetch the view did, so its query count does not grow with its photos.
    Until they exist the photo is shown from its preview rendition, else from its stored
    original (stripped of metadata too).
    """
    context = {
        "photo": photo,
        "alt": photo.alt_text if alt is None else alt,
        # Only an explicit False makes it eager: an unset template variable is "".
        "loading": "eager" if lazy is False else "lazy",
        "sizes": sizes,
    }
    if not photo or not photo.image:
        return {**context, "photo": None}
    widths = renditions.widths_for(photo)
    formats = renditions.web_formats()
    found = renditions.renditions_of(photo)
    if any(f"w{w}-{fmt}" not in found for w in widths for fmt in formats):
        # Renditions still being made by a worker: the preview made with the upload, or
        # (made before previews existed) the stored original, never a broken image.
        shown = found.get(renditions.preview_spec(photo))
        if shown is None:
            return {**context, "src": photo.image.url, "width": photo.width, "height": photo.height}
        return {**context, "src": shown.file.url, "width": shown.width, "height": shown.height}
    fallback = max([w for w in widths if w <= FALLBACK_WIDTH] or widths[:1])
    largest = found[f"w{widths[-1]}-jpeg"]
    return {
        **context,
        "sources": [
            {"type": MIME[fmt], "srcset": _srcset(found, widths, fmt)}
            for fmt in formats
            if fmt != "jpeg"
        ],
        "srcset": _srcset(found, widths, "jpeg"),
        "src": found[f"w{fallback}-jpeg"].file.url,
        "width": largest.width,
        "height": largest.height,
    }
