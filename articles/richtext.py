"""The article body: sanitising on every save path, and expanding photo embeds for display.

Photos in a body are references, ``<figure data-photo="ID">`` with an optional
``<figcaption>`` for this use; the picture, default caption and credit come from the
library when the page is rendered.
"""

import re

import nh3
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "hr",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "figure": {"data-photo"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# nh3 writes attributes back normalised (double quotes), so this sees only its own output.
EMBED_RE = re.compile(
    r'<figure data-photo="(?P<id>\d+)">(?:\s*<figcaption>(?P<caption>.*?)</figcaption>)?'
    r"\s*</figure>",
    re.DOTALL,
)


def sanitize(html):
    """Return ``html`` reduced to the body allow-list: no scripts, handlers, styles or data URLs."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def embedded_photo_ids(html):
    return [int(m.group("id")) for m in EMBED_RE.finditer(html or "")]


def expand_embeds(html, photos, *, eager_first=False):
    """Render each photo embed in ``html`` with ``photos`` (a dict of id → Photo).

    An embed whose photo no longer exists is dropped rather than shown broken. Embeds
    load lazily; with ``eager_first`` (a page with no lead photo) the first one loads at
    once, since it is likely in the first screen.
    """
    rendered = 0

    def render(match):
        nonlocal rendered
        photo = photos.get(int(match.group("id")))
        if photo is None:
            return ""
        rendered += 1
        # The per-use caption is body HTML, already reduced to the allow-list on save.
        caption = mark_safe(match.group("caption") or "")
        return render_to_string(
            "includes/figure.html",
            {"photo": photo, "caption": caption, "lazy": not (eager_first and rendered == 1)},
        )

    return mark_safe(EMBED_RE.sub(render, html or ""))
