"""NITF (News Industry Text Format) 3.x text items, one story per file.

headline ← hl1 (else head/title); dek ← abstract; authors ← byline (its <person>s when
marked up, else the names in its text, without the <byttl> job title); dateline ←
dateline's location (else evloc's city); body ← body.content (hl2 as subheads, <pre>
kept, each <media> picture a figure with its caption and credit); tags ←
tobject.subject names (the most specific of detail, matter, type; the refnum codes are
kept as subject codes, never tags) and key-list keywords; external id ← doc-id, else
the du-key, else the file name; pubstatus ← docdata management-status (an ed-msg is
the reason of a kill); embargo ← date.release. NITF 3.6 files declare a default
namespace; it is dropped on reading, so both shapes read alike. An empty hl1 falls back
to hl2, the abstract or the body's first sentence.
"""

import copy
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .. import xmlsafe
from ..parsed import ParsedArticle, ParsedPhoto, ParseError
from . import wire

SOURCE = "nitf"
MAX_BYTES = 20 * 1024 * 1024
RENAMED = {"hl2": "h2", "hl3": "h3", "bq": "blockquote", "block": None, "media": False}


def detect(head: bytes, path: Path) -> bool:
    # A NewsML-G2 item may carry NITF inside: that is NewsML's to read.
    return b"<nitf" in head and b"iptc.org/std/nar/" not in head


def read(path: Path | str, **_options: object) -> Iterator[ParsedArticle | ParseError]:
    path = Path(path)
    root = without_namespaces(xmlsafe.parse_bytes(wire.read_bytes(path, MAX_BYTES), path=path))
    if root.tag != "nitf":
        raise ParseError(f"expected an <nitf> document, found <{root.tag}>", path=path)
    try:
        parsed = parse(root, path=path)
    except ParseError as error:
        yield error
    except (AttributeError, TypeError, ValueError) as error:
        # A shape this reader did not expect is the item's failure, never the run's.
        yield ParseError(f"an item of an unexpected shape ({error})", path=path)
    else:
        yield parsed


def without_namespaces(root: etree._Element) -> etree._Element:
    """``root`` with every element in no namespace (NITF 3.6 declares a default one)."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = xmlsafe.local(element.tag)
    etree.cleanup_namespaces(root)
    return root


def _first(root, xpath):
    found = root.xpath(xpath)
    return found[0] if found else None


def _attr(root, xpath):
    found = root.xpath(xpath)
    return str(found[0]).strip() if found else ""


def media_photo(media: etree._Element) -> ParsedPhoto | None:
    """A NITF <media> picture: its caption, credit (media-producer) and reference."""
    if (media.get("media-type") or "image").lower() not in ("image", "photo", "graphic"):
        return None
    children = {xmlsafe.local(c.tag): c for c in media.iter() if isinstance(c.tag, str)}
    reference = children.get("media-reference")
    ref = reference.attrib if reference is not None else {}
    caption = wire.clean_text(xmlsafe.text(children.get("media-caption")))
    credit = wire.clean_text(xmlsafe.text(children.get("media-producer")))
    return ParsedPhoto(
        caption=caption,
        credit_line=credit[:500],
        alt_text=wire.clean_text(ref.get("alternate-text", ""))[:500],
        title=wire.clean_text(ref.get("name", "") or ref.get("alternate-text", ""))[:300],
        source_url=(ref.get("source", "") or ref.get("data-location", "")).strip()[:1000],
        external_id=(ref.get("id", "") or "").strip()[:300],
    )


def body_html(content: etree._Element | None, photos: list[ParsedPhoto] | None = None) -> str:
    """The HTML of a body.content element: NITF's own tags mapped to ours. Each <media>
    picture is appended to ``photos`` and stands as a figure placeholder in its place
    (dropped when no list is given)."""
    if content is None:
        return ""
    content = copy.deepcopy(content)  # a copy to rewrite freely
    for element in list(content.iter()):
        if not isinstance(element.tag, str):
            continue
        name = xmlsafe.local(element.tag)
        target = RENAMED.get(name, name)
        if target is False:
            photo = media_photo(element) if photos is not None else None
            if photo is None or photos is None:
                element.getparent().remove(element)
                continue
            figure = etree.Element("figure", {"data-photo-ref": str(len(photos))})
            figure.tail = element.tail
            element.getparent().replace(element, figure)
            photos.append(photo)
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


def _byline(root, parsed):
    """People of the byline (each <person> may name several: "A and B") and the agency
    it names; the <byttl> job title is dropped."""
    for byline in root.xpath("body/body.head/byline"):
        persons = [wire.clean_text(xmlsafe.text(p)) for p in byline.iter("person")]
        if persons:
            for person in persons:
                wire.apply_byline(parsed, person)
            # An agency named beside the people ("<person>X</person>, dpa").
            rest = (byline.text or "") + "".join(
                (c.tail or "") if c.tag == "person" else "" for c in byline
            )
            _authors, credit, _notes = wire.read_byline(rest)
            parsed.source_credit = parsed.source_credit or credit
            continue
        text = (byline.text or "") + "".join(
            (xmlsafe.text(c) if c.tag != "byttl" else "") + (c.tail or "") for c in byline
        )
        wire.apply_byline(parsed, text)


def _subjects(root):
    pairs = []
    for subject in root.xpath("head/tobject/tobject.subject"):
        name = next(
            (
                subject.get(f"tobject.subject.{k}")
                for k in ("detail", "matter", "type")
                if subject.get(f"tobject.subject.{k}")
            ),
            "",
        )
        refnum = (subject.get("tobject.subject.refnum") or "").strip()
        code = f"{subject.get('tobject.subject.ipr') or 'IPTC'}:{refnum}" if refnum else ""
        pairs.append((name, code))
    names, codes = wire.subjects(pairs)
    names += [k.strip() for k in root.xpath("head/docdata/key-list/keyword/@key") if k.strip()]
    return names, codes


def parse(root: etree._Element, *, path: Path) -> ParsedArticle:
    photos: list[ParsedPhoto] = []
    body = body_html(_first(root, "body/body.content"), photos)
    dek = wire.clean_text(xmlsafe.text(_first(root, "body/body.head/abstract")))
    headline = wire.clean_text(xmlsafe.text(_first(root, "body/body.head/hedline/hl1")))
    headline = headline or wire.clean_text(xmlsafe.text(_first(root, "head/title")))
    headline, fallback = wire.headline_or_fallback(
        headline,
        subheadline=xmlsafe.text(_first(root, "body/body.head/hedline/hl2")),
        abstract=dek,
        body=body,
    )
    if not headline:
        raise ParseError("the item has no headline (hl1, title, hl2, abstract or body)", path=path)
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
    tags, codes = _subjects(root)
    parsed = ParsedArticle(
        headline=headline,
        source=SOURCE,
        external_id=external_id,
        body=body,
        dek=dek,
        published_at=published,
        dateline=_dateline(root),
        tags=tags,
        subject_codes=codes,
        status=status,
        version=wire.version_number(_attr(root, "head/docdata/du-key/@version")),
        origin=str(path),
        line=root.sourceline,
        notes=notes + ([fallback] if fallback else []),
    )
    parsed.photos = photos
    if status == wire.ARCHIVED:
        parsed.withdrawn_reason = _attr(root, "head/docdata/ed-msg/@info") or wire.NO_REASON
    _byline(root, parsed)
    wire.strip_envelope(parsed)
    return parsed
