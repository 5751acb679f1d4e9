"""ninjs (IPTC's news in JSON), 1.x and 2.x.

A file holds one item, a list of items, or an envelope with "item"/"items". Every item
is accounted for: text items (text, preformatted and the other text types agencies
send) become articles; picture items become library photos; anything else (an
advisory, a video) is skipped with its type; an item of an unexpected shape fails
alone, saying what was wrong. A composite (a story sent with its pictures as one item)
gives a story for each of its text associations, with the composite's own metadata
where the text has none; its pictures are placed on the first story (the lead, then
figures after the body) and kept in the library; any other association (a video, an
audio) is reported as skipped.

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
COMPOSITE_TYPES = {"composite", "package"}
BODY_KEYS = ("body_html", "body_html5", "body_xhtml", "body_text", "bodies")
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
    for item in _items(decode(wire.read_bytes(path, MAX_BYTES), path=path)):
        if not isinstance(item, dict):
            yield ParseError("an item that is not a JSON object", path=path)
            continue
        kind = str(item.get("type") or "text").lower()
        try:
            if kind in TEXT_TYPES:
                yield parse(item, path=path)
            elif kind in PICTURE_TYPES:
                yield parse_picture(item, path=path)
            elif kind in COMPOSITE_TYPES:
                yield from parse_composite(item, path=path)
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


def _kind(media: dict[str, Any]) -> str:
    """An association's type; one that gives none is a picture unless it has a body."""
    default = "text" if any(media.get(k) for k in BODY_KEYS) else "picture"
    return str(media.get("type") or default).lower()


def _lead_first(pictures: list[tuple[str, dict[str, Any]]]) -> list[ParsedPhoto]:
    """The photos of (name, picture) pairs, the one named as the lead (featuremedia,
    mainpic) first, else in their order."""
    lead = next((i for key in LEAD_KEYS for i, (n, _m) in enumerate(pictures) if n == key), 0)
    ordered = pictures[lead : lead + 1] + pictures[:lead] + pictures[lead + 1 :]
    return [_photo(media) for _name, media in ordered]


def _pictures(item):
    """The photos among the associations, the lead first."""
    return _lead_first([(n, m) for n, m in _associations(item) if _kind(m) in PICTURE_TYPES])


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
    wire.place_photos(parsed, _pictures(item))
    wire.strip_envelope(parsed)
    return parsed


def parse_picture(item: dict[str, Any], *, path: Path) -> ParsedPicture:
    guid = str(item.get("guid") or item.get("uri") or "")
    return wire.picture_item(_photo(item), source=SOURCE, guid=guid, path=str(path))


def parse_composite(
    item: dict[str, Any], *, path: Path
) -> list[ParsedArticle | ParsedPicture | Skipped]:
    """The stories, photos and skipped parts of a composite item (see the module's
    docstring); read whole before any is given, so a bad part fails the composite alone."""
    guid = str(item.get("guid") or item.get("uri") or "").strip()
    texts: list[tuple[str, dict[str, Any]]] = []
    pictures: list[tuple[str, dict[str, Any]]] = []
    others: list[tuple[str, dict[str, Any]]] = []
    for name, media in _associations(item):
        kind = _kind(media)
        group = texts if kind in TEXT_TYPES else pictures if kind in PICTURE_TYPES else others
        group.append((name, media))
    label = f"ninjs composite {guid or str(item.get('headline') or '')[:40]!r}"
    skipped: list[ParsedArticle | ParsedPicture | Skipped] = [
        Skipped(
            f"{_kind(media)} association {name!r} of {label}: not a story",
            str(media.get("headline") or ""),
            str(path),
        )
        for name, media in others
    ]
    if not texts and not any(item.get(k) for k in BODY_KEYS):
        # Pictures alone: each goes to the library.
        library: list[ParsedArticle | ParsedPicture | Skipped] = [
            parse_picture(media, path=path) for _name, media in pictures
        ]
        reason = f"{label} without a text: its {len(pictures)} picture(s) go to the library"
        return [*library, Skipped(reason, str(item.get("headline") or ""), str(path)), *skipped]
    if not texts:
        # The composite carries its own text: a story with its pictures, as any item.
        return [parse(item, path=path), *skipped]
    # What the composite says of itself holds for its texts where they say nothing.
    inherited = {
        k: v
        for k, v in item.items()
        if k not in ("type", "associations", "guid", "uri", "version", *BODY_KEYS)
    }
    stories = []
    for i, (name, text) in enumerate(texts):
        merged = {**inherited, **{k: v for k, v in text.items() if v not in (None, "", [], {})}}
        if not (text.get("guid") or text.get("uri")):
            merged["guid"] = guid if len(texts) == 1 else f"{guid}#{name or i}"
        if str(item.get("pubstatus") or "").lower().rpartition(":")[2] in wire.WITHDRAWN:
            # A composite withdrawn is withdrawn whole, whatever its parts say.
            merged["pubstatus"], merged["ednote"] = item["pubstatus"], item.get("ednote", "")
        stories.append(parse(merged, path=path))
    story = stories[0]
    known = {p.external_id for p in story.all_photos() if p.external_id}
    photos = [p for p in _lead_first(pictures) if not (p.external_id and p.external_id in known)]
    wire.place_photos(story, photos)
    story.notes.append(
        f"{label}: story from its text {texts[0][0]!r}, "
        f"{len(photos)} picture(s) placed with their captions"
    )
    for other, (name, _text) in zip(stories[1:], texts[1:], strict=True):
        other.notes.append(f"{label}: story from its text {name!r}")
    return [*stories, *skipped]
