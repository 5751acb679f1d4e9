"""Reading XML from outside without letting it reach the network or expand entities.

Every XML importer parses through here. The parser never loads a DTD, never fetches
anything, never substitutes entities and refuses libxml2's "huge tree" mode. A document
whose DOCTYPE declares entities (the billion-laughs family, external entity tricks) is
refused outright before its first element is read: no legitimate news or WordPress
export needs them, and refusing is clearer than importing text with holes in it.
"""

import re

from lxml import etree

from .parsed import ParseError

PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
}
DECLARED_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _check_doctype(element, path):
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ParseError(
            "refused: the file's DOCTYPE declares XML entities, which this importer never "
            "expands (they can be used to exhaust memory or read other files)",
            path=path,
        )


def iterparse(source, *, path, events=("end",), tag=None, encoding=None):
    """Yield (event, element) like lxml's iterparse, safely; errors become ParseError.

    The caller clears elements it has finished with, so memory stays flat however
    long the file is.
    """
    context = etree.iterparse(
        source,
        events=events,
        encoding=encoding,
        remove_comments=True,
        remove_pis=True,
        **PARSER_OPTIONS,
    )
    checked = False
    try:
        for event, element in context:
            if not checked:
                # The DOCTYPE is read before any element, so the first event of any kind
                # is early enough; entities are not expanded meanwhile.
                _check_doctype(element, path)
                checked = True
            if tag is not None and element.tag not in tag:
                continue
            yield event, element
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise ParseError(
            f"the XML is not well-formed: {error.msg}", path=path, line=line
        ) from error


def parse_bytes(data, *, path):
    """Parse a small document held in memory; return its root element.

    Agencies sometimes declare one encoding and send another (ISO-8859-1 declared,
    UTF-8 bytes, or the reverse). The declared encoding is used unless the bytes show
    it is wrong: bytes that are valid UTF-8 with multi-byte characters are UTF-8 (Latin-1
    text almost never decodes as UTF-8), and bytes declared UTF-8 that do not decode as
    UTF-8 are read as Windows-1252, the usual culprit.
    """
    import io

    encoding = choose_encoding(data)
    root = None
    for _event, element in iterparse(
        io.BytesIO(data), path=path, events=("start",), encoding=encoding
    ):
        if root is None:
            root = element
    if root is None:
        raise ParseError("the file holds no XML element", path=path)
    return root


def choose_encoding(data):
    match = DECLARED_ENCODING_RE.match(data[:200])
    declared = match.group(1).decode("ascii").lower() if match else "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or declared.startswith("utf-16"):
        return None  # let the parser follow the byte-order mark
    try:
        data.decode("utf-8")
        is_utf8 = True
    except UnicodeDecodeError:
        is_utf8 = False
    has_high_bytes = any(b > 127 for b in data)
    if declared in ("utf-8", "utf8"):
        return "utf-8" if is_utf8 or not has_high_bytes else _cp1252_or_latin1(data)
    if is_utf8 and has_high_bytes:
        return "utf-8"
    if declared in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        # Windows-1252 is what "ISO-8859-1" means in practice (curly quotes in 0x80-0x9f).
        return _cp1252_or_latin1(data)
    return declared


def local(tag):
    """The local name of an element tag, without its namespace."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def text(element):
    """All the text inside ``element``, or "" for None."""
    return "".join(element.itertext()) if element is not None else ""


def _cp1252_or_latin1(data):
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "iso-8859-1"  # bytes 0x81, 0x8d... are undefined in cp1252; Latin-1 reads all
    return "windows-1252"
