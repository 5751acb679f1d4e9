"""What the news-agency formats (NITF, NewsML-G2, ninjs) share: bylines, dates, status.

An agency item says whether it may be used (pubstatus) and from when (embargo). The
mapping is the same for every format: usable → published at the embargo or the item's
first date (a future embargo makes the article scheduled); canceled or withheld → never
public (archived when it had been published, otherwise a draft; see writer.target_status).

The envelope is not the story: a byline naming an agency ("Anja Semmelroch, dpa",
"Name/TT") gives the agency as the article's credit, a login name is never an author,
and paragraphs that repeat the headline or abstract, a "By ..." line or an editorial
note at the head of the body are taken out (see :func:`strip_envelope`). Vocabulary
codes are kept apart from the concepts' names (:func:`subjects`), so a raw code never
becomes a public tag. Times without a zone are in the newsroom's zone (TIME_ZONE).
"""

import re
from collections.abc import Iterable
from datetime import datetime
from html import escape, unescape
from pathlib import Path

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..parsed import (
    ARCHIVED,
    PUBLISHED,
    ParsedArticle,
    ParsedAuthor,
    ParsedPhoto,
    ParsedPicture,
    ParseError,
)

BYLINE_PREFIX_RE = re.compile(r"^\s*(?:by|par|von|por|di|av)\s+", re.I)
BYLINE_SPLIT_RE = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\bja\b|\bog\b|\by\b)\s*", re.I)
# Parts of a byline that describe a job or an organisation, not a person.
NOT_A_PERSON_RE = re.compile(
    r"\b(?:correspondent|writer|editor|reporter|staff|press|news|agency|university|bureau|"
    r"service|network|online|associated|desk|team)\b",
    re.I,
)
BASIC_ISO_RE = re.compile(
    r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$"
)
# The audit trail's reason for a kill whose item gives none.
NO_REASON = "the agency withdrew the item without a reason"
WITHDRAWN = {"canceled", "cancelled", "withheld", "withdrawn", "killed"}


# Agencies as bylines name them: "Anja Semmelroch, dpa", "Name/TT", "By X, Reuters".
AGENCIES = {
    "aap",
    "afp",
    "ansa",
    "ap",
    "apa",
    "associated press",
    "belga",
    "bta",
    "ctk",
    "dpa",
    "efe",
    "epa",
    "kna",
    "kyodo",
    "ntb",
    "pa",
    "press association",
    "reuters",
    "ritzau",
    "stt",
    "tass",
    "tt",
    "xinhua",
    "the canadian press",
    "canadian press",
    "anp",
    "sda",
    "keystone-sda",
    "agerpres",
    "pap",
    "mti",
    "hina",
    "lusa",
    "europa press",
}
# A login: one token of lower-case letters, digits, dots, dashes and underscores.
LOGIN_RE = re.compile(r"^[a-z0-9._-]+$")


def is_agency(text: str) -> bool:
    return " ".join(text.split()).strip(" .()").casefold() in AGENCIES


def is_login(name: str) -> bool:
    """A user name of a content system ("jdoe", "sd_admin"), never a person's byline."""
    return bool(LOGIN_RE.match(name)) and not name.isdigit()


def read_byline(text: str | None) -> tuple[list[ParsedAuthor], str, list[str]]:
    """The people of a byline, the agency it credits ("" if none), and notes.

    "By A, B and C" → [A, B, C]; "Anja Semmelroch, dpa" and "Name/TT" → the person,
    with the agency as credit; job titles, desk codes and login names are dropped.
    """
    text = " ".join((text or "").split())
    text = BYLINE_PREFIX_RE.sub("", text)
    credit, notes = "", []
    # "Name/TT", "Name / Agency": the part after the slash is the outlet.
    parts = []
    for part in BYLINE_SPLIT_RE.split(text):
        part = part.strip(" .")
        if "/" in part:
            person, _slash, outlet = part.rpartition("/")
            if " " not in part.strip() and not is_agency(outlet):
                continue  # desk codes such as "gr/bp"
            person, outlet = person.strip(), outlet.strip()
            if outlet and (is_agency(outlet) or NOT_A_PERSON_RE.search(outlet) or "." in outlet):
                credit = credit or outlet
                part = person
        parts.append(part)
    names = []
    for part in parts:
        if not part:
            continue
        if is_agency(part):
            credit = credit or part
            continue
        if NOT_A_PERSON_RE.search(part) or not re.search(r"[^\W\d_]{2}", part):
            continue
        if is_login(part):
            notes.append(f"login name {part!r} in the byline: not an author")
            continue
        names.append(part)
    authors = [ParsedAuthor(name=n[:200]) for n in dict.fromkeys(names)]
    return authors, credit[:200], notes


def authors_from_byline(text: str | None) -> list[ParsedAuthor]:
    """Names in a byline: "By A, B and C" → [A, B, C]; job titles and agencies dropped."""
    return read_byline(text)[0]


def merge_authors(*groups: Iterable[ParsedAuthor]) -> list[ParsedAuthor]:
    """Authors of several sources (a byline, structured authors) without duplicates: the
    first mention keeps its place, a later one fills in what it lacked (role, bio)."""
    merged: dict[str, ParsedAuthor] = {}
    for group in groups:
        for author in group:
            words = author.name.replace(".", " ").casefold().split()
            if not words or is_login(author.name):
                continue
            # "Aaron J. Staples" and "Aaron Staples" are one person: first and last name.
            key = f"{words[0]} {words[-1]}"
            if key in merged:
                known = merged[key]
                known.bio = known.bio or author.bio
                known.email = known.email or author.email
            else:
                merged[key] = author
    return list(merged.values())


def apply_byline(parsed: ParsedArticle, byline: str | None) -> None:
    """Add the people of ``byline`` to ``parsed`` (merged), its agency as the credit."""
    authors, credit, notes = read_byline(byline)
    parsed.authors = merge_authors(parsed.authors, authors)
    parsed.source_credit = parsed.source_credit or credit
    parsed.notes += notes


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 in its extended or basic form; None if unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    match = BASIC_ISO_RE.match(value)
    if match:
        y, mo, d, h, mi, s, zone = match.groups()
        value = f"{y}-{mo}-{d}T{h}:{mi}:{s}{zone or ''}"
    value = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    if timezone.is_naive(parsed):
        # A time without a zone is the newsroom's, as for every other import.
        try:
            parsed = timezone.make_aware(parsed)
        except (ValueError, OverflowError):  # a time skipped by a clock change
            parsed = parsed.replace(tzinfo=timezone.get_default_timezone())
    return parsed


def status_and_date(
    pubstatus: str | None,
    *,
    embargo: datetime | None = None,
    created: datetime | None = None,
) -> tuple[str, datetime | None, list[str]]:
    """The workflow status and publication date an agency item asks for."""
    code = (pubstatus or "usable").strip().lower().rpartition(":")[2]
    if code in WITHDRAWN:
        return ARCHIVED, created, [f"pubstatus {code}: never public"]
    notes = []
    if embargo and embargo > timezone.now():
        notes.append(f"embargoed until {embargo.isoformat()}: scheduled")
    return PUBLISHED, embargo or created, notes


def _is_tabular(lines: list[str]) -> bool:
    """Results tables and listings: several lines, most with runs of spaces or tabs
    between columns, or lines too short to be prose."""
    if len(lines) < 2:
        return False
    columned = sum(1 for ln in lines if re.search(r"\S(?: {2,}|\t)\S", ln))
    return columned * 2 >= len(lines)


def paragraphs(text: str | None) -> str:
    """Plain text to HTML paragraphs, escaped: blank lines separate them. A block laid
    out in columns (a results table) keeps its lines, as preformatted text."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    html = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.rstrip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if _is_tabular(lines):
            html.append(f"<pre>{escape(chr(10).join(lines), quote=False)}</pre>")
        else:
            html.append(f"<p>{escape(' '.join(' '.join(lines).split()), quote=False)}</p>")
    return "\n".join(html)


def first_sentence(html: str, limit: int = 200) -> str:
    """The first sentence of an HTML body, as plain text, for a missing headline."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html or "")).split())
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    sentence = (match.group(1) if match else text).strip()
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0] + "…"
    return sentence


def headline_or_fallback(
    headline: str, *, subheadline: str = "", abstract: str = "", body: str = ""
) -> tuple[str, str]:
    """The headline, else (as Superdesk does) the sub-headline, the abstract or the body's
    first sentence; with a note saying which, or "" when the headline was there."""
    if headline:
        return headline, ""
    for label, value in (
        ("sub-headline", subheadline),
        ("abstract", abstract),
        ("first sentence of the body", first_sentence(body)),
    ):
        value = clean_text(value)
        if value:
            if len(value) > 200:
                value = value[:200].rsplit(" ", 1)[0] + "…"
            return value, f"empty headline: used the {label}"
    return "", ""


def subjects(pairs: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(names, codes) of (name, code) subject pairs: a concept's name becomes a tag, its
    code only metadata; a subject with a code and no name gives no tag."""
    names, codes = [], []
    for name, code in pairs:
        name, code = clean_text(name), clean_text(code)
        if name and name != code:
            names.append(name)
        if code:
            codes.append(code)
    return list(dict.fromkeys(names)), list(dict.fromkeys(codes))


ENVELOPE_RE = re.compile(
    r"^(?:(?:editor'?s?|eds?\.?|editorial)\s*(?:note|notes)?\s*[:.-].*|"
    r"note to editors\b.*|eds?:.*|advisory\s*[:-].*|"
    # An agency's header line: a slug of dashed words ("BC-EU--Flood-Defences,0412").
    r"\^?[A-Z0-9]{2,}-{1,2}[A-Za-z0-9]+(?:-{1,2}[A-Za-z0-9]+)+(?:,\s*\d+)?)$",
    re.I | re.S,
)
BYLINE_LINE_RE = re.compile(r"^(?:By|BY|by)\s+(.{2,150}?)\.?$")
NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "bin", "al"}


def is_byline_line(text: str) -> bool:
    """A paragraph that is only a byline ("By Ana Ruiz and Tom Berg, Reuters"): every
    word of every name capitalised, so "By the time the water fell" is not one."""
    match = BYLINE_LINE_RE.match(text)
    if not match or re.search(r"[.!?;:]", match.group(1).rstrip(".")):
        return False
    for part in BYLINE_SPLIT_RE.split(match.group(1)):
        if is_agency(part):
            continue
        words = [w for w in part.replace("/", " ").split() if w.casefold() not in NAME_PARTICLES]
        if len(words) > 5 or any(not w[:1].isupper() and not w[:1].isdigit() for w in words):
            return False
    return True


# Kept, but not the end of the envelope: an update note and the summary's bullets.
KEPT_LEAD_RE = re.compile(
    r"^(?:\((?:adds|updates|recasts|changes|corrects|rewrites|repeats|refiles)\b[^)]*\)"
    r"|[*\u2022] .+)$",
    re.I,
)
BLOCK_RE = re.compile(r"<(p|h[1-6])\b[^>]*>(.*?)</\1>\s*", re.S | re.I)


def strip_envelope(parsed: ParsedArticle) -> None:
    """Take the envelope off the head of ``parsed.body``: paragraphs repeating the
    headline or the abstract, a "By ..." line (its people and agency join the byline)
    and editorial notes (kept in the report). An agency's update note ("(Adds comments)")
    and summary bullets stay where they are and are looked past. Only the first few
    blocks are looked at, so the story itself is never cut."""
    body = parsed.body.lstrip()
    kept = []
    same = {" ".join(x.split()).casefold() for x in (parsed.headline, parsed.dek) if x.strip()}
    for _ in range(8):
        match = BLOCK_RE.match(body)
        if not match:
            break
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())
        if KEPT_LEAD_RE.match(text):
            kept.append(match.group(0))
            body = body[match.end() :]
        elif not text:
            body = body[match.end() :]
        elif text.casefold().strip(" .") in {s.strip(" .") for s in same}:
            parsed.notes.append("repeated headline or abstract left out of the body")
            body = body[match.end() :]
        elif is_byline_line(text):
            apply_byline(parsed, text)
            parsed.notes.append("byline line left out of the body")
            body = body[match.end() :]
        elif ENVELOPE_RE.match(text) and len(text) < 300:
            parsed.notes.append(f"editorial note left out of the body: {text[:80]}")
            body = body[match.end() :]
        else:
            break
    parsed.body = "".join(kept) + body


def clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def version_number(value: object) -> int:
    """An item version as a stored integer (0 when absent or not a number)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 0
    return max(0, min(number, 2**31 - 1))


def picture_item(
    photo: ParsedPhoto, *, source: str, guid: str, path: str, line: int | None = None
) -> ParsedPicture:
    """An agency's picture item as a photo for the library, kept under its guid."""
    guid = guid.strip()
    if not guid:
        raise ParseError("the picture item has no guid", path=path, line=line)
    photo.external_id = guid[:300]
    return ParsedPicture(photo=photo, source=source, external_id=guid, origin=path, line=line)


def place_photos(parsed: ParsedArticle, photos: Iterable[ParsedPhoto]) -> None:
    """Put a story's pictures on its page: the first leads when the story has no lead
    photo yet, the others follow the body as figures (with their captions and credits)."""
    for photo in photos:
        if parsed.lead_photo is None:
            parsed.lead_photo = photo
            continue
        parsed.body += f'\n<figure data-photo-ref="{len(parsed.photos)}"></figure>'
        parsed.photos.append(photo)


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of an agency file, refused whole when it is larger than ``limit``."""
    if path.stat().st_size > limit:
        raise ParseError(f"the file is larger than {limit // 1048576} MB", path=path)
    return path.read_bytes()
