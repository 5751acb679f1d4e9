"""``{% picture photo %}``: a responsive ``<picture>`` from the photo's renditions."""

import logging

from django import template

from .. import images

register = template.Library()
logger = logging.getLogger(__name__)

MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
# The article column is about 46rem wide; below that the photo spans the screen.
DEFAULT_SIZES = "(min-width: 48rem) 46rem, 100vw"
FALLBACK_WIDTH = 960


def _srcset(found, widths, fmt):
    return ", ".join(
        f"{found[f'w{w}-{fmt}'].file.url} {found[f'w{w}-{fmt}'].width}w" for w in widths
    )


@register.inclusion_tag("includes/picture.html")
def picture(photo, sizes=DEFAULT_SIZES, lazy=True, alt=None):
    """Render ``photo`` with WebP (and AVIF where available) sources and a JPEG fallback.

    Renditions come from the photo's prefetched ``renditions`` when the view loaded
    them; any missing one is made once, here, and reused from then on.
    """
    context = {"photo": photo, "alt": photo.alt_text if alt is None else alt,
               # Only an explicit False makes it eager: an unset template variable is "".
               "loading": "eager" if lazy is False else "lazy", "sizes": sizes}
    if not photo or not photo.image:
        return {**context, "photo": None}
    widths = images.widths_for(photo)
    formats = images.web_formats()
    try:
        found = images.ensure_renditions(
            photo, [f"w{w}-{fmt}" for w in widths for fmt in formats]
        )
    except (OSError, ValueError) as exc:
        # A missing or unreadable original should not take the page down with it.
        logger.warning("No renditions of photo %s: %s", photo.pk, exc)
        return {**context, "src": photo.image.url, "width": photo.width, "height": photo.height}
    fallback = max([w for w in widths if w <= FALLBACK_WIDTH] or widths[:1])
    largest = found[f"w{widths[-1]}-jpeg"]
    return {
        **context,
        "sources": [{"type": MIME[fmt], "srcset": _srcset(found, widths, fmt)}
                    for fmt in formats if fmt != "jpeg"],
        "srcset": _srcset(found, widths, "jpeg"),
        "src": found[f"w{fallback}-jpeg"].file.url,
        "width": largest.width,
        "height": largest.height,
    }
