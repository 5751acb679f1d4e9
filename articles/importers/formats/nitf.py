"""NITF (News Industry Text Format) 3.x text items, one story per file.

headline ← hl1 (else head/title); dek ← abstract; authors ← byline (its <person>s when
marked up, else the names in its text, without the <byttl> job title); dateline ←
dateline's location (else evloc's city); body ← body.content (hl2 as subheads, <pre>
kept); tags ← tobject.subject (the most specific of detail, matter, type, else the
code) and key-list keywords; external id ← doc-id, else the du-key, else the file
name; pubstatus ← docdata management-status; embargo ← date.release.
"""

import copy
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .. import xmlsafe
from ..parsed import ParsedArticle, ParseError
from . import wire

SOURCE = "nitf"
MAX_BYTES = 20 * 1024 * 1024
RENAMED = {"hl2": "h2", "hl3": "h3", "bq": "blockquote", "block": None, "media": False}


def detect(head: bytes, path: Path) -> bool:
    return b"<nitf" in head


def read(path: Path | str, **_options: object) -> Iterator[ParsedArticle | ParseError]:
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise ParseError(f"the file is larger than {MAX_BYTES // 1048576} MB", path=path)
    root = xmlsafe.parse_bytes(path.read_bytes(), path=path)
    if xmlsafe.local(root.tag) != "nitf":
        raise ParseError(f"expected an <nitf> document, found <{root.tag}>", path=path)
    yield parse(root, path=path)


def _first(root, xpath):
    found = root.xpath(xpath)
    return found[0] if found else None


def _attr(root, xpath):
    found = root.xpath(xpath)
    return str(found[0]).strip() if found else ""


def body_html(content: etree._Element | None) -> str:
    """The HTML of a body.content element: NITF's own tags mapped to ours, media dropped."""
    if content is None:
        return ""
    content = copy.deepcopy(content)  # a copy to rewrite freely
    for element in list(content.iter()):
        if not isinstance(element.tag, str):
            continue
        name = xmlsafe.local(element.tag)
        target = RENAMED.get(name, name)
        if target is False:
            element.getparent().remove(element)
        elif target is None:
            element.tag = "div"  # unwrapped by the sanitiser, which keeps its content
        else:
            element.tag = target
    etree.cleanup_namespaces(content)
    parts = [etree.tostring(child, encoding="unicode", method="html") for child in content]
    html = (content.text or "") + "".join(parts)
    return re.sub(r"<p>\s*</p>|<p/>", "", html).strip()


def _dateline(root):
    dateline = _first(root, "body/body.head/dateline")
    if dateline is not None:
        location = _first(dateline, "location")
        if location is None:
            # Text of the dateline itself, without its <story.date> timestamp.
            location = copy.deepcopy(dateline)
            for date in location.findall("story.date"):
                date.text = ""  # its tail, the text after it, stays
                date[:] = []
        text = wire.clean_text(xmlsafe.text(location))
        if text:
            return text[:200]
    return _attr(root, "head/docdata/evloc/@city")[:200]


def _authors(root):
    byline = _first(root, "body/body.head/byline")
    if byline is None:
        return []
    persons = [wire.clean_text(xmlsafe.text(p)) for p in byline.iter("person")]
    if persons:
        return [wire.ParsedAuthor(name=n[:200]) for n in persons if n]
    text = (byline.text or "") + "".join(
        (xmlsafe.text(c) if xmlsafe.local(c.tag) != "byttl" else "") + (c.tail or "")
        for c in byline
    )
    return wire.authors_from_byline(text)


def _tags(root):
    tags = []
    for subject in root.xpath("head/tobject/tobject.subject"):
        name = next(
            (
                subject.get(f"tobject.subject.{k}")
                for k in ("detail", "matter", "type")
                if subject.get(f"tobject.subject.{k}")
            ),
            subject.get("tobject.subject.refnum", ""),
        )
        if name:
            tags.append(name.strip())
    tags += [k.strip() for k in root.xpath("head/docdata/key-list/keyword/@key") if k.strip()]
    return tags


def parse(root: etree._Element, *, path: Path) -> ParsedArticle:
    headline = wire.clean_text(xmlsafe.text(_first(root, "body/body.head/hedline/hl1")))
    headline = headline or wire.clean_text(xmlsafe.text(_first(root, "head/title")))
    if not headline:
        raise ParseError("the item has no headline (hl1 or title)", path=path)
    external_id = (
        _attr(root, "head/docdata/doc-id/@id-string")
        or _attr(root, "head/docdata/du-key/@key")
        or path.stem
    )
    issued = wire.parse_date(_attr(root, "head/docdata/date.issue/@norm"))
    release = wire.parse_date(_attr(root, "head/docdata/date.release/@norm"))
    status, published, notes = wire.status_and_date(
        _attr(root, "head/docdata/@management-status"),
        embargo=release,
        created=issued,
    )
    return ParsedArticle(
        headline=headline[:300],
        source=SOURCE,
        external_id=external_id[:300],
        body=body_html(_first(root, "body/body.content")),
        dek=wire.clean_text(xmlsafe.text(_first(root, "body/body.head/abstract"))),
        published_at=published,
        authors=_authors(root),
        dateline=_dateline(root),
        tags=_tags(root),
        status=status,
        version=wire.version_number(_attr(root, "head/docdata/du-key/@version")),
        origin=str(path),
        line=root.sourceline,
        notes=notes,
    )
