"""NewsML-G2: a bare newsItem or packageItem, or the items of a newsMessage.

Text items become articles: headline ← contentMeta/headline (an empty one falls back to
a sub-headline, the summary or the body's first sentence); dek ← a description whose
role is a summary or abstract; authors ← contentMeta/by (else creators named by a
<name>), an agency named there is the credit; dateline ← contentMeta/dateline (else the
located place's name); body ← the inline XHTML or NITF, else inline data (HTML as HTML,
plain text escaped into paragraphs, columns kept; a paragraph holding a whole story as
indented lines, as Reuters sends it, is split at its indents); tags ← the names of subjects that
are not places, and keywords; subject codes ← every subject's qcode; external id ←
guid, version ← the version attribute (a newer one updates the article, an older one
is ignored); pubStatus and embargoed as for every wire format, an edNote being the
reason of a kill.

Picture items become library photos (caption, credit, rendition); a package links its
story to its pictures (the story's photos are those pictures) and is reported as
skipped; any other item (video, graphic, an event) is skipped with its class.
"""

import copy
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .. import xmlsafe
from ..parsed import ParsedArticle, ParsedPhoto, ParsedPicture, ParseError, Skipped
from . import nitf, wire

SOURCE = "newsml"
MAX_BYTES = 50 * 1024 * 1024
NS = "{http://iptc.org/std/nar/2006-10-01/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Subject types that name places or things, not topics: never tags.
PLACE_TYPES = ("geoarea", "poi", "place", "location")
# Where a new paragraph starts in agency copy kept as lines: a blank line or an indent.
INDENT_RE = re.compile(r"\n[ \t]*\n|\n(?=[ \t]{2,}\S)")


def detect(head: bytes, path: Path) -> bool:
    return b"http://iptc.org/std/nar/2006-10-01/" in head and (
        b"newsItem" in head or b"newsMessage" in head or b"packageItem" in head
    )


def read(
    path: Path | str, **_options: object
) -> Iterator[ParsedArticle | ParsedPicture | Skipped | ParseError]:
    path = Path(path)
    root = xmlsafe.parse_bytes(wire.read_bytes(path, MAX_BYTES), path=path)
    kinds = (f"{NS}newsItem", f"{NS}packageItem")
    if root.tag not in (*kinds, f"{NS}newsMessage"):
        raise ParseError(
            f"expected a NewsML-G2 newsItem, packageItem or newsMessage, found <{root.tag}>",
            path=path,
        )
    items = [root] if root.tag in kinds else [e for e in root.iter(*kinds)]
    read_items: list[ParsedArticle | ParsedPicture | Skipped | ParseError] = []
    for item in items:
        try:
            read_items.append(_read_item(item, path))
        except ParseError as error:
            read_items.append(error)
        except (ValueError, TypeError, AttributeError) as error:
            read_items.append(
                ParseError(
                    f"an item of an unexpected shape ({error})", path=path, line=item.sourceline
                )
            )
    _link_packages(items, read_items)
    yield from read_items


def _item_class(item):
    item_class = item.find(f"{NS}itemMeta/{NS}itemClass")
    return (item_class.get("qcode", "") if item_class is not None else "").rpartition(":")[2]


def _read_item(item, path):
    headline = _text(_find(item, "contentMeta", "headline"))
    if item.tag == f"{NS}packageItem":
        return Skipped(
            "a package: its story is linked to its pictures", headline, str(path), item.sourceline
        )
    kind = _item_class(item)
    if kind in ("", "text", "composite"):
        return parse(item, path=path)
    if kind in ("picture", "photo"):
        return parse_picture(item, path=path)
    return Skipped(
        f"NewsML-G2 item class {kind}: not a story", headline, str(path), item.sourceline
    )


def _link_packages(elements, read_items):
    """Give each story its package's pictures: the first leads, the others follow it."""
    by_guid = {
        element.get("guid", ""): parsed
        for element, parsed in zip(elements, read_items, strict=True)
        if isinstance(parsed, ParsedArticle | ParsedPicture)
    }
    for element, parsed in zip(elements, read_items, strict=True):
        if element.tag != f"{NS}packageItem" or not isinstance(parsed, Skipped):
            continue
        refs = [r.get("residref", "") for r in element.iter(f"{NS}itemRef")]
        stories = [by_guid[r] for r in refs if isinstance(by_guid.get(r), ParsedArticle)]
        pictures = [by_guid[r] for r in refs if isinstance(by_guid.get(r), ParsedPicture)]
        if not stories:
            parsed.reason = "a package of items not in this file"
            continue
        for story in stories:
            if not isinstance(story, ParsedArticle) or not pictures:
                continue
            wire.place_photos(story, [p.photo for p in pictures if isinstance(p, ParsedPicture)])
            story.notes.append(f"{len(pictures)} picture(s) of its package linked")
        parsed.reason = f"a package: {len(stories)} story linked to {len(pictures)} picture(s)"


def _find(element, *steps):
    return element.find("/".join(f"{NS}{s}" for s in steps))


def _text(element):
    return wire.clean_text(xmlsafe.text(element))


def _name(element, lang):
    """The <name> in the item's language if there is one, else the first."""
    names = element.findall(f"{NS}name")
    chosen = next((n for n in names if (n.get(XML_LANG) or "").startswith(lang[:2])), None)
    chosen = chosen if chosen is not None else (names[0] if names else None)
    return _text(chosen) if chosen is not None else ""


def _body(item, photos):
    for inline in item.iterfind(f"{NS}contentSet/{NS}inlineXML"):
        # XHTML (with or without its namespace) or NITF, whichever the item carries.
        tree = nitf.without_namespaces(copy.deepcopy(inline))
        # NITF's body.content (its body also holds the body.head), else XHTML's body.
        body = next(tree.iter("body.content"), None)
        if body is None:
            body = next(tree.iter("body"), None)
            _split_indented(body)
        if body is not None:
            return nitf.body_html(body, photos), tree
    for inline in item.iterfind(f"{NS}contentSet/{NS}inlineData"):
        kind = (inline.get("contenttype") or "text/plain").lower()
        if "html" in kind:
            return inline.text or "", None
        return wire.paragraphs(inline.text), None
    return "", None


def _split_indented(body):
    """Split each plain-text <p> of ``body`` that holds several indented paragraphs (a
    wrapped line, not indented, stays in its paragraph)."""
    for p in list(body.iter("p")) if body is not None else []:
        if len(p) or not p.text:
            continue
        parts = [" ".join(part.split()) for part in INDENT_RE.split(p.text)]
        parts = [part for part in parts if part]
        if len(parts) < 2:
            continue
        paragraphs = []
        for part in parts:
            paragraphs.append(etree.Element("p"))
            paragraphs[-1].text = part
            paragraphs[-1].tail = "\n"
        paragraphs[-1].tail = p.tail
        parent = p.getparent()
        index = parent.index(p)
        parent[index : index + 1] = paragraphs


def _subjects(meta, lang):
    pairs, places = [], []
    for subject in meta.findall(f"{NS}subject"):
        kind = (subject.get("type") or "").lower()
        name = _name(subject, lang)
        if any(p in kind for p in PLACE_TYPES):
            places.append(name)
            continue
        pairs.append((name, subject.get("qcode") or subject.get("uri") or ""))
    names, codes = wire.subjects(pairs)
    return names, codes, places


def parse(item: etree._Element, *, path: Path) -> ParsedArticle:
    lang = item.get(XML_LANG) or ""
    meta = _find(item, "contentMeta")
    if meta is None:
        raise ParseError("the newsItem has no contentMeta", path=path, line=item.sourceline)
    guid = item.get("guid", "").strip()
    if not guid:
        raise ParseError("the newsItem has no guid", path=path, line=item.sourceline)
    photos: list[ParsedPhoto] = []
    body, inner = _body(item, photos)

    dek = ""
    for description in meta.findall(f"{NS}description"):
        if any(k in description.get("role", "") for k in ("summary", "abstract")):
            dek = _text(description)
            break
    headlines = meta.findall(f"{NS}headline")
    main = next((h for h in headlines if "main" in h.get("role", "")), None)
    main = main if main is not None else (headlines[0] if headlines else None)
    headline = _text(main)
    if not headline and inner is not None:
        # NITF carried inside keeps its headline in its own head.
        headline = wire.clean_text(xmlsafe.text(next((e for e in inner.iter("hl1")), None)))
        dek = dek or wire.clean_text(xmlsafe.text(next((e for e in inner.iter("abstract")), None)))
    others = [_text(h) for h in headlines if h is not main]
    headline, fallback = wire.headline_or_fallback(
        headline, subheadline=next((h for h in others if h), ""), abstract=dek, body=body
    )
    if not headline:
        raise ParseError("the newsItem has no headline", path=path, line=item.sourceline)

    tags, codes, places = _subjects(meta, lang)
    tags += [_text(k) for k in meta.findall(f"{NS}keyword")]
    dateline = _text(_find(meta, "dateline"))
    if not dateline and inner is not None:
        location = next(inner.iter("location"), next(inner.iter("dateline"), None))
        dateline = wire.clean_text(xmlsafe.text(location))
    if not dateline and _find(meta, "located") is not None:
        dateline = _name(_find(meta, "located"), lang)

    first = wire.parse_date(_text(_find(item, "itemMeta", "firstCreated"))) or wire.parse_date(
        _text(_find(item, "itemMeta", "versionCreated"))
    )
    embargo = wire.parse_date(_text(_find(item, "itemMeta", "embargoed")))
    pubstatus = _find(item, "itemMeta", "pubStatus")
    status, published, notes = wire.status_and_date(
        pubstatus.get("qcode", "") if pubstatus is not None else "",
        embargo=embargo,
        created=first,
    )
    if _find(item, "itemMeta") is None:
        notes.append("no itemMeta")
    if places:
        notes.append(f"place subjects not made tags: {', '.join(p for p in places if p)}")
    parsed = ParsedArticle(
        headline=headline,
        source=SOURCE,
        external_id=guid,
        body=body,
        dek=dek,
        published_at=published,
        dateline=dateline,
        tags=[t for t in tags if t],
        subject_codes=codes,
        photos=photos,
        status=status,
        version=wire.version_number(item.get("version")),
        origin=str(path),
        line=item.sourceline,
        notes=notes + ([fallback] if fallback else []),
    )
    if status == wire.ARCHIVED:
        parsed.withdrawn_reason = _text(_find(item, "itemMeta", "edNote")) or wire.NO_REASON
    by = _find(meta, "by")
    if by is not None:
        wire.apply_byline(parsed, xmlsafe.text(by))
    elif inner is not None and next(inner.iter("byline"), None) is not None:
        wire.apply_byline(parsed, xmlsafe.text(next(inner.iter("byline"))))
    else:
        names = [_name(c, lang) for c in meta.findall(f"{NS}creator")]
        parsed.authors = wire.merge_authors(
            [wire.ParsedAuthor(name=n[:200]) for n in names if n and not wire.is_agency(n)]
        )
    wire.strip_envelope(parsed)
    return parsed


def parse_picture(item: etree._Element, *, path: Path) -> ParsedPicture:
    """A picture item: a library photo with its caption, credit and largest rendition."""
    lang = item.get(XML_LANG) or ""
    meta = _find(item, "contentMeta")
    meta = meta if meta is not None else etree.Element("contentMeta")
    caption = ""
    for description in meta.findall(f"{NS}description"):
        caption = _text(description)
        if "caption" in description.get("role", ""):
            break
    credit = _text(_find(meta, "creditline")) or _text(_find(meta, "by"))
    if not credit:
        credit = " / ".join(n for n in (_name(c, lang) for c in meta.findall(f"{NS}creator")) if n)
    remotes = item.findall(f"{NS}contentSet/{NS}remoteContent")
    largest = max(remotes, key=lambda r: int(r.get("width") or 0), default=None)
    rights = _find(item, "rightsInfo", "copyrightNotice")
    photo = ParsedPhoto(
        caption=caption,
        credit_line=credit[:500],
        title=_text(_find(meta, "headline"))[:300],
        alt_text=_text(_find(meta, "headline"))[:500],
        copyright_notice=_text(rights)[:500],
        source_url=(largest.get("href", "") if largest is not None else "")[:1000],
    )
    return wire.picture_item(
        photo, source=SOURCE, guid=item.get("guid", ""), path=str(path), line=item.sourceline
    )
