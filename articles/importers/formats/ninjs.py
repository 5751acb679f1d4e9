"""ninjs (IPTC's news in JSON), 1.x and 2.x.

A file holds one item, a list of items, or an envelope with "item"/"items". Every item
is accounted for: text items (text, preformatted and the other text types agencies
send) become articles; picture items become library photos; anything else (an
advisory, a video, a composite) is skipped with its type; an item of an unexpected
shape fails alone, saying what was wrong.

headline ← headline (2.x: headlines; empty: the sub-headline, the abstract or the
body's first sentence); dek ← description_text (2.x: descriptions); authors ← byline/by
and the structured authors (with role and biography), merged without duplicates, an
agency in the byline being the credit; dateline ← located (else a place); body ←
body_html, body_html5, body_xhtml, else body_text escaped into paragraphs (2.x:
bodies, HTML first); lead photo ← the featuremedia or mainpic association (1.x: a
mapping, 2.x: a list), other pictures follow the body; tags ← subject names and
keywords, codes kept apart; external id ← guid, else uri.
"""

import json
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

from ..parsed import (
    WRITER,
    ParsedArticle,
    ParsedAuthor,
    ParsedPhoto,
    ParsedPicture,
    ParseError,
    Skipped,
)
from . import wire

SOURCE = "ninjs"
MAX_BYTES = 50 * 1024 * 1024
TEXT_TYPES = {"text", "preformatted", "article", "story", "news", "textual", ""}
PICTURE_TYPES = {"picture", "image", "photo", "graphic"}
LEAD_KEYS = ("featuremedia", "mainpic", "main-picture", "featureimage")
PHOTOGRAPHER_ROLES = {"photographer", "camera", "photo"}
NOT_BYLINE_ROLES = {"editor", "producer", "subeditor", "sub-editor", "desk", "publisher"}


def detect(head: bytes, path: Path) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text[:1] in (b"{", b"[") and any(
        key in head for key in (b'"headline', b'"versioncreated"', b'"uri"', b'"guid"')
    )


def decode(data: bytes, *, path: Path) -> Any:
    """The JSON document of ``data``: UTF-8 (with or without BOM), UTF-16 with its BOM,
    else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"not valid JSON: {error.msg}", path=path, line=error.lineno) from error


def read(
    path: Path | str, **_options: object
) -> Iterator[ParsedArticle | ParsedPicture | Skipped | ParseError]:
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise ParseError(f"the file is larger than {MAX_BYTES // 1048576} MB", path=path)
    for item in _items(decode(path.read_bytes(), path=path)):
        if not isinstance(item, dict):
            yield ParseError("an item that is not a JSON object", path=path)
            continue
        kind = str(item.get("type") or "text").lower()
        try:
            if kind in TEXT_TYPES:
                yield parse(item, path=path)
            elif kind in PICTURE_TYPES:
                yield parse_picture(item, path=path)
            else:
                headline = str(item.get("headline") or "")
                yield Skipped(f"ninjs type {kind}: not a story", headline, str(path))
        except ParseError as error:
            yield error
        except (AttributeError, TypeError, ValueError, KeyError) as error:
            label = str(item.get("guid") or item.get("uri") or item.get("headline") or "")[:60]
            yield ParseError(
                f"the item {label!r} has an unexpected shape ({type(error).__name__}: {error})",
                path=path,
            )


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
    if isinstance(entries, str):
        return entries
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
    for key in ("body_html", "body_html5", "body_xhtml"):
        if item.get(key):
            return str(item[key])
    bodies = item.get("bodies")
    if isinstance(bodies, list):
        for body in bodies:
            if isinstance(body, dict) and "html" in str(body.get("contenttype", "")):
                return str(body.get("value") or "")
        for body in bodies:
            if isinstance(body, dict) and body.get("value"):
                return wire.paragraphs(str(body["value"]))
    text = str(item.get("body_text") or "")
    if str(item.get("type", "")).lower() == "preformatted" and text:
        return f"<pre>{escape(text.strip(), quote=False)}</pre>"
    return wire.paragraphs(text)


def _structured_authors(item):
    people = item.get("authors") or item.get("people") or []
    if isinstance(people, dict):
        people = [people]
    if not isinstance(people, list):
        raise TypeError(f"authors is a {type(people).__name__}, not a list")
    authors = []
    for person in people:
        if not isinstance(person, dict) or not person.get("name"):
            continue
        role = str(person.get("role") or "").lower()
        if role in NOT_BYLINE_ROLES:
            continue  # the desk's editor or producer of the item is not its author
        authors.append(
            ParsedAuthor(
                name=wire.clean_text(str(person["name"]))[:200],
                bio=str(person.get("biography") or person.get("bio") or ""),
                role="photographer" if role in PHOTOGRAPHER_ROLES else WRITER,
            )
        )
    return authors


def _associations(item: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, item) of each association: 1.x maps names to items, 2.x lists items with
    a "name"; anything else is a shape this importer cannot read."""
    associations = item.get("associations")
    if not associations:
        return []
    if isinstance(associations, dict):
        pairs = list(associations.items())
    elif isinstance(associations, list):
        pairs = [(str(a.get("name", "")) if isinstance(a, dict) else "", a) for a in associations]
    else:
        raise TypeError(f"associations is a {type(associations).__name__}")
    for name, value in pairs:
        if not isinstance(value, dict):
            raise TypeError(
                f"association {name or '?'!r} is a {type(value).__name__}, not an object"
            )
    return pairs


def _photo(media: dict[str, Any]) -> ParsedPhoto:
    renditions = media.get("renditions") or {}
    if isinstance(renditions, list):  # 2.x: a list of renditions with a "name"
        renditions = {
            str(r.get("name", i)): r for i, r in enumerate(renditions) if isinstance(r, dict)
        }
    original: dict[str, Any] = renditions.get("original") or next(iter(renditions.values()), {})
    headline = str(media.get("headline") or _first_value(media.get("headlines")) or "")
    caption = str(
        media.get("description_text")
        or _first_value(media.get("descriptions"), "caption")
        or media.get("body_text")
        or headline
    )
    credit = str(
        media.get("creditline")
        or media.get("byline")
        or media.get("by")
        or media.get("copyrightholder")
        or ""
    )
    return ParsedPhoto(
        caption=wire.clean_text(caption),
        credit_line=wire.clean_text(credit)[:500],
        alt_text=wire.clean_text(str(media.get("body_text") or media.get("alt_text") or headline))[
            :500
        ],
        title=wire.clean_text(headline)[:300],
        copyright_notice=str(media.get("copyrightnotice") or "")[:500],
        source_url=str(original.get("href") or "")[:1000],
        external_id=str(media.get("guid") or media.get("uri") or "")[:300],
    )


def _pictures(item):
    """The lead photo and the other pictures among the associations."""
    pictures = [
        (name, media)
        for name, media in _associations(item)
        if str(media.get("type") or "picture").lower() in PICTURE_TYPES
    ]
    lead = next((m for key in LEAD_KEYS for n, m in pictures if n == key), None)
    lead = lead if lead is not None else (pictures[0][1] if pictures else None)
    others = [m for _n, m in pictures if m is not lead]
    return (_photo(lead) if lead is not None else None), [_photo(m) for m in others]


def _subjects(item):
    entries = item.get("subject") or item.get("subjects") or []
    if not isinstance(entries, list):
        raise TypeError(f"subject is a {type(entries).__name__}, not a list")
    pairs = []
    for s in entries:
        if isinstance(s, dict):
            code = str(s.get("code") or s.get("uri") or "")
            scheme = str(s.get("scheme") or "")
            if code and scheme and ":" not in code and "/" not in scheme:
                code = f"{scheme}:{code}"
            pairs.append((str(s.get("name") or ""), code))
    return wire.subjects(pairs)


def _places(item):
    places = item.get("place") or item.get("places") or []
    places = places if isinstance(places, list) else [places]
    return [
        wire.clean_text(str(p.get("name") or "")) if isinstance(p, dict) else str(p) for p in places
    ]


def parse(item: dict[str, Any], *, path: Path) -> ParsedArticle:
    body = _body(item)
    dek = wire.clean_text(
        str(item.get("description_text") or _first_value(item.get("descriptions"), "summary"))
    )
    headline = wire.clean_text(str(item.get("headline") or ""))
    headlines = item.get("headlines")
    if not headline and isinstance(headlines, list):
        headline = wire.clean_text(_first_value(headlines, "main"))
    sub = wire.clean_text(_first_value(headlines, "sub") if isinstance(headlines, list) else "")
    headline, fallback = wire.headline_or_fallback(
        headline, subheadline=sub if sub != headline else "", abstract=dek, body=body
    )
    if not headline:
        raise ParseError("the item has no headline", path=path)
    external_id = str(item.get("guid") or item.get("uri") or "").strip()
    if not external_id:
        raise ParseError(f"the item {headline[:40]!r} has no guid or uri", path=path)
    first = wire.parse_date(item.get("firstcreated")) or wire.parse_date(item.get("versioncreated"))
    status, published, notes = wire.status_and_date(
        item.get("pubstatus"),
        embargo=wire.parse_date(item.get("embargoed")),
        created=first,
    )
    tags, codes = _subjects(item)
    keywords = item.get("keywords") or []
    tags += [str(k).strip() for k in (keywords if isinstance(keywords, list) else [keywords])]
    located = wire.clean_text(str(item.get("located") or ""))
    lead, others = _pictures(item)
    for i in range(len(others)):
        body += f'\n<figure data-photo-ref="{i}"></figure>'
    parsed = ParsedArticle(
        headline=headline,
        source=SOURCE,
        external_id=external_id,
        body=body,
        dek=dek,
        published_at=published,
        authors=[],
        dateline=located or next((p for p in _places(item) if p), ""),
        tags=[t for t in tags if t],
        subject_codes=codes,
        lead_photo=lead,
        photos=others,
        status=status,
        version=wire.version_number(item.get("version")),
        origin=str(path),
        notes=notes + ([fallback] if fallback else []),
    )
    if status == wire.ARCHIVED:
        parsed.withdrawn_reason = wire.clean_text(str(item.get("ednote") or "")) or wire.NO_REASON
    byline = item.get("byline") or item.get("by") or ""
    wire.apply_byline(parsed, str(byline))
    parsed.authors = wire.merge_authors(parsed.authors, _structured_authors(item))
    wire.strip_envelope(parsed)
    return parsed


def parse_picture(item: dict[str, Any], *, path: Path) -> ParsedPicture:
    photo = _photo(item)
    external_id = str(item.get("guid") or item.get("uri") or "").strip()
    if not external_id:
        raise ParseError("the picture item has no guid or uri", path=path)
    photo.external_id = external_id[:300]
    return ParsedPicture(photo=photo, source=SOURCE, external_id=external_id, origin=str(path))
