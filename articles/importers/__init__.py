"""Importers, one module per format. Each offers ``detect(head, path)`` and ``read(path, **opts)``.

``read`` yields a ParsedArticle per item, or a ParseError for an item that cannot be
read while the rest of the file can; it raises ParseError when the whole file is bad.
"""

from pathlib import Path

from . import jsonfmt, newsml, ninjs, nitf, plaintext, wordpress
from .base import Outcome, ParsedArticle, ParsedAuthor, ParsedPhoto, ParseError, save_parsed

FORMATS = {
    "text": plaintext,
    "wordpress": wordpress,
    "nitf": nitf,
    "newsml": newsml,
    "ninjs": ninjs,
    "json": jsonfmt,
}

__all__ = [
    "FORMATS",
    "Outcome",
    "ParseError",
    "ParsedArticle",
    "ParsedAuthor",
    "ParsedPhoto",
    "detect_format",
    "save_parsed",
]


def detect_format(path):
    """The name of the format of the file at ``path``, by content first and name second."""
    path = Path(path)
    if path.is_dir():
        if jsonfmt.detect(b"", path):
            return "json"
        raise ParseError("a folder without manifest.json is not an export", path=path)
    with open(path, "rb") as fh:
        head = fh.read(4096)
    for name, module in FORMATS.items():
        if name != "text" and module.detect(head, path):
            return name
    if plaintext.detect(head, path):
        return "text"
    raise ParseError("cannot tell the format of this file; pass --format", path=path)
