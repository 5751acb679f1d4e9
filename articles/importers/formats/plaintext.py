"""The plain-text article format.

    Headline
    Written on MM/DD/YYYY
    Author One, Author Two and Author Three

    Lead photo caption. Credit: Name / Organisation.

    A paragraph.

    A subhead with no closing punctuation

    Alt line of an inline photo.
    Its caption. Credit: Name, Org / Name / Org.

Photo files beside the text file (NAME.jpg, NAME-1.jpg, ... in caption order) are
attached; without them the photos are created pending, with caption and credit.
"""

import re
from collections.abc import Iterator
from datetime import datetime, time
from html import escape
from pathlib import Path

from django.utils import timezone

from ..parsed import ParsedArticle, ParsedAuthor, ParsedPhoto, ParseError

SOURCE = "text"
DATE_RE = re.compile(r"^Written on\s+(\d{1,2})/(\d{1,2})/(\d{4})\s*$", re.IGNORECASE)
# A line meant as the date line, whatever its date looks like.
WRITTEN_ON_RE = re.compile(r"^Written on\b", re.IGNORECASE)
NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "bin", "al", "y"}
AUTHOR_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s+&\s+")
CREDIT_RE = re.compile(r"\bCredit:\s*")
SUBHEAD_MAX = 120
ALT_LINE_MAX = 200
CLOSING_PUNCTUATION = tuple('.!?:;…"”’)')
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif")
MAX_BYTES = 2 * 1024 * 1024
# Control characters other than tab, newline, form feed and carriage return.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode(data: bytes, *, path: Path | str = "") -> str:
    """UTF-8 (a BOM is dropped), UTF-16 with its BOM, else cp1252; refuse what is
    plainly not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 (Windows' "Unicode" text) is full of zero bytes, yet text.
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"not valid UTF-16 text ({exc.reason})", path=path) from exc
    if b"\x00" in data[:8192]:
        raise ParseError("this is a binary file, not a plain-text article", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ParseError(f"not UTF-8 or cp1252 text ({exc.reason})", path=path) from exc
    controls = len(CONTROL_RE.findall(text, 0, 8192))
    if controls > 8:
        raise ParseError("this is a binary file, not a plain-text article", path=path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blocks(text):
    """Yield (line number, [lines]) for each run of non-blank lines."""
    block: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line:
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _looks_like_byline(line: str) -> bool:
    """A line of one to a few names ("Ana Ruiz", "A, B and C"): short, no sentence
    punctuation at its end, each name a few capitalised words."""
    if len(line) > 300 or line.endswith(CLOSING_PUNCTUATION) or CREDIT_RE.search(line):
        return False
    names = [n.strip() for n in AUTHOR_SPLIT_RE.split(line) if n.strip()]
    return bool(names) and all(
        1 <= len(n.split()) <= 5
        and all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in n.split())
        for n in names
    )


def _header(blocks, path):
    """Take headline, date and byline off the front of ``blocks`` (which may share blocks).

    The date line and the byline may each be missing (a teaser copied from a listing
    page has neither): what is there is taken, and the notes say what was missing.
    Returns (headline, publication date or None, names, last header line, notes).
    """
    lines = [(start + i, line) for start, block in blocks for i, line in enumerate(block)]
    if not lines:
        raise ParseError("the file is empty", path=path, line=1)
    (hl_no, headline), rest = lines[0], lines[1:]
    if DATE_RE.match(headline):
        raise ParseError("the file has no headline before its date line", path=path, line=hl_no)
    last, notes, published = hl_no, [], None
    if rest and (match := DATE_RE.match(rest[0][1])):
        date_no = rest[0][0]
        month, day, year = (int(g) for g in match.groups())
        try:
            date = datetime(year, month, day)
        except ValueError as exc:
            raise ParseError(
                f"invalid date {'/'.join(match.groups())!r} ({exc}); expected MM/DD/YYYY",
                path=path,
                line=date_no,
            ) from exc
        # Noon local time keeps the date the same in every nearby time zone.
        published = timezone.make_aware(datetime.combine(date.date(), time(12)))
        last, rest = date_no, rest[1:]
    elif rest and WRITTEN_ON_RE.match(rest[0][1]):
        raise ParseError(
            f"expected 'Written on MM/DD/YYYY' after the headline, found {rest[0][1][:60]!r}",
            path=path,
            line=rest[0][0],
        )
    else:
        notes.append("no 'Written on' date line")
    names: list[str] = []
    if rest and _looks_like_byline(rest[0][1]) and len(rest) > 1:
        names = [n.strip() for n in AUTHOR_SPLIT_RE.split(rest[0][1]) if n.strip()]
        last = rest[0][0]
    else:
        notes.append("no byline")
    return headline, published, names, last, notes


def _photo(lines):
    """A caption block: an optional alt line, then 'caption. Credit: credit line.'"""
    *alt_lines, caption_line = lines
    if alt_lines and (len(" ".join(alt_lines)) > ALT_LINE_MAX):
        return None
    caption, credit = CREDIT_RE.split(caption_line, maxsplit=1)
    credit = credit.strip()
    if credit.endswith("."):
        credit = credit[:-1].rstrip()
    alt = " ".join(alt_lines).strip()
    return ParsedPhoto(
        caption=caption.strip(), credit_line=credit, alt_text=alt.rstrip("."), title=alt
    )


def _is_caption(lines):
    return bool(CREDIT_RE.search(lines[-1])) and not any(CREDIT_RE.search(x) for x in lines[:-1])


def _is_subhead(lines):
    line = lines[0]
    return len(lines) == 1 and len(line) <= SUBHEAD_MAX and not line.endswith(CLOSING_PUNCTUATION)


def parse_text(text: str, *, name: str, path: Path | str = "") -> ParsedArticle:
    """Parse one article's text into a ParsedArticle; ``name`` is its idempotency key."""
    blocks = list(_blocks(text))
    headline, published, names, byline_line, notes = _header(blocks, path)
    # Keep only what follows the byline line.
    body_blocks = []
    for start, block in blocks:
        rest = [ln for i, ln in enumerate(block) if start + i > byline_line]
        if rest:
            body_blocks.append((start + len(block) - len(rest), rest))

    parsed = ParsedArticle(
        headline=headline,
        source=SOURCE,
        external_id=name,
        published_at=published,
        authors=[ParsedAuthor(name=n) for n in names],
        origin=str(path),
        line=1,
        notes=notes,
    )
    html = []
    for index, (_start, lines) in enumerate(body_blocks):
        if _is_caption(lines) and (photo := _photo(lines)):
            if index == 0:
                parsed.lead_photo = photo
            else:
                html.append(f'<figure data-photo-ref="{len(parsed.photos)}"></figure>')
                parsed.photos.append(photo)
        elif _is_subhead(lines):
            html.append(f"<h2>{escape(lines[0], quote=False)}</h2>")
        else:
            html.append(f"<p>{escape(' '.join(lines), quote=False)}</p>")
    parsed.body = "\n".join(html)
    return parsed


def photo_files(path: Path | str) -> list[Path]:
    """Image files beside ``path``: NAME.ext, then NAME-1.ext, NAME-2.ext, ... in order."""
    path = Path(path)
    found = []
    for n in range(0, 100):
        stem = path.stem if n == 0 else f"{path.stem}-{n}"
        match = next(
            (
                path.with_name(stem + ext)
                for ext in PHOTO_EXTENSIONS
                if path.with_name(stem + ext).is_file()
            ),
            None,
        )
        if match is None and n > 0:
            break
        if match is not None:
            found.append(match)
    return found


def detect(head: bytes, path: Path) -> bool:
    return Path(path).suffix.lower() in (".txt", ".text", "")


def read(path: Path | str, **_options: object) -> Iterator[ParsedArticle | ParseError]:
    """Yield the one article in the text file at ``path``, with photo files attached."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ParseError(
            f"the file is {size / 1048576:.1f} MB; a plain-text article is at most "
            f"{MAX_BYTES // 1048576} MB",
            path=path,
        )
    parsed = parse_text(decode(path.read_bytes(), path=path), name=path.stem, path=path)
    for photo, file in zip(parsed.all_photos(), photo_files(path), strict=False):
        photo.file_path = file
    yield parsed
