"""WordPress eXtended RSS (WXR 1.0 to 1.2), the file Tools → Export writes.

The file is read twice, streaming both times so memory stays flat on exports of any
size. The first pass checks the whole file (well-formed XML, a WXR version) and
gathers what posts refer to from elsewhere in the file: authors' display names and
the attachments (featured images may come after the post that uses them). Only then
does the second pass yield posts, so a broken file writes nothing at all.

Mapping: posts become articles (pages only with ``include_pages``); publish → published,
future → published at its future date (scheduled), draft → draft, pending → review,
private → draft (a private post must not become public; the item's notes say so). The
first category is the section, further categories and the tags become tags.
``[caption]`` shortcodes and inline images become photo embeds; other shortcodes are
removed and named in the notes. Addresses the post had on WordPress (permalink, GUID,
``?p=ID``) become the article's ``old_paths``.
"""

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import escape, unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
)

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
BLOCK_START_RE = re.compile(
    r"^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|pre|figure|table|div|hr|dl|section|"
    r"address|form|iframe|!--)\b",
    re.I,
)
WP_IMAGE_CLASS_RE = re.compile(r"\bwp-image-(\d+)\b")
ATTACHMENT_ID_RE = re.compile(r"attachment_(\d+)")
TAG_RE = re.compile(r"<[^>]+>")


def detect(head: bytes, path: Path) -> bool:
    return b"<rss" in head and b"wordpress.org/export/" in head


def read(
    path: Path | str,
    *,
    media_root: Path | str = "",
    include_pages: bool = False,
    **_options: object,
) -> Iterator[ParsedArticle | ParseError]:
    path = Path(path)
    site = _check_and_gather(path)
    uploads = Path(media_root) if media_root else None
    with open(path, "rb") as fh:
        for _event, element in xmlsafe.iterparse(fh, path=path):
            if xmlsafe.local(element.tag) != "item":
                continue
            line = element.sourceline
            item = _fields(element)
            _release(element)
            if item["post_type"] == "page" and not include_pages:
                continue
            if item["post_type"] not in ("post", "page") or item["status"] in (
                "trash",
                "auto-draft",
            ):
                continue
            try:
                yield _article(item, site, media_root=uploads, path=path, line=line)
            except (ValueError, KeyError) as error:
                yield ParseError(f"post {item['post_id']}: {error}", path=path, line=line)


class _Site:
    def __init__(self):
        self.version = None
        self.base_url = ""
        self.authors = {}  # login → (display name, email)
        self.attachments = {}  # post id → dict of what a photo needs
        self.children = {}  # parent post id → [attachment ids]


def _check_and_gather(path):
    """The first pass: refuse a file that is not a complete, versioned WXR export."""
    site = _Site()
    channel_link = ""
    with open(path, "rb") as fh:
        for _event, element in xmlsafe.iterparse(fh, path=path):
            name = xmlsafe.local(element.tag)
            parent = element.getparent()
            in_channel = parent is not None and xmlsafe.local(parent.tag) == "channel"
            if not in_channel:
                continue
            if name == "wxr_version":
                version = (element.text or "").strip()
                if not VERSION_RE.match(version):
                    raise ParseError(
                        "this does not appear to be a WXR file: invalid WXR version number "
                        f"{version[:20]!r} (expected 1.0, 1.1 or 1.2)",
                        path=path,
                        line=element.sourceline,
                    )
                site.version = version
            elif name in ("base_blog_url", "base_site_url") and not site.base_url:
                site.base_url = (element.text or "").strip().rstrip("/")
            elif name == "link" and not channel_link:
                channel_link = (element.text or "").strip().rstrip("/")
            elif name == "author":
                fields = {xmlsafe.local(c.tag): (c.text or "").strip() for c in element}
                login = fields.get("author_login", "")
                display = fields.get("author_display_name") or " ".join(
                    x
                    for x in (fields.get("author_first_name"), fields.get("author_last_name"))
                    if x
                )
                site.authors[login] = (display or login, fields.get("author_email", ""))
                _release(element)
            elif name == "item":
                if site.version is None:
                    break
                item = _fields(element)
                if item["post_type"] == "attachment":
                    site.attachments[item["post_id"]] = {
                        "url": item["attachment_url"] or item["guid"],
                        "title": item["title"],
                        "alt": item["meta"].get("_wp_attachment_image_alt", ""),
                        "caption": item["excerpt"],
                    }
                    site.children.setdefault(item["post_parent"], []).append(item["post_id"])
                _release(element)
    if site.version is None:
        raise ParseError(
            "this does not appear to be a WXR file: missing WXR version number "
            "(no <wp:wxr_version> before the first item)",
            path=path,
        )
    site.base_url = site.base_url or channel_link
    return site


def _release(element):
    """Drop a finished element and everything before it, so memory stays flat."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


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
        "attachment_url": "",
        "categories": [],
        "tags": [],
        "meta": {},
    }
    for child in item:
        name = xmlsafe.local(child.tag)
        ns = child.tag[1:].partition("}")[0] if child.tag.startswith("{") else ""
        value = xmlsafe.text(child)
        if name == "category" and not ns:
            domain = child.get("domain", "category")
            entry = (value.strip(), child.get("nicename", ""))
            if domain == "category":
                out["categories"].append(entry)
            elif domain in ("post_tag", "tag"):
                out["tags"].append(entry)
        elif name == "encoded":
            out["excerpt" if "excerpt" in ns else "content"] = value
        elif name == "creator":
            out["creator"] = value
        elif name == "postmeta":
            meta = {xmlsafe.local(c.tag): xmlsafe.text(c) for c in child}
            out["meta"][meta.get("meta_key", "").strip()] = meta.get("meta_value", "").strip()
        elif name in out and name not in ("categories", "tags", "meta"):
            out[name] = value if name in ("title",) else value.strip()
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


def autop(html: str) -> str:
    """WordPress's paragraphing: blank-line separated text becomes <p>, lone newlines <br>.

    Blocks that already start with a block element are left as they are, and <pre>
    keeps its line breaks.
    """
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    preserved = []

    def keep(match):
        preserved.append(match.group(0))
        return f"\x00{len(preserved) - 1}\x00"

    html = re.sub(r"<pre\b.*?</pre>", keep, html, flags=re.DOTALL | re.I)
    blocks = []
    for block in re.split(r"\n\s*\n", html):
        block = block.strip()
        if not block:
            continue
        if BLOCK_START_RE.match(block) or re.fullmatch(r"\x00\d+\x00", block):
            blocks.append(block)
        else:
            blocks.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", block) + "</p>")
    out = "\n".join(blocks)
    return re.sub(r"\x00(\d+)\x00", lambda m: preserved[int(m.group(1))], out)


def _article(item, site, *, media_root, path, line):
    post_id = item["post_id"]
    if not post_id:
        raise ValueError("the item has no wp:post_id")
    notes = []
    headline = item["title"].strip() or "(untitled)"
    if len(headline) > HEADLINE_MAX:
        notes.append(f"headline cut to {HEADLINE_MAX} characters")
        headline = headline[:HEADLINE_MAX]
    status = STATUSES.get(item["status"], DRAFT)
    if item["status"] == "private":
        notes.append("private on WordPress: imported as a draft, not public")
    elif item["status"] not in STATUSES:
        notes.append(f"WordPress status {item['status']!r} imported as a draft")

    photos = _Photos(site, media_root)
    body, removed = _strip_shortcodes(_images(_captions(item["content"], photos), photos))
    if removed:
        notes.append("removed shortcodes: " + ", ".join(f"[{n}]" for n in removed))
    body = autop(body)

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

    authors = []
    login = _clean_login(item["creator"])
    if login:
        display, email = site.authors.get(login, (login, ""))
        if display != login:
            notes.append(f"author login {login!r}")
        authors.append(ParsedAuthor(name=display, email=email if "@" in email else ""))

    # WXR 1.0 lists each term twice (with and without its nicename).
    categories = list(dict.fromkeys(name for name, _slug in item["categories"] if name))
    section_slug = next((slug for name, slug in item["categories"] if slug), "")
    tags = list(dict.fromkeys([name for name, _slug in item["tags"] if name] + categories[1:]))

    old_paths = []
    base = site.base_url
    # The permalink, the GUID (WordPress makes it the first address a post had) and the
    # short link all reached the post on the old site.
    guid = item["guid"] if item["guid"].startswith(("http://", "https://")) else ""
    for candidate in (item["link"], guid, f"{base}/?p={post_id}"):
        split = urlsplit(candidate)
        old = split.path + (f"?{split.query}" if split.query else "")
        if old and old != "/" and old not in old_paths and len(old) <= REDIRECT_MAX:
            old_paths.append(old)

    published = _date(item)
    return ParsedArticle(
        headline=headline,
        source=SOURCE,
        external_id=f"{base}/?p={post_id}"[-ID_MAX:],
        body=body,
        dek=item["excerpt"].strip(),
        slug=_slug(item["post_name"]),
        published_at=published,
        authors=authors,
        section=categories[0] if categories else "",
        section_slug=section_slug,
        tags=tags,
        lead_photo=lead,
        photos=photos.photos,
        status=status,
        old_paths=old_paths,
        origin=str(path),
        line=line,
        notes=notes,
    )


def _slug(post_name):
    from urllib.parse import unquote

    # WordPress stores non-ASCII slugs percent-encoded.
    return unquote(post_name or "")
