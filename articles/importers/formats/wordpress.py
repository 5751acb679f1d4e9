"""WordPress eXtended RSS (WXR 1.0 to 1.2), the file Tools → Export writes.

The file is read twice, streaming both times so memory stays flat on exports of any
size. The first pass checks the whole file (well-formed XML, a WXR version) and
gathers what posts refer to from elsewhere in the file: authors' display names and
the attachments (featured images may come after the post that uses them). Only then
does the second pass yield posts, so a broken file writes nothing at all.

Mapping: posts become articles (pages only with ``include_pages``); publish → published,
future → published at its future date (scheduled), draft → draft, pending → review. A
private or password-protected post is a draft, and it, a draft and a pending post are
never public whatever ``--status`` says (``ParsedArticle.never_public``). A trashed post,
an automatic draft and items that are not stories (menu items) are skipped with the
reason; attachments, Co-Authors Plus guest authors and reusable blocks are read with the
posts that use them. The first category is the section, further categories and the tags
become tags; terms of any other taxonomy (a plugin's series, a post format) are named in
the notes, not imported; the bylines are the Co-Authors Plus co-authors in order, else the post's
author, by display name. Block-editor content is read by its blocks, classic content by
WordPress's paragraph rules (both in ``..wpmarkup``); ``[caption]`` and ``[gallery]``
shortcodes, image blocks and inline images become photo embeds; audio, video and embeds
become links; what is not kept as it was is named in the notes. Addresses the post had on
WordPress (permalink, GUID, ``?p=ID``) become the article's ``old_paths``. An item is
identified by the site's address and its post id, else its GUID, else the file and its
post id, so the posts of a merged export never overwrite each other.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import escape, unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.utils import timezone

from .. import xmlsafe
from ..parsed import (
    DRAFT,
    PUBLISHED,
    REVIEW,
    ParsedArticle,
    ParsedAuthor,
    ParsedPhoto,
    ParseError,
    Skipped,
)
from ..wpmarkup import Block, autop, has_blocks, parse_blocks

SOURCE = "wordpress"
VERSION_RE = re.compile(r"^1\.[0-9]+$")
STATUSES = {
    "publish": PUBLISHED,
    "future": PUBLISHED,
    "draft": DRAFT,
    "pending": REVIEW,
    "private": DRAFT,
}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
HEADLINE_MAX = 300
ID_MAX = 300
REDIRECT_MAX = 500

CAPTION_RE = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.I)
IMG_RE = re.compile(r"(?:<a\b[^>]*>\s*)?<img\b([^>]*)/?>(?:\s*</a>)?", re.I)
ATTR_RE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>\]]+))""")
SHORTCODE_RE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\[\]]*)?)\]")
# Names WordPress core and common plugins register; an unknown "[word]" with neither
# attributes nor a closing tag is left alone ("[sic]" is prose, not a shortcode).
KNOWN_SHORTCODES = {
    "audio",
    "video",
    "playlist",
    "embed",
    "gallery",
    "caption",
    "wp_caption",
    "contact-form",
    "contact_form",
    "contact-form-7",
    "googlemaps",
    "youtube",
    "vimeo",
    "soundcloud",
    "tweet",
    "twitter",
    "instagram",
    "gist",
    "code",
    "sourcecode",
    "slideshare",
    "polldaddy",
    "archives",
    "recipe",
    "wpvideo",
    "dailymotion",
}
CREDIT_RE = re.compile(
    r"\s*\(?\b(?:photo(?:graph)?|credit|image|picture)s?(?:\s+by)?\s*:\s*(?P<credit>[^()]+?)\)?\.?\s*$",
    re.I,
)
WP_IMAGE_CLASS_RE = re.compile(r"\bwp-image-(\d+)\b")
ATTACHMENT_ID_RE = re.compile(r"attachment_(\d+)")
TAG_RE = re.compile(r"<[^>]+>")


# WordPress's own namespaces: wp: is http://wordpress.org/export/1.x/, excerpt: is
# .../1.x/excerpt/. An element elsewhere that merely reuses the "wp" prefix is not ours.
WP_NS_RE = re.compile(r"^https?://wordpress\.org/export/1\.[0-9]+/$")
EXCERPT_NS_RE = re.compile(r"^https?://wordpress\.org/export/1\.[0-9]+/excerpt/$")
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
XMLNS_RE = re.compile(rb"""(xmlns(?::[\w.-]+)?\s*=\s*)(["'])([^"']*)\2""")
# Items that are not stories: the photos posts use, the guest authors of bylines, the
# reusable blocks posts embed. They are read with the posts, not reported as items.
SUPPORTING_TYPES = {"attachment", "guest-author", "wp_block"}


def _ns(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _is_wp(tag: str) -> bool:
    return bool(WP_NS_RE.match(_ns(tag)))


class _CleanHead:
    """The file, with namespace URIs in the root element made ASCII (percent-encoded).

    libxml2 refuses a namespace URI with non-ASCII characters ("not a valid URI"),
    though such exports import into WordPress; only declarations are touched, and none
    of WordPress's own namespaces has such characters.
    """

    def __init__(self, fh):
        head = fh.read(1 << 16)
        end = head.find(b">", head.find(b"<rss"))
        if end > 0:
            head = XMLNS_RE.sub(self._quote, head[:end]) + head[end:]
        self.head, self.fh = head, fh

    @staticmethod
    def _quote(match):
        uri = match.group(3)
        if all(b < 128 for b in uri):
            return match.group(0)
        from urllib.parse import quote

        text = uri.decode("utf-8", "replace")
        encoded = quote(text, safe=":/?#[]@!$&'()*+,;=%-._~").encode()
        return match.group(1) + match.group(2) + encoded + match.group(2)

    def read(self, size=-1):
        if self.head:
            if size is None or size < 0:
                out, self.head = self.head + self.fh.read(), b""
                return out
            out, self.head = self.head[:size], self.head[size:]
            return out
        return self.fh.read(size)


def detect(head: bytes, path: Path) -> bool:
    return b"<rss" in head and b"wordpress.org/export/" in head


def read(
    path: Path | str,
    *,
    media_root: Path | str = "",
    include_pages: bool = False,
    **_options: object,
) -> Iterator[ParsedArticle | ParseError | Skipped]:
    path = Path(path)
    site = _check_and_gather(path)
    uploads = Path(media_root) if media_root else None
    claimed: dict[str, str] = {}  # old path → the item key that has it, in this file
    keys: dict[str, tuple[str, str]] = {}  # item key → (guid, title) of its first item
    with open(path, "rb") as raw:
        for _event, element in xmlsafe.iterparse(_CleanHead(raw), path=path):
            if xmlsafe.local(element.tag) != "item" or _ns(element.tag):
                continue
            line = element.sourceline
            item = _fields(element)
            _release(element)
            post_type, status = item["post_type"], item["status"]
            title = _text(item["title"]).strip()
            if post_type in SUPPORTING_TYPES:
                continue
            skip = ""
            if post_type == "page" and not include_pages:
                skip = "a WordPress page (pages are imported with --include-pages)"
            elif post_type not in ("post", "page"):
                skip = f"WordPress post type {post_type!r} is not a story"
            elif status == "trash":
                skip = "in WordPress's trash: not imported, never public"
            elif status == "auto-draft":
                skip = "an automatic draft WordPress saved, never written"
            if skip:
                yield Skipped(skip, headline=title, origin=str(path), line=line)
                continue
            try:
                yield _article(
                    item, site, media_root=uploads, path=path, line=line, claimed=claimed, keys=keys
                )
            except _Repeated as repeated:
                yield Skipped(str(repeated), headline=title, origin=str(path), line=line)
            except (ValueError, KeyError) as error:
                yield ParseError(f"post {item['post_id']}: {error}", path=path, line=line)


class _Repeated(Exception):
    """An item that is an exact repeat of one earlier in the file (merged exports)."""


class _Site:
    def __init__(self):
        self.version = None
        self.base_url = ""
        self.authors = {}  # login → (display name, email, bio)
        self.attachments = {}  # post id → dict of what a photo needs
        self.children = {}  # parent post id → [attachment ids]
        self.reusable = {}  # wp_block post id → its content


def _check_and_gather(path):
    """The first pass: refuse a file that is not a complete, versioned WXR export."""
    site = _Site()
    channel_link = ""
    guests = {}
    with open(path, "rb") as raw:
        for _event, element in xmlsafe.iterparse(_CleanHead(raw), path=path):
            name = xmlsafe.local(element.tag)
            parent = element.getparent()
            in_channel = parent is not None and xmlsafe.local(parent.tag) == "channel"
            if not in_channel:
                continue
            wp = _is_wp(element.tag)
            if name == "wxr_version" and wp:
                version = (element.text or "").strip()
                if not VERSION_RE.match(version):
                    raise ParseError(
                        "this does not appear to be a WXR file: invalid WXR version number "
                        f"{version[:20]!r} (expected 1.0, 1.1 or 1.2)",
                        path=path,
                        line=element.sourceline,
                    )
                site.version = version
            elif name in ("base_blog_url", "base_site_url") and wp and not site.base_url:
                site.base_url = (element.text or "").strip().rstrip("/")
            elif name == "link" and not _ns(element.tag) and not channel_link:
                channel_link = (element.text or "").strip().rstrip("/")
            elif name == "author" and wp:
                fields = {
                    xmlsafe.local(c.tag): _text(c.text or "").strip()
                    for c in element
                    if _is_wp(c.tag)
                }
                login = fields.get("author_login", "")
                display = fields.get("author_display_name") or " ".join(
                    x
                    for x in (fields.get("author_first_name"), fields.get("author_last_name"))
                    if x
                )
                site.authors[login] = (display or login, fields.get("author_email", ""), "")
                _release(element)
            elif name == "item" and not _ns(element.tag):
                if site.version is None:
                    break
                item = _fields(element)
                if item["post_type"] == "attachment":
                    site.attachments[item["post_id"]] = {
                        "url": item["attachment_url"] or item["guid"],
                        "title": _text(item["title"]),
                        "alt": _text(item["meta"].get("_wp_attachment_image_alt", "")),
                        "caption": _text(TAG_RE.sub("", item["excerpt"])).strip(),
                    }
                    site.children.setdefault(item["post_parent"], []).append(item["post_id"])
                elif item["post_type"] == "guest-author":
                    # Co-Authors Plus keeps a byline without a user account as a post.
                    meta = item["meta"]
                    login = meta.get("cap-user_login", "") or item["post_name"]
                    guests[login] = (
                        _text(meta.get("cap-display_name", "") or item["title"]).strip(),
                        meta.get("cap-user_email", ""),
                        _text(meta.get("cap-description", "")).strip(),
                    )
                elif item["post_type"] == "wp_block":
                    site.reusable[item["post_id"]] = item["content"]
                _release(element)
    if site.version is None:
        raise ParseError(
            "this does not appear to be a WXR file: missing WXR version number "
            "(no <wp:wxr_version> before the first item)",
            path=path,
        )
    site.base_url = site.base_url or channel_link
    # A guest author does not replace a user of the same login.
    site.authors = {**guests, **site.authors}
    return site


def _release(element):
    """Drop a finished element and everything before it, so memory stays flat."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _text(value):
    """A WordPress text field as text: WordPress keeps term names, titles and excerpts
    with HTML entities ("Secrets &amp; Lies"); they are decoded here, once."""
    return unescape(value or "")


def _fields(item):
    """The parts of an <item> the importer uses, as plain strings."""
    out: dict[str, Any] = {
        "title": "",
        "link": "",
        "pubDate": "",
        "creator": "",
        "guid": "",
        "content": "",
        "excerpt": "",
        "post_id": "",
        "post_date": "",
        "post_date_gmt": "",
        "post_name": "",
        "status": "",
        "post_parent": "0",
        "post_type": "post",
        "post_password": "",
        "attachment_url": "",
        "categories": [],
        "tags": [],
        "coauthors": [],
        # Terms of any other taxonomy (a plugin's or the theme's, post formats): (domain, name).
        "other_terms": [],
        "meta": {},
    }
    rss = ("title", "link", "pubDate", "guid")
    for child in item:
        if not isinstance(child.tag, str):
            continue
        name = xmlsafe.local(child.tag)
        ns = _ns(child.tag)
        value = xmlsafe.text(child)
        if name == "category" and not ns:
            domain = child.get("domain", "category")
            entry = (_text(value).strip(), child.get("nicename", ""))
            if domain == "category":
                out["categories"].append(entry)
            elif domain in ("post_tag", "tag"):
                out["tags"].append(entry)
            elif domain == "author":
                # Co-Authors Plus: one term per byline, in the post's order.
                out["coauthors"].append(entry)
            elif entry[0] or entry[1]:
                out["other_terms"].append((domain, entry[0] or entry[1]))
        elif name == "encoded" and ns == CONTENT_NS:
            out["content"] = value
        elif name == "encoded" and EXCERPT_NS_RE.match(ns):
            out["excerpt"] = value
        elif name == "creator" and ns == DC_NS:
            out["creator"] = value
        elif name == "postmeta" and WP_NS_RE.match(ns):
            meta = {xmlsafe.local(c.tag): xmlsafe.text(c) for c in child if _is_wp(c.tag)}
            out["meta"][meta.get("meta_key", "").strip()] = meta.get("meta_value", "").strip()
        elif name in rss and not ns:
            out[name] = value if name == "title" else value.strip()
        elif (
            name in out
            and name not in (*rss, "categories", "tags", "meta", "coauthors", "other_terms")
            and WP_NS_RE.match(ns)
        ):
            out[name] = value.strip()
    return out


def _date(item):
    gmt = item["post_date_gmt"]
    if gmt and not gmt.startswith("0000"):
        try:
            return datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            pass
    local_date = item["post_date"]
    if local_date and not local_date.startswith("0000"):
        try:
            return timezone.make_aware(datetime.strptime(local_date, "%Y-%m-%d %H:%M:%S"))
        except ValueError:
            pass
    if item["pubDate"]:
        try:
            return parsedate_to_datetime(item["pubDate"])
        except (TypeError, ValueError):
            pass
    return None


def _clean_login(value):
    # Real exports carry stray angle brackets in dc:creator (">themereviewteam").
    return value.strip().strip("<>").strip()


def _local_path(url, media_root):
    """The file for ``url`` in a local copy of wp-content/uploads, if it is there."""
    if media_root is None or not url:
        return None
    url_path = urlsplit(url).path
    for marker in ("/wp-content/uploads/", "/files/"):
        if marker in url_path:
            url_path = url_path.split(marker, 1)[1]
            break
    candidate = (media_root / url_path.lstrip("/")).resolve()
    root = media_root.resolve()
    if root in candidate.parents and candidate.is_file():
        return candidate
    return None


class _Photos:
    """The photos of one post: each attachment once, in order of first use."""

    def __init__(self, site, media_root):
        self.site, self.media_root = site, media_root
        self.photos = []
        self.index = {}
        self.missing_files = 0

    def photo(self, *, attachment_id="", src="", alt="", title="", caption=""):
        attachment = self.site.attachments.get(attachment_id) if attachment_id else None
        url = (attachment or {}).get("url") or src
        if attachment_id and attachment is not None:
            key = f"{self.site.base_url}/?attachment_id={attachment_id}"
        else:
            key = url
        if len(key) > ID_MAX:
            key = "url-sha256:" + hashlib.sha256(key.encode()).hexdigest()
        credit = ""
        match = CREDIT_RE.search(caption)
        if match:
            credit = match.group("credit").strip()
            caption = caption[: match.start()].rstrip()
        parsed = ParsedPhoto(
            caption=caption or (attachment or {}).get("caption", ""),
            credit_line=credit,
            alt_text=(alt or (attachment or {}).get("alt", ""))[:500],
            title=(title or (attachment or {}).get("title", ""))[:300],
            source_url=url[:1000] if url.startswith(("http://", "https://")) else "",
            external_id=key,
            file_path=_local_path(url, self.media_root),
        )
        if self.media_root is not None and parsed.file_path is None:
            self.missing_files += 1
        return parsed

    def add(self, parsed):
        if parsed.external_id not in self.index:
            self.index[parsed.external_id] = len(self.photos)
            self.photos.append(parsed)
        return self.index[parsed.external_id]


def _attrs(text):
    return {
        m.group(1).lower(): unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in ATTR_RE.finditer(text)
    }


def _image_embed(img_attrs, photos, *, caption_html="", attachment_id=""):
    if not attachment_id:
        match = WP_IMAGE_CLASS_RE.search(img_attrs.get("class", ""))
        attachment_id = match.group(1) if match else ""
    caption_text = unescape(TAG_RE.sub("", caption_html)).strip()
    parsed = photos.photo(
        attachment_id=attachment_id,
        src=img_attrs.get("src", ""),
        alt=img_attrs.get("alt", ""),
        title=img_attrs.get("title", ""),
        caption=caption_text,
    )
    index = photos.add(parsed)
    figcaption = f"<figcaption>{escape(parsed.caption)}</figcaption>" if parsed.caption else ""
    return f'\n\n<figure data-photo-ref="{index}">{figcaption}</figure>\n\n'


def _captions(html, photos):
    def replace(match):
        attrs = _attrs(match.group(2))
        inner = match.group(3)
        img = IMG_RE.search(inner)
        if not img:
            return inner
        caption_html = attrs.get("caption") or (inner[: img.start()] + inner[img.end() :])
        id_match = ATTACHMENT_ID_RE.search(attrs.get("id", ""))
        return _image_embed(
            _attrs(img.group(1)),
            photos,
            caption_html=caption_html,
            attachment_id=id_match.group(1) if id_match else "",
        )

    return CAPTION_RE.sub(replace, html)


def _images(html, photos):
    def replace(match):
        attrs = _attrs(match.group(1))
        if not attrs.get("src", "").startswith(("http://", "https://", "/")):
            return ""
        return _image_embed(attrs, photos)

    return IMG_RE.sub(replace, html)


def _strip_shortcodes(html):
    """Remove shortcodes WordPress would have expanded; return the text and their names."""
    closing = {m.group(2).lower() for m in SHORTCODE_RE.finditer(html) if m.group(1)}
    removed = []

    def replace(match):
        name = match.group(2).lower()
        if name in KNOWN_SHORTCODES or name in closing or "=" in match.group(3):
            if name not in removed:
                removed.append(name)
            return ""
        return match.group(0)

    # Preformatted code keeps its brackets.
    parts = re.split(r"(<pre\b.*?</pre>)", html, flags=re.DOTALL | re.I)
    out = [p if i % 2 else SHORTCODE_RE.sub(replace, p) for i, p in enumerate(parts)]
    return "".join(out), removed


def _note(notes, text):
    if text not in notes:
        notes.append(text)


GALLERY_RE = re.compile(r"\[gallery\b([^\]]*)\]", re.I)
MEDIA_SHORTCODE_RE = re.compile(
    r"\[(audio|video)\b([^\]]*)\](?:(.*?)\[/\1\])?|\[embed\b[^\]]*\](.*?)\[/embed\]",
    re.I | re.DOTALL,
)
SRC_RE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
URL_RE = re.compile(r"https?://[^\s<>\"']+")
FIGCAPTION_RE = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.I | re.DOTALL)
H1_RE = re.compile(r"<(/?)h1\b", re.I)
# Blocks whose own HTML is the content, as WordPress saved it.
HTML_BLOCKS = {
    "paragraph",
    "heading",
    "list",
    "list-item",
    "quote",
    "pullquote",
    "table",
    "preformatted",
    "code",
    "verse",
}
# Layout blocks: their inner blocks are the content; the layout itself is not kept.
# (Any other core block with HTML is treated the same; these are the usual ones.)
LAYOUT_BLOCKS = {
    "columns",
    "column",
    "group",
    "row",
    "stack",
    "buttons",
    "button",
    "media-text",
    "cover",
    "details",
    "html",
}
# Drawn by WordPress when a page is shown (no HTML saved in the post), or markers.
DYNAMIC_BLOCKS = {
    "latest-posts",
    "latest-comments",
    "archives",
    "categories",
    "calendar",
    "tag-cloud",
    "search",
    "rss",
    "page-list",
    "query",
    "navigation",
    "social-links",
    "loginout",
}
MARKER_BLOCKS = {"more", "nextpage", "spacer"}
MAX_REUSABLE_DEPTH = 5


def _link(url, label):
    return f'<p><a href="{escape(url)}">{escape(label or url)}</a></p>'


def _galleries(html, site, photos, post_id, notes):
    """``[gallery ids=…]`` (or a bare ``[gallery]``: the post's attached images) as one
    figure per photo, with the photo's caption."""

    def replace(match):
        attrs = _attrs(match.group(1))
        ids = [i.strip() for i in attrs.get("ids", attrs.get("include", "")).split(",")]
        ids = [i for i in ids if i] or site.children.get(post_id, [])
        figures = [_image_embed({}, photos, attachment_id=i) for i in ids if i in site.attachments]
        missing = len(ids) - len(figures)
        if figures:
            _note(notes, f"gallery: {len(figures)} photo(s) placed as figures")
        if missing:
            _note(notes, f"gallery: {missing} photo(s) not in the file, left out")
        return "".join(figures)

    return GALLERY_RE.sub(replace, html)


def _media_shortcodes(html, notes):
    """Audio, video and embeds as links to what they played (the page cannot play them)."""

    def replace(match):
        if match.group(4) is not None:
            url = match.group(4).strip()
            _note(notes, "embed kept as a link")
            return _link(url, url) if url else ""
        kind, attrs = match.group(1).lower(), _attrs(match.group(2))
        url = next((v for k, v in attrs.items() if k not in ("width", "height", "loop")), "")
        url = attrs.get("src") or url
        _note(notes, f"{kind} kept as a link")
        return _link(url, f"{kind.title()}: {url.rsplit('/', 1)[-1]}") if url else ""

    return MEDIA_SHORTCODE_RE.sub(replace, html)


def _classic(html, site, photos, post_id, notes):
    html = _media_shortcodes(_galleries(html, site, photos, post_id, notes), notes)
    body, removed = _strip_shortcodes(_images(_captions(html, photos), photos))
    if removed:
        _note(notes, "removed shortcodes: " + ", ".join(f"[{n}]" for n in removed))
    return autop(body)


class _Blocks:
    """Turns a post's blocks into our body; what it cannot keep as it was goes to notes."""

    def __init__(self, site, photos, item, notes):
        self.site, self.photos, self.item, self.notes = site, photos, item, notes
        self.kept_inner: list[str] = []
        self.unknown: list[str] = []
        self.dynamic: list[str] = []
        self.footnotes_placed = False

    def body(self, blocks):
        html = "\n".join(filter(None, (self.render(b, 0) for b in blocks)))
        if not self.footnotes_placed and self._footnotes():
            html += "\n" + self._footnotes()
        for label, names in (
            ("blocks kept as their inner HTML", self.kept_inner),
            ("unknown blocks kept as their HTML", self.unknown),
            ("dynamic blocks left out (WordPress drew them for each page view)", self.dynamic),
        ):
            if names:
                _note(self.notes, f"{label}: " + ", ".join(dict.fromkeys(names)))
        return html

    def inner(self, block, depth):
        return "".join(p if isinstance(p, str) else self.render(p, depth) for p in block.parts)

    def render(self, block: Block, depth: int) -> str:
        name = block.short_name
        if not block.name:
            return _classic(
                "".join(map(str, block.parts)),
                self.site,
                self.photos,
                self.item["post_id"],
                self.notes,
            )
        if name == "table":
            return _table(self.inner(block, depth))
        if name in HTML_BLOCKS:
            return self.inner(block, depth).strip()
        if name == "button":
            # A call to action: its link, as a paragraph of its own.
            return f"<p>{TAG_RE.sub(_keep_links, self.inner(block, depth)).strip()}</p>"
        if name == "image":
            return self.image(self.inner(block, depth), block.attrs.get("id"))
        if name == "gallery":
            return self.gallery(block, depth)
        if name == "embed" or block.name.startswith("core-embed/"):
            html = self.inner(block, depth)
            url = block.attrs.get("url") or next(iter(URL_RE.findall(html)), "")
            caption = FIGCAPTION_RE.search(html)
            label = unescape(TAG_RE.sub("", caption.group(1))).strip() if caption else ""
            _note(self.notes, "embed kept as a link")
            return _link(url, label or url) if url else ""
        if name in ("audio", "video", "file"):
            html = self.inner(block, depth)
            url = next(iter(SRC_RE.findall(html)), "") or block.attrs.get("src", "")
            caption = FIGCAPTION_RE.search(html)
            label = unescape(TAG_RE.sub("", caption.group(1))).strip() if caption else ""
            _note(self.notes, f"{name} kept as a link")
            return _link(unescape(url), label or f"{name.title()}: {url.rsplit('/', 1)[-1]}")
        if name == "separator":
            return "<hr>"
        if name in MARKER_BLOCKS:
            return ""
        if name == "footnotes":
            self.footnotes_placed = True
            return self._footnotes()
        if name == "shortcode":
            return _classic(
                self.inner(block, depth),
                self.site,
                self.photos,
                self.item["post_id"],
                self.notes,
            )
        if name == "block":
            ref = str(block.attrs.get("ref", ""))
            content = self.site.reusable.get(ref)
            if content is None or depth >= MAX_REUSABLE_DEPTH:
                _note(self.notes, f"reusable block {ref} is not in the file: left out")
                return ""
            self.kept_inner.append("reusable block")
            return "\n".join(
                filter(None, (self.render(b, depth + 1) for b in parse_blocks(content)))
            )
        html = self.inner(block, depth).strip()
        core = block.name.startswith("core/")
        if html:
            # A layout block (columns, buttons, raw HTML) or another core block: what it
            # holds is kept, the layout is not; a plugin's block the same, named apart.
            (self.kept_inner if core or name in LAYOUT_BLOCKS else self.unknown).append(
                name if core else block.name
            )
        else:
            self.dynamic.append(name if core else block.name)
        return html

    def image(self, html, attachment_id):
        img = IMG_RE.search(html)
        if not img:
            _note(self.notes, "an image block without an image: left out")
            return ""
        caption = FIGCAPTION_RE.search(html)
        return _image_embed(
            _attrs(img.group(1)),
            self.photos,
            caption_html=caption.group(1) if caption else "",
            attachment_id=str(attachment_id or ""),
        ).strip()

    def gallery(self, block, depth):
        images = [b for b in block.inner_blocks if b.short_name == "image"]
        if images:
            figures = [self.render(b, depth) for b in images]
        else:
            # The older gallery: one <figure> (or <li>) per image inside the block's HTML.
            html = self.inner(block, depth)
            figures = []
            matches = list(IMG_RE.finditer(html))
            for i, match in enumerate(matches):
                end = matches[i + 1].start() if i + 1 < len(matches) else len(html)
                caption = FIGCAPTION_RE.search(html, match.end(), end)
                attrs = _attrs(match.group(1))
                figures.append(
                    _image_embed(
                        attrs,
                        self.photos,
                        caption_html=caption.group(1) if caption else "",
                        attachment_id=attrs.get("data-id", ""),
                    ).strip()
                )
        _note(self.notes, f"gallery: {len(figures)} photo(s) placed as figures")
        return "\n".join(f for f in figures if f)

    def _footnotes(self):
        try:
            notes = json.loads(self.item["meta"].get("footnotes", "") or "[]")
        except ValueError:
            notes = []
        items = [
            f"<li>{n.get('content', '')}</li>"
            for n in notes
            if isinstance(n, dict) and n.get("content")
        ]
        return f"<ol>{''.join(items)}</ol>" if items else ""


TABLE_RE = re.compile(r"<table\b.*?</table>", re.I | re.DOTALL)


def _table(html):
    """A table block's table, its figure's caption as the table's own <caption>."""
    table = TABLE_RE.search(html)
    if not table:
        return html.strip()
    caption = FIGCAPTION_RE.search(html)
    out = table.group(0)
    if caption and "<caption" not in out.lower():
        text = caption.group(1)
        out = re.sub(
            r"<table\b[^>]*>", lambda m: f"{m.group(0)}<caption>{text}</caption>", out, count=1
        )
    return out


def _keep_links(match):
    tag = match.group(0)
    return tag if re.match(r"</?a\b", tag, re.I) else ""


def _body(item, site, photos, notes):
    content = item["content"]
    if has_blocks(content):
        body = _Blocks(site, photos, item, notes).body(parse_blocks(content))
    else:
        body = _classic(content, site, photos, item["post_id"], notes)
    # The page's <h1> is the headline: a heading of the top level becomes our top subhead.
    return H1_RE.sub(r"<\1h2", body)


def _identity(item, site, path):
    """The item's key: the site's address and the post id; without a site address, the
    post's GUID; without a GUID, the file and the post id."""
    post_id = item["post_id"]
    if site.base_url:
        return f"{site.base_url}/?p={post_id}"
    if item["guid"]:
        return f"guid:{item['guid']}"
    return f"file:{Path(path).name}?p={post_id}"


def _article(item, site, *, media_root, path, line, claimed, keys):
    post_id = item["post_id"]
    if not post_id:
        raise ValueError("the item has no wp:post_id")
    notes = []
    headline = _text(item["title"]).strip() or "(untitled)"
    if len(headline) > HEADLINE_MAX:
        notes.append(f"headline cut to {HEADLINE_MAX} characters")
        headline = headline[:HEADLINE_MAX]

    key = _identity(item, site, path)
    if key in keys:
        if keys[key] == (item["guid"], headline):
            raise _Repeated("the same post again (same id, GUID and title): imported once")
        # A merged export: two different posts with one id. Never one overwriting the other.
        n = 2
        while f"{key}#{n}" in keys:
            n += 1
        notes.append(f"post id {post_id} is used by another post of this file: imported apart")
        key = f"{key}#{n}"
    keys[key] = (item["guid"], headline)

    wp_status = item["status"]
    status = STATUSES.get(wp_status, DRAFT)
    never_public = ""
    if wp_status == "private":
        never_public = "private on WordPress: imported as a draft, never public"
    elif item["post_password"]:
        status = DRAFT
        never_public = "password-protected on WordPress: imported as a draft, never public"
    elif wp_status in ("draft", "pending"):
        never_public = f"a {wp_status} post on WordPress: not public until an editor publishes it"
    elif wp_status not in STATUSES:
        never_public = f"WordPress status {wp_status!r}: imported as a draft, never public"
    if never_public:
        notes.append(never_public)

    photos = _Photos(site, media_root)
    body = _body(item, site, photos, notes)

    lead = None
    thumbnail = item["meta"].get("_thumbnail_id", "")
    if thumbnail:
        if thumbnail in site.attachments:
            lead = photos.photo(attachment_id=thumbnail)
        else:
            notes.append(f"featured image {thumbnail} is not in the file")
    for attachment_id in site.children.get(post_id, []):
        url = site.attachments[attachment_id]["url"]
        if urlsplit(url).path.lower().endswith(IMAGE_SUFFIXES):
            photos.add(photos.photo(attachment_id=attachment_id))
    if photos.missing_files:
        notes.append(f"{photos.missing_files} photo file(s) not found under --media-root")

    authors = _authors(item, site, notes)

    # WXR 1.0 lists each term twice (with and without its nicename).
    categories = list(dict.fromkeys(name for name, _slug in item["categories"] if name))
    section_slug = next((unquote(slug) for name, slug in item["categories"] if slug), "")
    tags = list(dict.fromkeys([name for name, _slug in item["tags"] if name] + categories[1:]))
    other_terms: dict[str, list[str]] = {}
    for domain, name in item["other_terms"]:
        other_terms.setdefault(domain, []).append(name)
    if other_terms:
        # We have sections and tags only: a term of any other taxonomy is said, not dropped.
        notes.append(
            "terms of other taxonomies not imported: "
            + "; ".join(f"{d}: {', '.join(dict.fromkeys(n))}" for d, n in other_terms.items())
        )

    old_paths = []
    base = site.base_url
    # The permalink, the GUID (WordPress makes it the first address a post had) and the
    # short link all reached the post on the old site; without the site's address, only
    # what the post itself gives.
    guid = item["guid"] if item["guid"].startswith(("http://", "https://")) else ""
    for candidate in (item["link"], guid, f"{base}/?p={post_id}" if base else ""):
        split = urlsplit(candidate)
        # Stored as readers' requests arrive (Django decodes the path, not the query).
        old = unquote(split.path) + (f"?{split.query}" if split.query else "")
        if not old or old == "/" or old in old_paths or len(old) > REDIRECT_MAX:
            continue
        if claimed.get(old, key) != key:
            notes.append(f"old address {old} belongs to another post of this file")
            continue
        claimed[old] = key
        old_paths.append(old)

    published = _date(item)
    excerpt = " ".join(_text(TAG_RE.sub(" ", item["excerpt"])).split())
    return ParsedArticle(
        headline=headline,
        source=SOURCE,
        external_id=key[-ID_MAX:],
        body=body,
        dek=excerpt,
        slug=_slug(item["post_name"]),
        published_at=published,
        authors=authors,
        section=categories[0] if categories else "",
        section_slug=section_slug,
        tags=tags,
        lead_photo=lead,
        photos=photos.photos,
        status=status,
        never_public=never_public,
        old_paths=old_paths,
        origin=str(path),
        line=line,
        notes=notes,
    )


def _authors(item, site, notes):
    """The bylines: Co-Authors Plus's co-authors in their order, else the post's author;
    each by the display name (a user's, or a guest author's), never the login."""
    logins = [name for name, _slug in item["coauthors"] if name]
    if not logins:
        logins = [_clean_login(item["creator"])]
    authors = []
    for login in dict.fromkeys(filter(None, logins)):
        display, email, bio = site.authors.get(login, (login, "", ""))
        authors.append(ParsedAuthor(name=display, email=email if "@" in email else "", bio=bio))
    if len(authors) > 1:
        notes.append(f"{len(authors)} co-authors")
    return authors


def _slug(post_name):
    # WordPress stores non-ASCII slugs percent-encoded.
    return unquote(post_name or "")
