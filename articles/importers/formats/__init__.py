"""One module per source format; each offers ``detect(head, path)`` and ``read(path, **opts)``.

``read`` yields, for every item of a file, a ParsedArticle (a story), a ParsedPicture (an
agency's picture item, for the library), a Skipped (read and deliberately not imported,
with why) or a ParseError (an item that cannot be read while the rest of the file can);
it raises ParseError when the whole file is bad.
Formats only read: no models, no database.
"""

from pathlib import Path
from types import ModuleType

from ..parsed import ParseError
from . import newsml, ninjs, nitf, plaintext, wordpress

FORMATS: dict[str, ModuleType] = {
    "text": plaintext,
    "wordpress": wordpress,
    "nitf": nitf,
    "newsml": newsml,
    "ninjs": ninjs,
}


def detect_format(path: Path | str) -> str:
    """The name of the format of the file at ``path``, by content first and name second."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # A UTF-16 file is told apart by its text, as UTF-8 would be.
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore").encode("utf-8")
    for name, module in FORMATS.items():
        if name != "text" and module.detect(head, path):
            return name
    if plaintext.detect(head, path):
        return "text"
    raise ParseError("cannot tell the format of this file; pass --format", path=path)
