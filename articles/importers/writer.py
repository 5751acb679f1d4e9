"""The one place that writes imported articles.

:func:`save_parsed` writes one :class:`~.parsed.ParsedArticle` in its own transaction;
:class:`Batch` writes many in one transaction, each in a savepoint of its own. Both
set an article's fields with :func:`set_fields` and its bylines, tags, corrections and
old addresses with :func:`write_related`, so an article reads the same whichever path
wrote it: the body sanitised by the rule ``Article.save()`` uses, slugs from
:func:`free_slugs`, addresses kept by the article's own rule
(``Article.keep_source_addresses``, and ``Article.save()`` for a move).
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reversion
from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Case, When

from photos.credits import parse_credit_line
from photos.models import Credit, Photo, Rendition
from photos.tasks import make_preview, schedule_renditions

from .. import richtext, slugs
from ..models import Article, Author, Byline, Correction, Section, Status, Tag
from ..workflow import StaleEdit, TransitionError, claim_edit, move_to, record
from .parsed import ParsedArticle, ParsedAuthor, ParsedPhoto, ParsedPicture

BATCH_SIZE = 200
DEFAULT_SECTION = "News"

Key = tuple[str, str]  # (source, external id)


@dataclass
class Outcome:
    action: str  # created, updated, unchanged, skipped
    article: Article | None
    reason: str = ""  # why an item was skipped
    photo: Photo | None = None  # what a picture item became


# An import based on a state of the article that an editor has since changed.
CHANGED_SINCE_READ = "changed in the CMS since it was read: kept"
# The fields an import writes on an existing article: never its status, version or the
# desk's own fields, which only the workflow and the desk change.
IMPORTED_FIELDS = [
    "headline",
    "slug",
    "dek",
    "body",
    "section",
    "dateline",
    "subject_codes",
    "source_credit",
    "lead_photo",
    "source_version",
    "source_fingerprint",
    "published_at",
    "substantive_update_at",
    "updated_at",
]


def fit(parsed: ParsedArticle) -> ParsedArticle:
    """Cut what is longer than its column allows (a 131,000-character first line), with a
    note in the report, so every database stores the same thing and none refuses it."""
    for name in ("headline", "dateline", "source_credit"):
        value, limit = getattr(parsed, name), _limit(Article, name)
        if len(value) > limit:
            setattr(parsed, name, value[: limit - 1].rstrip() + "…")
            parsed.notes.append(f"{name} cut from {len(value):,} to {limit} characters")
    limit = _limit(Article, "external_id")
    if len(parsed.external_id) > limit:
        # An id too long to store whole keeps its identity as a digest.
        digest = hashlib.sha256(parsed.external_id.encode()).hexdigest()
        parsed.external_id = parsed.external_id[: limit - 65] + "#" + digest
        parsed.notes.append("external id too long: kept with a digest")
    limit = _limit(Author, "name")
    for author in parsed.authors:
        if len(author.name) > limit:
            parsed.notes.append(f"author name cut to {limit} characters")
            author.name = author.name[:limit]
    limit = _limit(Tag, "name")
    if any(len(t) > limit for t in parsed.tags):
        parsed.notes.append(f"tags cut to {limit} characters")
        parsed.tags = [t[:limit] for t in parsed.tags]
    for photo in parsed.all_photos():
        _fit_photo(photo)
    return parsed


def _fit_photo(parsed: ParsedPhoto) -> None:
    for name in ("caption", "credit_line", "alt_text", "title", "copyright_notice", "source_url"):
        limit = _limit(Photo, name)
        if limit and len(getattr(parsed, name)) > limit:
            setattr(parsed, name, getattr(parsed, name)[:limit])
    limit = _limit(Photo, "external_id")
    if len(parsed.external_id) > limit:
        parsed.external_id = hashlib.sha256(parsed.external_id.encode()).hexdigest()


def _limit(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    return int(getattr(field, "max_length", 0) or 0)


def slug_base(text: str, max_length: int = 200) -> str:
    return (name_slug(text, max_length) or "untitled")[:max_length].strip("-") or "untitled"


def unique_slug(
    model: type[models.Model],
    base: str,
    *,
    max_length: int = 200,
    taken: Iterable[str] = frozenset(),
) -> str:
    """A slug from ``base`` that no row of ``model`` has, nor is in ``taken``."""
    base = slug_base(base, max_length)
    taken = set(taken)
    candidate, n = base, 1
    while candidate in taken or model._default_manager.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


def free_slugs(items: Sequence[ParsedArticle]) -> list[str]:
    """A slug for each new article of ``items``, unique among articles and among themselves.

    One query for them all; only a slug already taken costs one more per try.
    """
    wanted = [slug_base(parsed.slug or parsed.headline) for parsed in items]
    taken = set(Article.objects.filter(slug__in=set(wanted)).values_list("slug", flat=True))
    slugs = []
    for base in wanted:
        slug = base if base not in taken else unique_slug(Article, base, taken=taken)
        taken.add(slug)
        slugs.append(slug)
    return slugs


def name_slug(name: str, max_length: int) -> str:
    """The slug of an author's, section's or tag's name: the site's one rule (articles.slugs)."""
    return slugs.slugify(name, max_length)


class Lookups:
    """Authors, sections and tags found or created during one import run, by slug.

    A run saves thousands of articles that name the same few hundred people, sections
    and tags; remembering them saves queries on every article. Whenever a transaction
    rolls back, ``forget`` drops everything, since rows it created are gone.
    """

    def __init__(self) -> None:
        self.authors: dict[str, Author] = {}
        self.sections: dict[str, Section] = {}
        self.tags: dict[str, Tag] = {}

    def forget(self) -> None:
        self.authors.clear()
        self.sections.clear()
        self.tags.clear()

    def author(self, parsed: ParsedAuthor) -> Author:
        slug = name_slug(parsed.name, 200) or "author"
        if slug not in self.authors:
            # An author made under the former slug rule keeps their address.
            former = slugs.former_slug(parsed.name, 200)
            self.authors[slug] = _found(Author, slug, former) or Author.objects.create(
                slug=slug, name=parsed.name[:200], email=parsed.email, bio=parsed.bio
            )
        return self.authors[slug]

    def section(self, name: str, slug: str = "") -> Section:
        name = name or DEFAULT_SECTION
        former = slugs.former_slug(slug or name, 100)
        slug = name_slug(slug or name, 100) or "news"
        if slug not in self.sections:
            self.sections[slug] = _found(Section, slug, former) or (
                Section.objects.create(name=name[:100], slug=slug)
            )
        return self.sections[slug]

    def tag(self, name: str) -> Tag:
        name = name.strip()[:100]
        key = name_slug(name, 100)
        if key not in self.tags:
            self.tags[key] = _found(Tag, key, slugs.former_slug(name, 100)) or Tag.objects.create(
                name=name, slug=unique_slug(Tag, key, max_length=100)
            )
        return self.tags[key]


def _found(model: type[models.Model], slug: str, former: str) -> Any:
    """The row of ``model`` with ``slug``, else one made under the former slug rule
    (``former``), which keeps its address."""
    rows = model._default_manager.filter(slug__in=[slug, former])
    return rows.order_by(Case(When(slug=slug, then=0), default=1)).first()


def by_source_id(manager: Any, source: str, external_id: str) -> models.QuerySet[Any]:
    """The row (a queryset of none or one) with this source and external id.

    It is found through the partial unique index, which covers only rows with an
    external id; SQLite uses that index only when the query repeats the index's
    condition, and otherwise scans the whole table on every item.
    """
    return manager.filter(source=source, external_id=external_id).exclude(external_id="")


def _photo_keys(parsed: ParsedArticle) -> list[Key]:
    """The (source, external id) each photo of ``parsed`` is kept under, lead first: its
    own id, else one made from the article's id and its place ("lead", 1, 2, ...)."""
    places: list[str | int] = ["lead"] if parsed.lead_photo else []
    places += range(1, len(parsed.photos) + 1)
    return [
        (parsed.source, photo.external_id or f"{parsed.external_id}#{place}")
        for photo, place in zip(parsed.all_photos(), places, strict=True)
    ]


PHOTO_FIELDS = ["caption", "credit_line", "alt_text", "title", "copyright_notice", "source_url"]


def _set_photo_fields(photo: Photo, parsed: ParsedPhoto) -> None:
    photo.caption = parsed.caption
    photo.credit_line = parsed.credit_line
    photo.alt_text = parsed.alt_text
    photo.title = parsed.title or parsed.alt_text
    photo.copyright_notice = parsed.copyright_notice
    photo.source_url = parsed.source_url


def _credits(photo: Photo) -> list[Credit]:
    return [
        Credit(photo=photo, position=i, **credit)
        for i, credit in enumerate(parse_credit_line(photo.credit_line))
    ]


def target_status(parsed: ParsedArticle, article: Article | None, status: str) -> str:
    """The status an import leaves ``article`` (None: a new one) in."""
    # Without --status or one from the source, a re-import keeps the article's status.
    target = status or parsed.status or (article.status if article else Status.DRAFT)
    if parsed.never_public and target == Status.PUBLISHED:
        # Private or password-protected at the source: never public, whatever --status says.
        target = parsed.status if parsed.status != Status.PUBLISHED else Status.DRAFT
    if parsed.status == Status.ARCHIVED:
        # A killed or withheld item wins over --status: it is never public.
        target = Status.ARCHIVED
        if article is not None and article.status in (Status.DRAFT, Status.ARCHIVED):
            return article.status
    if target == Status.ARCHIVED and (
        article is None or article.status not in (Status.PUBLISHED, Status.ARCHIVED)
    ):
        # A withdrawn item that was never published stays unpublished: a draft,
        # reached without a publish step in its audit trail.
        target = Status.DRAFT
    return target


IMPORT_COMMENT = "Status set by import"


def desk_decided(article: Article) -> str:
    """Why the desk, not the source, now decides ``article`` ("" when the source still
    does): a person saved it or moved it in the CMS, or its last change of status was
    not made by an import (an operator's command acting without a user counts).

    The re-import rule: the source updates an article's text and status only while
    nobody has edited or moved it in the CMS. After that a re-import leaves it exactly
    as the desk left it, so a story an editor unpublished or took down stays so, and
    says so in the report. Only a withdrawal by the source (a kill) still takes it down.
    """
    if article.last_saved_by_id is not None:
        return "edited in the CMS"
    last_move = (
        article.audit_entries.exclude(from_status=models.F("to_status"))
        .order_by("-at", "-pk")
        .values_list("comment", flat=True)
        .first()
    )
    if last_move is not None and last_move != IMPORT_COMMENT:
        return "moved in the CMS"
    return ""


def set_fields(
    article: Article,
    parsed: ParsedArticle,
    lookups: Lookups,
    *,
    section: str,
    fingerprint: str,
    slug: str,
    lead: Photo | None,
    inline: Sequence[Photo],
) -> None:
    """Everything of ``parsed`` that goes on the article row itself; ``slug`` is used
    when the article has none yet (a re-import keeps the address it has)."""
    body = parsed.body
    for i, photo in enumerate(inline):
        body = body.replace(f'data-photo-ref="{i}"', f'data-photo="{photo.pk}"')
    article.headline = parsed.headline
    article.slug = article.slug or slug
    article.dek = parsed.dek
    # Article.save() sanitises with the same function; a bulk insert never calls save().
    article.body = richtext.sanitize(body)
    article.section = (
        lookups.section(section)
        if section
        else lookups.section(parsed.section, parsed.section_slug)
    )
    article.dateline = parsed.dateline[:200]
    article.subject_codes = "\n".join(parsed.subject_codes)
    article.source_credit = parsed.source_credit
    article.lead_photo = lead
    article.source_version = parsed.version
    article.source_fingerprint = fingerprint
    article.published_at = parsed.published_at or article.published_at
    article.substantive_update_at = parsed.updated_at or article.substantive_update_at


def write_related(
    pairs: Sequence[tuple[Article, ParsedArticle]], lookups: Lookups, *, replace: bool
) -> None:
    """Bylines, tags, corrections and source addresses of each (article, parsed), in one
    query per kind for any number of articles. ``replace`` drops what the articles had."""
    through = Article.tags.through
    wanted = [
        Byline(article=article, author=lookups.author(a), position=i, role=a.role)
        for article, parsed in pairs
        for i, a in enumerate(parsed.authors)
    ]
    if replace:
        ids = [article.pk for article, _parsed in pairs]
        # Byline rows that stay as they were are kept (an editor's open form refers to
        # them by id); only those that changed are replaced.
        same = {(b.article_id, b.position, b.author_id, b.role) for b in wanted}
        kept = {
            (b.article_id, b.position, b.author_id, b.role)
            for b in Byline.objects.filter(article_id__in=ids)
        } & same
        stale = Byline.objects.filter(article_id__in=ids)
        for article_id, position, author_id, role in kept:
            stale = stale.exclude(
                article_id=article_id, position=position, author_id=author_id, role=role
            )
        stale.delete()
        wanted = [b for b in wanted if (b.article_id, b.position, b.author_id, b.role) not in kept]
        Correction.objects.filter(article_id__in=ids).delete()
        through.objects.filter(article_id__in=ids).delete()
    Article.keep_source_addresses(
        {path: article for article, parsed in pairs for path in parsed.old_paths}
    )
    Byline.objects.bulk_create(wanted)
    through.objects.bulk_create(
        through(article_id=article.pk, tag_id=pk)
        for article, parsed in pairs
        for pk in dict.fromkeys(
            lookups.tag(name).pk for name in dict.fromkeys(parsed.tags) if name.strip()
        )
    )
    Correction.objects.bulk_create(
        Correction(article=article, noted_at=when, text=text)
        for article, parsed in pairs
        for when, text in parsed.corrections
    )


class _Writer:
    """Saves one ParsedArticle; remembers files written so a rollback can remove them."""

    def __init__(self, lookups: Lookups) -> None:
        self.saved_files: list[str] = []
        self.lookups = lookups

    def photo(self, parsed: ParsedPhoto, key: Key) -> Photo:
        source, external_id = key
        photo = by_source_id(Photo.objects, source, external_id).first()
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
            # The preview now, so pages never show a missing image; the rest by a worker,
            # asked only once this item's savepoint has committed.
            make_preview(photo)
            self.saved_files.extend(r.file.name for r in Rendition.objects.filter(photo=photo))
            schedule_renditions(photo)
        if existed:
            Credit.objects.filter(photo=photo).delete()
        Credit.objects.bulk_create(_credits(photo))
        return photo

    def picture(self, parsed: ParsedPicture) -> Outcome:
        """A picture item as a library photo: created, updated or unchanged."""
        _fit_photo(parsed.photo)
        key = (parsed.source, parsed.photo.external_id or parsed.external_id[:300])
        existing = by_source_id(Photo.objects, *key).first()
        if existing is not None:
            before = [getattr(existing, f) for f in PHOTO_FIELDS]
            probe = Photo()
            _set_photo_fields(probe, parsed.photo)
            if [getattr(probe, f) for f in PHOTO_FIELDS] == before:
                return Outcome("unchanged", None, photo=existing)
        photo = self.photo(parsed.photo, key)
        return Outcome("updated" if existing else "created", None, photo=photo)

    def save(
        self,
        parsed: ParsedArticle,
        *,
        status: str,
        section: str,
        by: User | None,
        found: list[Article] | None = None,
    ) -> Outcome:
        """Create or update the article of ``parsed``; ``found``, when given, is the
        article already looked up by source id (a list of none or one)."""
        if found is None:
            found = list(by_source_id(Article.objects, parsed.source, parsed.external_id)[:1])
        article = found[0] if found else None
        if article and parsed.version and article.source_version > parsed.version:
            return Outcome("unchanged", article)  # an older version of a wire story
        target = target_status(parsed, article, status)
        fingerprint = parsed.fingerprint(section=section)
        # Asked only when the import would change something: an unchanged item costs
        # no query for it.
        would_change = article is not None and (
            article.source_fingerprint != fingerprint or article.status != target
        )
        decided = desk_decided(article) if article is not None and would_change else ""
        if article and decided:
            if target == Status.ARCHIVED and article.status == Status.PUBLISHED:
                move_to(article, target, by=by, comment=IMPORT_COMMENT)
                _record_withdrawal(article, parsed, by=by)
                return Outcome("updated", article)
            changed = [
                *(["text"] if article.source_fingerprint != fingerprint else []),
                *([f"status {target}"] if article.status != target else []),
            ]
            if changed:
                parsed.notes.append(
                    f"{decided}: kept as the desk left it ({article.status}), "
                    f"not the source's {' and '.join(changed)}"
                )
            return Outcome("unchanged", article)
        if article and article.source_fingerprint == fingerprint:
            if article.status == target:
                return Outcome("unchanged", article)
            if not _move(article, target, parsed, by=by):
                return Outcome("unchanged", article)
            return Outcome("updated", article)

        created = article is None
        if article is not None:
            try:
                # The desk's version lock: an article saved or moved since this import
                # read it is left as it is now, never overwritten with a stale state.
                claim_edit(article, expected_version=article.version, by=None)
            except StaleEdit:
                return Outcome("skipped", article, CHANGED_SINCE_READ)
        article = article or Article(source=parsed.source, external_id=parsed.external_id)
        photos = [
            self.photo(p, key)
            for p, key in zip(parsed.all_photos(), _photo_keys(parsed), strict=True)
        ]
        lead = photos.pop(0) if parsed.lead_photo else None
        set_fields(
            article,
            parsed,
            self.lookups,
            section=section,
            fingerprint=fingerprint,
            slug=article.slug or free_slugs([parsed])[0],
            lead=lead,
            inline=photos,
        )
        # A save that moves a public article keeps its old URL (Article._record_moved_url).
        if created:
            article.save()
            write_related([(article, parsed)], self.lookups, replace=False)
        else:
            # Content only: the status moves through the workflow below, and the version
            # is the one claimed above. A revision shows the desk what the source changed.
            with reversion.create_revision():
                article.save(update_fields=IMPORTED_FIELDS)
                write_related([(article, parsed)], self.lookups, replace=True)
                reversion.add_to_revision(article)
                reversion.set_comment(f"Updated by import from {parsed.source}")
        if article.status != target:
            _move(article, target, parsed, by=by)
        return Outcome("created" if created else "updated", article)


def _move(article: Article, target: str, parsed: ParsedArticle, *, by: User | None) -> bool:
    """Walk ``article`` to ``target``; a status the workflow has no way to leave for it
    (a story taken down is never published again by an import) stays, with a note."""
    try:
        move_to(article, target, by=by, at=parsed.published_at)
    except TransitionError as error:
        parsed.notes.append(f"status {article.status} kept: {error}")
        return False
    if target == Status.ARCHIVED:
        _record_withdrawal(article, parsed, by=by)
    return True


def _record_withdrawal(article: Article, parsed: ParsedArticle, *, by: User | None) -> None:
    """The agency's reason for a kill or withhold, beside the take-down in the audit trail."""
    if parsed.withdrawn_reason:  # a source's kill, not some other way to archived
        comment = f"Withdrawn by {parsed.source}: {parsed.withdrawn_reason}"
        record(article, "source_withdrawal", by=by, comment=comment)


def save_parsed(
    parsed: ParsedArticle,
    *,
    status: str = "",
    section: str = "",
    by: User | None = None,
    dry_run: bool = False,
    lookups: Lookups | None = None,
) -> Outcome:
    """Write ``parsed`` in one transaction and say whether it was created, updated or unchanged.

    On failure nothing of the item remains: rows roll back and files written are removed.
    A dry run does every write, reports, and then rolls back the same way. ``lookups``
    carries authors, sections and tags over from earlier items of the same run.
    """
    lookups = lookups if lookups is not None else Lookups()
    fit(parsed)
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


Result = Outcome | Exception


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
        self,
        *,
        status: str = "",
        section: str = "",
        by: User | None = None,
        dry_run: bool = False,
        lookups: Lookups | None = None,
        size: int = BATCH_SIZE,
    ) -> None:
        self.status, self.section, self.by, self.dry_run = status, section, by, dry_run
        self.lookups = lookups if lookups is not None else Lookups()
        self.size = max(1, size)
        self.items: list[ParsedArticle | ParsedPicture] = []

    def add(self, parsed: ParsedArticle | ParsedPicture) -> list[tuple[Any, Result]]:
        self.items.append(fit(parsed) if isinstance(parsed, ParsedArticle) else parsed)
        return self.flush() if len(self.items) >= self.size else []

    def flush(self) -> list[tuple[Any, Result]]:
        items, self.items = self.items, []
        if not items:
            return []
        results: list[Any] = [None] * len(items)
        saved_files: list[str] = []
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
        stories = [p for p in items if isinstance(p, ParsedArticle)]
        articles = _existing(Article, [(p.source, p.external_id) for p in stories])
        photos = _existing(Photo, [key for p in stories for key in _photo_keys(p)])
        seen: set[Key] = set()
        run: list[int] = []
        for i, parsed in enumerate(items):
            if isinstance(parsed, ParsedPicture):
                # A picture item of a feed: a library photo, written in its place.
                self._create(items, run, results, saved_files)
                run = []
                results[i] = self._save_picture(parsed, saved_files)
                seen.add((parsed.source, parsed.photo.external_id or parsed.external_id))
                continue
            key = (parsed.source, parsed.external_id)
            photo_keys = _photo_keys(parsed)
            keys = {*photo_keys, *([key] if parsed.external_id else [])}
            new = (
                not keys & seen
                and key not in articles
                and not photos.keys() & set(photo_keys)
                and len(set(photo_keys)) == len(photo_keys)
                and not any(p.file_path for p in parsed.all_photos())
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

    def _save_picture(self, parsed, saved_files):
        writer = _Writer(self.lookups)
        try:
            with transaction.atomic():
                outcome = writer.picture(parsed)
        except Exception as error:  # reported against this item alone
            remove_files(writer.saved_files)
            return error
        saved_files.extend(writer.saved_files)
        return outcome

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
                outcomes = self._create_new([items[i] for i in indexes])
        except Exception:
            # Rows it made for lookups are gone with the savepoint; one by one, each
            # item meets its own failure.
            self.lookups.forget()
            for i in indexes:
                results[i] = self._save_one(items[i], saved_files, found=[])
            return
        for i, outcome in zip(indexes, outcomes, strict=True):
            results[i] = outcome

    def _create_new(self, items):
        """Write ``items``, new articles whose photos are new and have no files, in bulk."""
        photos = {}  # (source, external id) → Photo
        for parsed in items:
            for key, parsed_photo in zip(_photo_keys(parsed), parsed.all_photos(), strict=True):
                photos[key] = photo = Photo(source=key[0], external_id=key[1])
                _set_photo_fields(photo, parsed_photo)
        Photo.objects.bulk_create(photos.values())
        Credit.objects.bulk_create(c for photo in photos.values() for c in _credits(photo))

        articles = []
        for parsed, slug in zip(items, free_slugs(items), strict=True):
            own = [photos[key] for key in _photo_keys(parsed)]
            lead = own.pop(0) if parsed.lead_photo else None
            article = Article(source=parsed.source, external_id=parsed.external_id)
            set_fields(
                article,
                parsed,
                self.lookups,
                section=self.section,
                fingerprint=parsed.fingerprint(section=self.section),
                slug=slug,
                lead=lead,
                inline=own,
            )
            articles.append(article)
        Article.objects.bulk_create(articles)
        write_related(list(zip(articles, items, strict=True)), self.lookups, replace=False)
        for article, parsed in zip(articles, items, strict=True):
            target = target_status(parsed, None, self.status)
            if target != article.status:
                move_to(article, target, by=self.by, at=parsed.published_at)
        return [Outcome("created", article) for article in articles]


def _existing(model, keys):
    """Rows of ``model`` with any of ``keys`` (source, external id), by key."""
    by_source: dict[str, set[str]] = {}
    for source, external_id in keys:
        if external_id:
            by_source.setdefault(source, set()).add(external_id)
    found: dict[Key, Any] = {}
    for source, ids in by_source.items():
        rows = model.objects.filter(source=source, external_id__in=ids).exclude(external_id="")
        found.update(((row.source, row.external_id), row) for row in rows)
    return found


def remove_files(names: Iterable[str]) -> None:
    """Delete stored files a rolled-back write left behind."""
    for name in names:
        default_storage.delete(name)
