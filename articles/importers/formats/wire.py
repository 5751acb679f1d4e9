"""What the news-agency formats (NITF, NewsML-G2, ninjs) share: bylines, dates, status.

An agency item says whether it may be used (pubstatus) and from when (embargo). The
mapping is the same for every format: usable → published at the embargo or the item's
first date (a future embargo makes the article scheduled); canceled or withheld → never
public (archived when it had been published, otherwise a draft; see writer.target_status).
"""

import re
from datetime import UTC, datetime
from html import escape

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..parsed import ARCHIVED, PUBLISHED, ParsedAuthor

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
WITHDRAWN = {"canceled", "cancelled", "withheld", "withdrawn", "killed"}


def authors_from_byline(text: str | None) -> list[ParsedAuthor]:
    """Names in a byline: "By A, B and C" → [A, B, C]; job titles and agencies dropped."""
    text = " ".join((text or "").split())
    text = BYLINE_PREFIX_RE.sub("", text)
    names = []
    for part in BYLINE_SPLIT_RE.split(text):
        part = part.strip(" .")
        if not part or NOT_A_PERSON_RE.search(part) or not re.search(r"[^\W\d_]{2}", part):
            continue
        if "/" in part and " " not in part:
            continue  # desk codes such as "gr/bp"
        names.append(part.split(" / ")[0].strip())
    return [ParsedAuthor(name=n[:200]) for n in dict.fromkeys(names)]


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
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def status_and_date(
    pubstatus: str | None,
    *,
    embargo: datetime | None = None,
    created: datetime | None = None,
) -> tuple[str, datetime | None, list[str]]:
    """The workflow status and publication date an agency item asks for."""
    code = (pubstatus or "usable").lower().rpartition(":")[2]
    if code in WITHDRAWN:
        return ARCHIVED, created, [f"pubstatus {code}: never public"]
    notes = []
    if embargo and embargo > timezone.now():
        notes.append(f"embargoed until {embargo.isoformat()}: scheduled")
    return PUBLISHED, embargo or created, notes


def paragraphs(text: str | None) -> str:
    """Plain text to HTML paragraphs: blank lines separate them."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "\n".join(f"<p>{escape(' '.join(b.split()), quote=False)}</p>" for b in blocks)


def clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def version_number(value: object) -> int:
    """An item version as a stored integer (0 when absent or not a number)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 0
    return max(0, min(number, 2**31 - 1))
