"""ninjs (IPTC's news in JSON), 1.x and 2.x text items.

A file holds one item, a list of items, or an envelope with "item"/"items". Pictures
are not articles: a text item's featuremedia picture becomes its lead photo (pending,
with the rendition URL). headline ← headline (2.x: headlines); dek ← description_text
(2.x: descriptions); authors ← byline/by (else the structured authors); dateline ←
located; body ← body_html, else body_xhtml, else body_text as paragraphs (2.x:
bodies); tags ← subject names and keywords; external id ← guid, else uri.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..parsed import ParsedArticle, ParsedAuthor, ParsedPhoto, ParseError
from . import wire

SOURCE = "ninjs"
MAX_BYTES = 50 * 1024 * 1024


def detect(head: bytes, path: Path) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text[:1] in (b"{", b"[") and any(
        key in head for key in (b'"headline', b'"versioncreated"', b'"uri"', b'"guid"')
    )


def read(path: Path | str, **_options: object) -> Iterator[ParsedArticle | ParseError]:
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise ParseError(f"the file is larger than {MAX_BYTES // 1048576} MB", path=path)
    data = path.read_bytes()
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        document = None
    except json.JSONDecodeError as error:
        raise ParseError(f"not valid JSON: {error.msg}", path=path, line=error.lineno) from error
    if document is None:
        try:
            document = json.loads(data.decode("cp1252"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ParseError("not UTF-8 JSON", path=path) from error
    for item in _items(document):
        if not isinstance(item, dict):
            yield ParseError("an item that is not a JSON object", path=path)
        elif item.get("type", "text") == "text":
            try:
                yield parse(item, path=path)
            except ParseError as error:
                yield error


def _items(document):
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("items", "item"):
            if key in document and isinstance(document[key], list | dict):
                inner = document[key]
                return inner if isinstance(inner, list) else [inner]
        return [document]
    return [document]


def _first_value(entries, role_hint=""):
    """2.x lists of {"value", "role"/"contenttype"}: the hinted one, else the first."""
    if not isinstance(entries, list) or not entries:
        return ""
    entries = [e for e in entries if isinstance(e, dict)] or [{}]
    hinted = (
        e
        for e in entries
        if role_hint and role_hint in f"{e.get('role', '')} {e.get('contenttype', '')}"
    )
    chosen = next(hinted, entries[0])
    return str(chosen.get("value", ""))


def _body(item):
    for key in ("body_html", "body_xhtml"):
        if item.get(key):
            return str(item[key])
    if item.get("bodies"):
        html = _first_value(item["bodies"], "html")
        if html:
            return html
    return wire.paragraphs(item.get("body_text", ""))


def _authors(item):
    byline = item.get("byline") or item.get("by") or ""
    if byline:
        return wire.authors_from_byline(byline)
    people = item.get("authors") or item.get("people") or []
    return [
        ParsedAuthor(name=str(p["name"])[:200], bio=str(p.get("biography", "")))
        for p in people
        if isinstance(p, dict) and p.get("name")
    ]


def _lead_photo(item):
    media = (item.get("associations") or {}).get("featuremedia")
    if not isinstance(media, dict) or media.get("type", "picture") != "picture":
        return None
    renditions = media.get("renditions") or {}
    original: dict[str, Any] = renditions.get("original") or next(iter(renditions.values()), {})
    return ParsedPhoto(
        caption=str(media.get("description_text") or media.get("headline") or ""),
        credit_line=str(media.get("byline") or media.get("copyrightholder") or "")[:500],
        alt_text=str(media.get("body_text") or "")[:500],
        title=str(media.get("headline") or "")[:300],
        copyright_notice=str(media.get("copyrightnotice") or "")[:500],
        source_url=str(original.get("href") or "")[:1000],
        external_id=str(media.get("guid") or media.get("uri") or "")[:300],
    )


def parse(item: dict[str, Any], *, path: Path) -> ParsedArticle:
    headline = wire.clean_text(str(item.get("headline") or _first_value(item.get("headlines"))))
    if not headline:
        raise ParseError("the item has no headline", path=path)
    external_id = str(item.get("guid") or item.get("uri") or "").strip()
    if not external_id:
        raise ParseError(f"the item {headline[:40]!r} has no guid or uri", path=path)
    dek = item.get("description_text") or _first_value(item.get("descriptions"), "summary")
    first = wire.parse_date(item.get("firstcreated")) or wire.parse_date(item.get("versioncreated"))
    status, published, notes = wire.status_and_date(
        item.get("pubstatus"),
        embargo=wire.parse_date(item.get("embargoed")),
        created=first,
    )
    tags = [
        str(s.get("name") or s.get("code") or "")
        for s in item.get("subject") or []
        if isinstance(s, dict)
    ]
    tags += [str(k) for k in item.get("keywords") or []]
    located = item.get("located") or ""
    return ParsedArticle(
        headline=headline[:300],
        source=SOURCE,
        external_id=external_id[:300],
        body=_body(item),
        dek=wire.clean_text(str(dek or "")),
        published_at=published,
        authors=_authors(item),
        dateline=wire.clean_text(str(located))[:200],
        tags=[t.strip() for t in tags if t.strip()],
        lead_photo=_lead_photo(item),
        status=status,
        version=wire.version_number(item.get("version")),
        origin=str(path),
        notes=notes,
    )
