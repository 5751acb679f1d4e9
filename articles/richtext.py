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
    # Imported WordPress bodies use every heading level and definition lists and
    # addresses as structure (wpautop keeps them); without these they would be
    # flattened into loose text.
    "h5",
    "h6",
    "dl",
    "dt",
    "dd",
    "address",
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
# A body's <h1> (Word's and Google Docs' "Heading 1", pasted or imported as it comes) would
# be a second page title, and a tag outside the allow-list is stripped to loose text: it is
# kept as a subhead instead. In nh3's output "<" in text is escaped, so this sees only tags.
H1_TAG_RE = re.compile(r"<(/?)h1(?=[\s/>])")
# Google Docs wraps all it copies in <b style="font-weight:normal" id="docs-internal-guid-…">,
# bold in name only: kept, it would make the whole body bold. Its end tag, left unmatched,
# is ignored by the parser.
DOCS_WRAPPER_RE = re.compile(r"<b\b[^>]*\bid=[\"']?docs-internal-guid-[^>]*>", re.IGNORECASE)

# nh3 writes attributes back normalised (double quotes), so this sees only its own output.
EMBED_RE = re.compile(
    r'<figure data-photo="(?P<id>\d+)">(?:\s*<figcaption>(?P<caption>.*?)</figcaption>)?'
    r"\s*</figure>",
    re.DOTALL,
)


# Bounds on what a body may be. Unclosed tags are closed by the sanitiser, so 0.6 MB of
# unclosed <b><i> was stored as 1.4 MB and took seconds to save: depth is checked before
# sanitising, size before and after. A long feature is about 100 KB of HTML and nests
# fewer than ten levels (a quote in a list in a table); the limits are far above that.
MAX_DEPTH = 40
MAX_BODY_CHARS = 1_000_000
# Tags that never nest (void) or that the next sibling closes (optional end tags):
# counting them would call ordinary unclosed <p> and <li> deep.
_NOT_NESTING = {
    *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"),
    *("track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot"),
    *("option", "optgroup", "colgroup", "caption", "rt", "rp"),
}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(/?)>")


class BodyRejected(ValueError):
    """The body is too deep or too large to store; the message is for the writer."""


def nesting_depth(html):
    """The deepest nesting of tags in ``html``, as a browser would build it (about)."""
    depth = deepest = 0
    for match in _TAG_RE.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _NOT_NESTING or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _check_size(html, when):
    if len(html) > MAX_BODY_CHARS:
        raise BodyRejected(
            f"The body is too long: {len(html):,} characters {when}; the limit is "
            f"{MAX_BODY_CHARS:,}. Split the story or remove pasted material."
        )


def sanitize(html):
    """Return ``html`` reduced to the body allow-list: no scripts, handlers, styles or data URLs.

    Raises BodyRejected when the body is larger than MAX_BODY_CHARS (before or after
    cleaning) or nests tags deeper than MAX_DEPTH.
    """
    html = html or ""
    _check_size(html, "as written")
    if (depth := nesting_depth(html)) > MAX_DEPTH:
        raise BodyRejected(
            f"The body nests tags {depth} deep (the limit is {MAX_DEPTH}): it probably "
            "has unclosed formatting such as <b> or <i>, e.g. from pasted text. Remove the "
            "formatting and apply it again."
        )
    cleaned = _clean(html)
    _check_size(cleaned, "once cleaned")
    return cleaned


def _clean(html):
    cleaned = nh3.clean(
        DOCS_WRAPPER_RE.sub("", html),
        tags=ALLOWED_TAGS | {"h1"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return H1_TAG_RE.sub(r"<\1h2", cleaned)


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
