"""What every import format produces: plain data, no Django.

A format turns bytes into :class:`ParsedArticle` items (or a :class:`ParseError` for an
item it cannot read); ``writer.py`` turns them into rows. Nothing here touches the
database or the settings, so a format can be tried on a file without a project.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# The workflow states a source may ask for (the values of articles.models.Status).
DRAFT = "draft"
REVIEW = "review"
PUBLISHED = "published"
ARCHIVED = "archived"
# The byline roles a source may give (the values of articles.models.Byline.Role).
WRITER = "writer"


class ParseError(Exception):
    """An item that cannot be imported, with where and why."""

    def __init__(self, reason: str, *, path: str | Path = "", line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = str(path)
        self.line = line

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.reason}" if where else self.reason


@dataclass
class ParsedAuthor:
    name: str
    email: str = ""
    bio: str = ""
    role: str = WRITER


@dataclass
class ParsedPhoto:
    caption: str = ""
    credit_line: str = ""
    alt_text: str = ""
    title: str = ""
    copyright_notice: str = ""
    source_url: str = ""
    external_id: str = ""
    file_path: Path | str | None = None


@dataclass
class ParsedArticle:
    """One article as a format describes it.

    ``body`` is HTML; inline photos are ``<figure data-photo-ref="N">`` placeholders
    pointing into ``photos``, replaced by library ids when saved. ``old_paths`` are the
    addresses the article had on the source's own site (path and query string); each
    keeps answering with a redirect to the article.
    """

    headline: str
    source: str
    external_id: str
    body: str = ""
    dek: str = ""
    slug: str = ""
    published_at: datetime | None = None
    updated_at: datetime | None = None
    authors: list[ParsedAuthor] = field(default_factory=list)
    section: str = ""
    # The section's slug when the source has its own (WordPress category nicenames).
    section_slug: str = ""
    tags: list[str] = field(default_factory=list)
    lead_photo: ParsedPhoto | None = None
    photos: list[ParsedPhoto] = field(default_factory=list)
    dateline: str = ""
    # The status the source gives (WordPress, wire pubstatus); --status overrides it.
    status: str = ""
    version: int = 0
    old_paths: list[str] = field(default_factory=list)
    corrections: list[tuple[datetime, str]] = field(default_factory=list)
    # Vocabulary codes of the source's subjects ("medtop:20000822"): staff metadata,
    # never public tags; the concepts' names go to ``tags``.
    subject_codes: list[str] = field(default_factory=list)
    # The agency or outlet a byline names ("dpa", "TT"): a credit, not an author.
    source_credit: str = ""
    # Why the source withdrew the item (a kill or withhold notice), for the audit trail.
    withdrawn_reason: str = ""
    # Why the source says the item is not for the public (a private or password-protected
    # WordPress post): no --status publishes it; it keeps ``status`` (a draft, in review).
    never_public: str = ""
    origin: str = ""
    line: int | None = None
    notes: list[str] = field(default_factory=list)

    def all_photos(self) -> list[ParsedPhoto]:
        """The lead photo (when there is one), then the inline photos in order."""
        return [p for p in [self.lead_photo, *self.photos] if p]

    def fingerprint(self, **overrides: Any) -> str:
        """A digest of everything the import would write, photo file contents included.

        ``overrides`` are the run's options that change what is written (e.g. the section).
        """
        data = {**asdict(self), **overrides}
        for unwritten in ("origin", "line", "notes"):
            data.pop(unwritten)
        for photo in self.all_photos():
            if photo.file_path:
                data.setdefault("files", []).append(_file_digest(photo.file_path))
        return hashlib.sha256(json.dumps(data, default=str, sort_keys=True).encode()).hexdigest()


@dataclass
class ParsedPicture:
    """A picture item of an agency feed: it becomes a photo of the library, no article."""

    photo: ParsedPhoto
    source: str
    external_id: str
    origin: str = ""
    line: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def headline(self) -> str:
        return self.photo.title or self.photo.caption[:80] or self.external_id


@dataclass
class Skipped:
    """An item read and deliberately not imported (an advisory, a package), with why."""

    reason: str
    headline: str = ""
    origin: str = ""
    line: int | None = None


# What a format yields for each item of a file.
Item = ParsedArticle | ParsedPicture | Skipped | ParseError


def _file_digest(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
