"""What every importer produces, and the one function that writes it.

Parsers are pure: bytes or text in, :class:`ParsedArticle` out, no database. The
writer turns ParsedArticles into rows: :func:`save_parsed` one in its own transaction,
:class:`Batch` many in one transaction, each item in a savepoint of its own.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils.text import slugify

from photos.credits import parse_credit_line
from photos.models import Credit, Photo

from .. import richtext
from ..models import Article, ArticleRedirect, Author, Byline, Correction, Section, Status, Tag
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


def slug_base(text, max_length=200):
    return (slugify(text) or "untitled")[:max_length].strip("-") or "untitled"


def unique_slug(model, base, *, exclude_pk=None, max_length=200, taken=frozenset()):
    """A slug from ``base`` that no row of ``model`` has, nor is in ``taken``."""
    base = slug_base(base, max_length)
    candidate, n = base, 1
    existing = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while candidate in taken or existing.filter(slug=candidate).exists():
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


def _photo_key(parsed, photo, position):
    """The (source, external id) a photo of ``parsed`` is kept under: its own id, else one
    made from the article's id and its place ("lead", 1, 2, ...)."""
    return (parsed.source, photo.external_id or f"{parsed.external_id}#{position}")


def _photo_keys(parsed):
    keys = [_photo_key(parsed, parsed.lead_photo, "lead")] if parsed.lead_photo else []
    return keys + [_photo_key(parsed, p, i + 1) for i, p in enumerate(parsed.photos)]


def _set_photo_fields(photo, parsed):
    photo.caption = parsed.caption
    photo.credit_line = parsed.credit_line
    photo.alt_text = parsed.alt_text
    photo.title = parsed.title or parsed.alt_text
    photo.copyright_notice = parsed.copyright_notice
    photo.source_url = parsed.source_url


def _credits(photo):
    return [
        Credit(photo=photo, position=i, **credit)
        for i, credit in enumerate(parse_credit_line(photo.credit_line))
    ]


def _target_status(parsed, article, status):
    """The status an import leaves ``article`` (None: a new one) in."""
    # Without --status or one from the source, a re-import keeps the article's status.
    target = status or parsed.status or (article.status if article else Status.DRAFT)
    if target == Status.ARCHIVED and (
        article is None or article.status not in (Status.PUBLISHED, Status.ARCHIVED)
    ):
        # A withdrawn item that was never published stays unpublished: a draft,
        # reached without a publish step in its audit trail.
        target = Status.DRAFT
    return target


class _Writer:
    """Saves one ParsedArticle; remembers files written so a rollback can remove them."""

    def __init__(self, lookups):
        self.saved_files = []
        self.lookups = lookups

    def photo(self, parsed, *, source, external_id):
        photo = _by_source_id(Photo.objects, source, external_id).first()
        photo = photo or Photo(source=source, external_id=external_id)
        _set_photo_fields(photo, parsed)
        if parsed.file_path and not photo.image:
            from photos.uploads import prepare_upload

            with open(parsed.file_path, "rb") as fh:
                upload = prepare_upload(File(fh, name=Path(parsed.file_path).name), photo)
                photo.image.save(upload.name, upload, save=False)
            self.saved_files.append(photo.image.name)
        existed = photo.pk is not None
        photo.save()
        if photo.image and photo.image.name in self.saved_files:
            # Made with the file, so article pages never make them (templatetags/photos.py).
            from photos.renditions import ensure_renditions

            made = ensure_renditions(photo)
            self.saved_files.extend(r.file.name for r in made.values())
        if existed:
            photo.credits.all().delete()
        Credit.objects.bulk_create(_credits(photo))
        return photo

    def save(self, parsed, *, status, section, by, found=None):
        """Create or update the article of ``parsed``; ``found``, when given, is the
        article already looked up by source id (a list of none or one)."""
        if found is None:
            found = list(_by_source_id(Article.objects, parsed.source, parsed.external_id)[:1])
        article = found[0] if found else None
        if article and parsed.version and article.source_version > parsed.version:
            return Outcome("unchanged", article)  # an older version of a wire story
        target = _target_status(parsed, article, status)
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
        _point_redirects(dict.fromkeys(paths, article))

    def write_content(self, article, parsed, *, section, fingerprint):
        keys = _photo_keys(parsed)
        lead = parsed.lead_photo and self.photo(
            parsed.lead_photo, source=parsed.source, external_id=keys.pop(0)[1]
        )
        inline = [
            self.photo(p, source=parsed.source, external_id=key[1])
            for p, key in zip(parsed.photos, keys, strict=True)
        ]
        created = article.pk is None
        old_url = None if created else article.get_absolute_url()
        _set_article_fields(
            article,
            parsed,
            self.lookups,
            section=section,
            fingerprint=fingerprint,
            lead=lead,
            inline=inline,
        )
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
        Byline.objects.bulk_create(_bylines(article, parsed, self.lookups))
        tags = _tags(parsed, self.lookups)
        if not created:
            article.tags.set(tags)
        else:
            Article.tags.through.objects.bulk_create(_tag_rows(article, tags))
        Correction.objects.bulk_create(_corrections(article, parsed))


def _set_article_fields(article, parsed, lookups, *, section, fingerprint, lead, inline):
    """Everything of ``parsed`` that goes on the article row itself (all but the slug)."""
    body = parsed.body
    for i, photo in enumerate(inline):
        body = body.replace(f'data-photo-ref="{i}"', f'data-photo="{photo.pk}"')
    article.headline = parsed.headline
    article.dek = parsed.dek
    # Article.save() sanitises too; bulk inserts do not call it, and so rely on this.
    article.body = richtext.sanitize(body)
    article.section = (
        lookups.section(section)
        if section
        else lookups.section(parsed.section, parsed.section_slug)
    )
    article.dateline = parsed.dateline[:200]
    article.lead_photo = lead or None
    article.source_version = parsed.version
    article.source_fingerprint = fingerprint
    article.published_at = parsed.published_at or article.published_at
    article.substantive_update_at = parsed.updated_at or article.substantive_update_at


def _bylines(article, parsed, lookups):
    return [
        Byline(article=article, author=lookups.author(a), position=i, role=a.role)
        for i, a in enumerate(parsed.authors)
    ]


def _tags(parsed, lookups):
    return [lookups.tag(name) for name in dict.fromkeys(parsed.tags) if name.strip()]


def _tag_rows(article, tags):
    through = Article.tags.through
    return [through(article_id=article.pk, tag_id=pk) for pk in dict.fromkeys(t.pk for t in tags)]


def _corrections(article, parsed):
    return [
        Correction(article=article, noted_at=when, text=text) for when, text in parsed.corrections
    ]


def _point_redirects(claims):
    """Make each old path of ``claims`` (old path → article) redirect to its article.

    A fixed number of queries for any number of paths, plus one per article that takes
    over paths another article had.
    """
    if not claims:
        return
    existing = dict(
        ArticleRedirect.objects.filter(old_path__in=list(claims)).values_list(
            "old_path", "article_id"
        )
    )
    moved = {}
    for path, article_id in existing.items():
        if article_id != claims[path].pk:
            moved.setdefault(claims[path], []).append(path)
    for article, paths in moved.items():
        ArticleRedirect.objects.filter(old_path__in=paths).update(article=article)
    ArticleRedirect.objects.bulk_create(
        ArticleRedirect(old_path=path, article=article)
        for path, article in claims.items()
        if path not in existing
    )


BATCH_SIZE = 200


class Batch:
    """Saves many ParsedArticles in one transaction, each in a savepoint of its own.

    :meth:`add` items, then :meth:`flush` the rest; both return the items written so far,
    in the order they came, each with its :class:`Outcome` or the exception that stopped
    it. An item that fails is rolled back alone (its rows and files) and the others land.

    A first import is mostly new articles with new, file-less photos (a plain-text
    article names its photos pending, with caption and credit). Consecutive items of
    that kind are written together: their photos, credits, articles, bylines, tags,
    corrections and redirects each in one bulk insert, with one query for the slugs, so
    a batch costs a few queries rather than ten per article. Every other item (an
    update, photo files, a key met earlier in the batch) goes through the one-item
    writer, in order. Should a bulk write fail, its items are written again one by one,
    so the failure is reported against the one item it belongs to.
    """

    def __init__(
        self, *, status="", section="", by=None, dry_run=False, lookups=None, size=BATCH_SIZE
    ):
        self.status, self.section, self.by, self.dry_run = status, section, by, dry_run
        self.lookups = lookups if lookups is not None else Lookups()
        self.size = max(1, size)
        self.items = []

    def add(self, parsed):
        self.items.append(parsed)
        return self.flush() if len(self.items) >= self.size else []

    def flush(self):
        items, self.items = self.items, []
        if not items:
            return []
        results, saved_files = [None] * len(items), []
        try:
            with transaction.atomic():
                self._write(items, results, saved_files)
                if self.dry_run:
                    transaction.set_rollback(True)
        except Exception as error:  # outside any item's savepoint (the commit): none landed
            remove_files(saved_files)
            self.lookups.forget()
            return [(parsed, error) for parsed in items]
        except BaseException:
            remove_files(saved_files)
            self.lookups.forget()
            raise
        if self.dry_run:
            remove_files(saved_files)
            self.lookups.forget()
        return list(zip(items, results, strict=True))

    def _write(self, items, results, saved_files):
        articles = _existing(Article, [(p.source, p.external_id) for p in items])
        photos = _existing(Photo, [key for p in items for key in _photo_keys(p)])
        seen, run = set(), []
        for i, parsed in enumerate(items):
            key = (parsed.source, parsed.external_id)
            photo_keys = _photo_keys(parsed)
            keys = {*photo_keys, *([key] if parsed.external_id else [])}
            new = (
                not keys & seen
                and key not in articles
                and not photos.keys() & set(photo_keys)
                and len(set(photo_keys)) == len(photo_keys)
                and not any(p.file_path for p in [parsed.lead_photo, *parsed.photos] if p)
            )
            if new:
                run.append(i)
            else:
                self._create(items, run, results, saved_files)
                run = []
                found = None if key in seen else [a for a in [articles.get(key)] if a]
                results[i] = self._save_one(parsed, saved_files, found=found)
            seen |= keys
        self._create(items, run, results, saved_files)

    def _save_one(self, parsed, saved_files, found=None):
        writer = _Writer(self.lookups)
        try:
            with transaction.atomic():
                outcome = writer.save(
                    parsed, status=self.status, section=self.section, by=self.by, found=found
                )
        except Exception as error:  # one bad item must not stop the batch; it is reported
            remove_files(writer.saved_files)
            self.lookups.forget()
            return error
        saved_files.extend(writer.saved_files)
        return outcome

    def _create(self, items, indexes, results, saved_files):
        if not indexes:
            return
        try:
            with transaction.atomic():
                outcomes = _create_new([items[i] for i in indexes], self)
        except Exception:
            # Rows it made for lookups are gone with the savepoint; one by one, each
            # item meets its own failure.
            self.lookups.forget()
            for i in indexes:
                results[i] = self._save_one(items[i], saved_files, found=[])
            return
        for i, outcome in zip(indexes, outcomes, strict=True):
            results[i] = outcome


def _existing(model, keys):
    """Rows of ``model`` with any of ``keys`` (source, external id), by key."""
    by_source = {}
    for source, external_id in keys:
        if external_id:
            by_source.setdefault(source, set()).add(external_id)
    found = {}
    for source, ids in by_source.items():
        rows = model.objects.filter(source=source, external_id__in=ids).exclude(external_id="")
        found.update(((row.source, row.external_id), row) for row in rows)
    return found


def _create_new(items, options):
    """Write ``items``, new articles whose photos are new and have no files, in bulk."""
    lookups = options.lookups
    photos = {}  # (source, external id) → Photo
    for parsed in items:
        for key, parsed_photo in zip(
            _photo_keys(parsed),
            [p for p in [parsed.lead_photo, *parsed.photos] if p],
            strict=True,
        ):
            photos[key] = photo = Photo(source=key[0], external_id=key[1])
            _set_photo_fields(photo, parsed_photo)
    Photo.objects.bulk_create(photos.values())
    Credit.objects.bulk_create(credit for photo in photos.values() for credit in _credits(photo))

    articles = []
    slugs = _free_slugs([parsed.slug or parsed.headline for parsed in items])
    for parsed, slug in zip(items, slugs, strict=True):
        keys = _photo_keys(parsed)
        lead = photos[keys.pop(0)] if parsed.lead_photo else None
        article = Article(source=parsed.source, external_id=parsed.external_id, slug=slug)
        _set_article_fields(
            article,
            parsed,
            lookups,
            section=options.section,
            fingerprint=parsed.fingerprint(section=options.section),
            lead=lead,
            inline=[photos[key] for key in keys],
        )
        articles.append(article)
    Article.objects.bulk_create(articles)

    _point_redirects(
        {
            path: article
            for article, parsed in zip(articles, items, strict=True)
            for path in parsed.old_paths
        }
    )
    Byline.objects.bulk_create(
        byline
        for a, parsed in zip(articles, items, strict=True)
        for byline in _bylines(a, parsed, lookups)
    )
    Article.tags.through.objects.bulk_create(
        row
        for a, parsed in zip(articles, items, strict=True)
        for row in _tag_rows(a, _tags(parsed, lookups))
    )
    Correction.objects.bulk_create(
        c for a, parsed in zip(articles, items, strict=True) for c in _corrections(a, parsed)
    )
    for article, parsed in zip(articles, items, strict=True):
        target = _target_status(parsed, None, options.status)
        if target != article.status:
            move_to(article, target, by=options.by, at=parsed.published_at)
    return [Outcome("created", article) for article in articles]


def _free_slugs(texts):
    """A slug for each of ``texts``, unique among articles and among themselves.

    One query for them all; only a slug already taken costs one more per try.
    """
    wanted = [slug_base(text) for text in texts]
    taken = set(Article.objects.filter(slug__in=set(wanted)).values_list("slug", flat=True))
    slugs = []
    for base in wanted:
        slug = base if base not in taken else unique_slug(Article, base, taken=taken)
        taken.add(slug)
        slugs.append(slug)
    return slugs


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
