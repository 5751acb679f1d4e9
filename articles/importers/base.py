"""What every importer produces, and the one function that writes it.

Parsers are pure: bytes or text in, :class:`ParsedArticle` out, no database. The
writer, :func:`save_parsed`, turns one ParsedArticle into rows inside one transaction.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils.text import slugify

from .. import richtext
from ..credits import parse_credit_line
from ..models import (
    Article,
    ArticleRedirect,
    Author,
    Byline,
    Correction,
    Credit,
    Photo,
    Section,
    Status,
    Tag,
)
from ..workflow import move_to

DEFAULT_SECTION = "News"


class ParseError(Exception):
    """An item that cannot be imported, with where and why."""

    def __init__(self, reason, *, path="", line=None):
        super().__init__(reason)
        self.reason = reason
        self.path = str(path)
        self.line = line

    def __str__(self):
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.reason}" if where else self.reason


@dataclass
class ParsedAuthor:
    name: str
    email: str = ""
    bio: str = ""
    role: str = Byline.Role.WRITER


@dataclass
class ParsedPhoto:
    caption: str = ""
    credit_line: str = ""
    alt_text: str = ""
    title: str = ""
    copyright_notice: str = ""
    source_url: str = ""
    external_id: str = ""
    file_path: Path | None = None


@dataclass
class ParsedArticle:
    """One article as a format describes it.

    ``body`` is HTML; inline photos are ``<figure data-photo-ref="N">`` placeholders
    pointing into ``photos``, replaced by library ids when saved.
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
    origin: str = ""
    line: int | None = None
    notes: list[str] = field(default_factory=list)

    def fingerprint(self, **overrides):
        """A digest of everything the import would write, photo file contents included.

        ``overrides`` are the run's options that change what is written (e.g. the section).
        """
        data = {**asdict(self), **overrides}
        data.pop("origin")
        data.pop("line")
        data.pop("notes")
        for photo in [self.lead_photo, *self.photos]:
            if photo and photo.file_path:
                data.setdefault("files", []).append(_file_digest(photo.file_path))
        return hashlib.sha256(json.dumps(data, default=str, sort_keys=True).encode()).hexdigest()


@dataclass
class Outcome:
    action: str  # created, updated, unchanged
    article: Article


def _file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unique_slug(model, base, *, exclude_pk=None, max_length=200):
    base = (slugify(base) or "untitled")[:max_length].strip("-") or "untitled"
    candidate, n = base, 1
    existing = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while existing.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


class Lookups:
    """Authors, sections and tags found or created during one import run, by slug.

    A run saves thousands of articles that name the same few hundred people, sections
    and tags; remembering them saves queries on every article. Whenever a transaction
    rolls back, ``forget`` drops everything, since rows it created are gone.
    """

    def __init__(self):
        self.authors, self.sections, self.tags = {}, {}, {}

    def forget(self):
        self.authors.clear()
        self.sections.clear()
        self.tags.clear()

    def author(self, parsed):
        slug = (slugify(parsed.name) or "author")[:200]
        if slug not in self.authors:
            self.authors[slug], _created = Author.objects.get_or_create(
                slug=slug,
                defaults={"name": parsed.name[:200], "email": parsed.email, "bio": parsed.bio},
            )
        return self.authors[slug]

    def section(self, name, slug=""):
        name = name or DEFAULT_SECTION
        slug = slugify(slug or name)[:100] or "news"
        if slug not in self.sections:
            self.sections[slug] = Section.objects.filter(slug=slug).first() or (
                Section.objects.create(name=name[:100], slug=slug)
            )
        return self.sections[slug]

    def tag(self, name):
        name = name.strip()[:100]
        key = slugify(name)
        if key not in self.tags:
            self.tags[key] = Tag.objects.filter(slug=key).first() or Tag.objects.create(
                name=name, slug=unique_slug(Tag, name, max_length=100)
            )
        return self.tags[key]


def _by_source_id(manager, source, external_id):
    """The row (a queryset of none or one) with this source and external id.

    It is found through the partial unique index, which covers only rows with an
    external id; SQLite uses that index only when the query repeats the index's
    condition, and otherwise scans the whole table on every item.
    """
    return manager.filter(source=source, external_id=external_id).exclude(external_id="")


class _Writer:
    """Saves one ParsedArticle; remembers files written so a rollback can remove them."""

    def __init__(self, lookups):
        self.saved_files = []
        self.lookups = lookups

    def photo(self, parsed, *, source, external_id):
        photo = _by_source_id(Photo.objects, source, external_id).first()
        photo = photo or Photo(source=source, external_id=external_id)
        photo.caption = parsed.caption
        photo.credit_line = parsed.credit_line
        photo.alt_text = parsed.alt_text
        photo.title = parsed.title or parsed.alt_text
        photo.copyright_notice = parsed.copyright_notice
        photo.source_url = parsed.source_url
        if parsed.file_path and not photo.image:
            from ..images import prepare_upload

            with open(parsed.file_path, "rb") as fh:
                upload = prepare_upload(File(fh, name=Path(parsed.file_path).name), photo)
                photo.image.save(upload.name, upload, save=False)
            self.saved_files.append(photo.image.name)
        existed = photo.pk is not None
        photo.save()
        if photo.image and photo.image.name in self.saved_files:
            # Made with the file, so article pages never make them (templatetags/photos.py).
            from ..images import ensure_renditions

            made = ensure_renditions(photo)
            self.saved_files.extend(r.file.name for r in made.values())
        if existed:
            photo.credits.all().delete()
        Credit.objects.bulk_create(
            Credit(photo=photo, position=i, **credit)
            for i, credit in enumerate(parse_credit_line(photo.credit_line))
        )
        return photo

    def save(self, parsed, *, status, section, by):
        article = _by_source_id(Article.objects, parsed.source, parsed.external_id).first()
        if article and parsed.version and article.source_version > parsed.version:
            return Outcome("unchanged", article)  # an older version of a wire story
        # Without --status or one from the source, a re-import keeps the article's status.
        target = status or parsed.status or (article.status if article else Status.DRAFT)
        if target == Status.ARCHIVED and (
            article is None or article.status not in (Status.PUBLISHED, Status.ARCHIVED)
        ):
            # A withdrawn item that was never published stays unpublished: a draft,
            # reached without a publish step in its audit trail.
            target = Status.DRAFT
        fingerprint = parsed.fingerprint(section=section)
        if article and article.source_fingerprint == fingerprint:
            if article.status == target:
                return Outcome("unchanged", article)
            move_to(article, target, by=by, at=parsed.published_at)
            return Outcome("updated", article)

        created = article is None
        article = article or Article(source=parsed.source, external_id=parsed.external_id)
        self.write_content(article, parsed, section=section, fingerprint=fingerprint)
        if article.status != target:
            move_to(article, target, by=by, at=parsed.published_at)
        return Outcome("created" if created else "updated", article)

    @staticmethod
    def redirects(article, paths):
        """Point each old path at ``article``, in a fixed number of queries."""
        existing = dict(
            ArticleRedirect.objects.filter(old_path__in=paths).values_list("old_path", "article_id")
        )
        moved = [p for p, article_id in existing.items() if article_id != article.pk]
        if moved:
            ArticleRedirect.objects.filter(old_path__in=moved).update(article=article)
        ArticleRedirect.objects.bulk_create(
            ArticleRedirect(old_path=p, article=article) for p in paths if p not in existing
        )

    def write_content(self, article, parsed, *, section, fingerprint):
        prefix = f"{parsed.external_id}#"
        lead = parsed.lead_photo and self.photo(
            parsed.lead_photo, source=parsed.source,
            external_id=parsed.lead_photo.external_id or prefix + "lead",
        )
        inline = [
            self.photo(p, source=parsed.source, external_id=p.external_id or f"{prefix}{i + 1}")
            for i, p in enumerate(parsed.photos)
        ]
        body = parsed.body
        for i, photo in enumerate(inline):
            body = body.replace(f'data-photo-ref="{i}"', f'data-photo="{photo.pk}"')

        created = article.pk is None
        old_url = None if created else article.get_absolute_url()
        article.headline = parsed.headline
        article.dek = parsed.dek
        article.body = richtext.sanitize(body)
        article.section = (
            self.lookups.section(section) if section
            else self.lookups.section(parsed.section, parsed.section_slug)
        )
        article.dateline = parsed.dateline[:200]
        article.lead_photo = lead or None
        article.source_version = parsed.version
        article.source_fingerprint = fingerprint
        article.published_at = parsed.published_at or article.published_at
        article.substantive_update_at = parsed.updated_at or article.substantive_update_at
        if not article.slug:
            article.slug = unique_slug(Article, parsed.slug or parsed.headline)
        article.save()

        old_paths = list(parsed.old_paths)
        if old_url and old_url != article.get_absolute_url():
            old_paths.append(old_url)
        if old_paths:
            self.redirects(article, list(dict.fromkeys(old_paths)))
        # A new article has nothing to replace; skipping the deletes saves queries per item.
        if not created:
            article.bylines.all().delete()
            article.corrections.all().delete()
        Byline.objects.bulk_create(
            Byline(article=article, author=self.lookups.author(a), position=i, role=a.role)
            for i, a in enumerate(parsed.authors)
        )
        tags = [self.lookups.tag(name) for name in dict.fromkeys(parsed.tags) if name.strip()]
        if not created:
            article.tags.set(tags)
        elif tags:
            through = Article.tags.through
            through.objects.bulk_create(
                through(article_id=article.pk, tag_id=pk)
                for pk in dict.fromkeys(t.pk for t in tags)
            )
        Correction.objects.bulk_create(
            Correction(article=article, noted_at=when, text=text)
            for when, text in parsed.corrections
        )


def save_parsed(parsed, *, status="", section="", by=None, dry_run=False, lookups=None):
    """Write ``parsed`` in one transaction and say whether it was created, updated or unchanged.

    On failure nothing of the item remains: rows roll back and files written are removed.
    A dry run does every write, reports, and then rolls back the same way. ``lookups``
    (a :class:`Lookups`) carries authors, sections and tags over from earlier items of
    the same run.
    """
    lookups = lookups if lookups is not None else Lookups()
    writer = _Writer(lookups)
    try:
        with transaction.atomic():
            outcome = writer.save(parsed, status=status, section=section, by=by)
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        remove_files(writer.saved_files)
        lookups.forget()
        raise
    if dry_run:
        remove_files(writer.saved_files)
        lookups.forget()
    return outcome


def remove_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
