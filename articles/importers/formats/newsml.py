"""NewsML-G2 text items: a bare newsItem, or the newsItems of a newsMessage.

headline ← contentMeta/headline; dek ← a description whose role is a summary or
abstract; authors ← contentMeta/by (else creators named by a <name>); dateline ←
contentMeta/dateline (else the located place's name); body ← the inline XHTML or NITF
(else inline text as paragraphs); tags ← subject names (else their qcodes) and
keywords; external id ← guid, version ← the version attribute (a newer one updates the
article, an older one is ignored); pubStatus and embargoed as for every wire format.
Items that are not text (pictures, packages) are skipped.
"""

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .. import xmlsafe
from ..parsed import ParsedArticle, ParseError
from . import nitf, wire

SOURCE = "newsml"
MAX_BYTES = 50 * 1024 * 1024
NS = "{http://iptc.org/std/nar/2006-10-01/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def detect(head: bytes, path: Path) -> bool:
    return b"http://iptc.org/std/nar/2006-10-01/" in head and (
        b"<newsItem" in head or b"<newsMessage" in head or b"newsItem" in head
    )


def read(path: Path | str, **_options: object) -> Iterator[ParsedArticle | ParseError]:
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise ParseError(f"the file is larger than {MAX_BYTES // 1048576} MB", path=path)
    root = xmlsafe.parse_bytes(path.read_bytes(), path=path)
    if root.tag not in (f"{NS}newsItem", f"{NS}newsMessage", f"{NS}packageItem"):
        raise ParseError(
            f"expected a NewsML-G2 newsItem or newsMessage, found <{root.tag}>", path=path
        )
    items = [root] if root.tag == f"{NS}newsItem" else root.iter(f"{NS}newsItem")
    for item in items:
        item_class = item.find(f"{NS}itemMeta/{NS}itemClass")
        kind = (item_class.get("qcode", "") if item_class is not None else "").rpartition(":")[2]
        if kind and kind != "text":
            continue
        try:
            yield parse(item, path=path)
        except ParseError as error:
            yield error


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


def _body(item):
    for inline in item.iterfind(f"{NS}contentSet/{NS}inlineXML"):
        # XHTML (with or without its namespace) or NITF, whichever the item carries.
        body = next(
            (e for e in inline.iter() if xmlsafe.local(e.tag) in ("body", "body.content")), None
        )
        if body is not None:
            return nitf.body_html(body)
    for inline in item.iterfind(f"{NS}contentSet/{NS}inlineData"):
        return wire.paragraphs(inline.text)
    return ""


def parse(item: etree._Element, *, path: Path) -> ParsedArticle:
    lang = item.get(XML_LANG) or ""
    meta = _find(item, "contentMeta")
    if meta is None:
        raise ParseError("the newsItem has no contentMeta", path=path, line=item.sourceline)
    headlines = meta.findall(f"{NS}headline")
    main = next((h for h in headlines if "main" in h.get("role", "")), None)
    headline = _text(main if main is not None else (headlines[0] if headlines else None))
    if not headline:
        raise ParseError("the newsItem has no headline", path=path, line=item.sourceline)
    guid = item.get("guid", "").strip()
    if not guid:
        raise ParseError("the newsItem has no guid", path=path, line=item.sourceline)

    dek = ""
    for description in meta.findall(f"{NS}description"):
        if any(k in description.get("role", "") for k in ("summary", "abstract")):
            dek = _text(description)
            break
    by = _find(meta, "by")
    if by is not None:
        authors = wire.authors_from_byline(xmlsafe.text(by))
    else:
        names = [_name(c, lang) for c in meta.findall(f"{NS}creator")]
        authors = [wire.ParsedAuthor(name=n[:200]) for n in names if n]
    dateline = _text(_find(meta, "dateline"))
    if not dateline and _find(meta, "located") is not None:
        dateline = _name(_find(meta, "located"), lang)
    tags = [_name(s, lang) or s.get("qcode", "") for s in meta.findall(f"{NS}subject")]
    tags += [_text(k) for k in meta.findall(f"{NS}keyword")]

    item_meta = _find(item, "itemMeta")
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
    if item_meta is None:
        notes.append("no itemMeta")
    return ParsedArticle(
        headline=headline[:300],
        source=SOURCE,
        external_id=guid[:300],
        body=_body(item),
        dek=dek,
        published_at=published,
        updated_at=None,
        authors=authors,
        dateline=dateline[:200],
        tags=[t for t in tags if t],
        status=status,
        version=wire.version_number(item.get("version")),
        origin=str(path),
        line=item.sourceline,
        notes=notes,
    )
