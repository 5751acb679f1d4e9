"""A backup of the newsroom (``export_articles``), brought back whole (``restore_articles``).

The export is a folder::

    manifest.json     format name and version, when, counts
    users.json        the accounts rows refer to (username and names; never passwords)
    library.json      sections, tags, authors, photos and their credits
    articles.jsonl    one line per article: the article and every row that belongs to it
                      (bylines, corrections, audit entries, redirects, ...)
    files/            every stored file (photo originals), under its storage name

Rows are Django's own serialisation of each model, primary keys included, so a restore
is exact: same ids, same dates, the same audit trail. That is also why a restore is not
an import: it puts back recorded state and recorded history verbatim, where the import
writer and the editorial workflow would write new audit rows and new dates. It still
saves one article per transaction, reports per item, and is safe to re-run (rows are
matched by id; an id already used by a different object is refused, so a restore never
overwrites someone else's work). Renditions are not exported: they are derived files,
made again from the originals on demand.
"""

import json
import shutil
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from photos.models import Photo

from .models import Article, Author, Section, Tag

FORMAT = "newsroom-export"
FORMAT_VERSION = 1
BACKED_UP_APPS = ("photos", "articles")
SKIPPED_MODELS = {"photos.rendition"}
# Exports made before the photo library became an app name its models under "articles".
MOVED_LABELS = {f"articles.{name}": f"photos.{name}" for name in ("photo", "credit", "rendition")}
# What makes a row the same object, beyond its id: a different value means the id now
# belongs to something else, and restoring over it would destroy that.
IDENTITY: dict[type[models.Model], str] = {
    Article: "created_at",
    Section: "slug",
    Tag: "slug",
    Author: "slug",
    Photo: "uploaded_at",
}

Row = dict[str, Any]


class BackupError(Exception):
    """A backup folder, or a part of it, that cannot be restored, with where and why."""

    def __init__(self, reason: str, *, path: Path | str = "", line: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.path, self.line = reason, str(path), line

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.reason}" if where else self.reason


def is_backup(path: Path | str) -> bool:
    return Path(path).is_dir() and (Path(path) / "manifest.json").is_file()


def backed_up_models() -> list[type[models.Model]]:
    return [m for label in BACKED_UP_APPS for m in apps.get_app_config(label).get_models()]


def article_models() -> list[tuple[type[models.Model], str]]:
    """Models whose rows belong to one article (a foreign key to Article), and the key."""
    found = []
    for model in backed_up_models():
        if model._meta.label_lower in SKIPPED_MODELS or model is Article:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Article:
                found.append((model, field.name))
                break
    return found


def library_models() -> list[type[models.Model]]:
    """Every other model of the apps: the shared things articles point at."""
    per_article = {m for m, _ in article_models()}
    return [
        m
        for m in backed_up_models()
        if m is not Article
        and m not in per_article
        and m._meta.label_lower not in SKIPPED_MODELS
        and not m._meta.auto_created
    ]


def serialize(objects: Iterable[models.Model]) -> list[Row]:
    return serializers.serialize(
        "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=False
    )


class Encoder(json.JSONEncoder):
    """JSON for serialised rows; dates keep their microseconds (Django's encoder drops them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | date | time):
            return o.isoformat()
        if isinstance(o, Decimal | UUID):
            return str(o)
        return super().default(o)


def rows_as_json(rows: list[Row]) -> list[Row]:
    """Rows exactly as they read back from the export, for comparing with it."""
    return json.loads(json.dumps(rows, cls=Encoder))


def file_names(rows: Iterable[Row]) -> list[str]:
    """Storage names of the files the serialised ``rows`` refer to."""
    names = []
    for row in rows:
        model = apps.get_model(row["model"])
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and row["fields"].get(field.name):
                names.append(row["fields"][field.name])
    return names


# Export ---------------------------------------------------------------------------------------


def export(out: Path) -> tuple[dict[str, int], int]:
    """Write the backup into the folder ``out``; return the rows per model and the file count.

    Articles are written one line at a time, so memory stays flat however large the
    archive is.
    """
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    usernames: set[str] = set()
    files: set[str] = set()
    # One transaction: the folder is a consistent snapshot even while editors work.
    with transaction.atomic():
        library = []
        for model in library_models():
            rows = serialize(model._default_manager.order_by("pk"))
            library += rows
            counts[model._meta.label_lower] = len(rows)
        _write_json(out / "library.json", library)
        _collect(library, usernames, files)

        related = article_models()
        counts["articles.article"] = 0
        with open(out / "articles.jsonl", "w", encoding="utf-8") as fh:
            for article in Article.objects.order_by("pk").iterator(chunk_size=500):
                rows = serialize([article])
                for model, key in related:
                    rows += serialize(
                        model._default_manager.filter(**{key: article.pk}).order_by("pk")
                    )
                _collect(rows, usernames, files)
                fh.write(json.dumps(rows, cls=Encoder, ensure_ascii=False) + "\n")
                counts["articles.article"] += 1
        users = [
            {
                "username": u.username,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "email": u.email,
            }
            for u in get_user_model().objects.filter(username__in=usernames).order_by("pk")
        ]
    _write_json(out / "users.json", users)
    for name in sorted(files):
        target = out / "files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
    # Written last: a folder without it is an export that did not finish.
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "counts": counts,
        "files": len(files),
    }
    _write_json(out / "manifest.json", manifest)
    return counts, len(files)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, cls=Encoder, ensure_ascii=False, indent=1), encoding="utf-8")


def _collect(rows: list[Row], usernames: set[str], files: set[str]) -> None:
    """Note the accounts (natural keys) and stored files that ``rows`` refer to."""
    files.update(file_names(rows))
    user_model = get_user_model()
    for row in rows:
        for field in apps.get_model(row["model"])._meta.concrete_fields:
            value = row["fields"].get(field.name)
            if field.is_relation and field.related_model is user_model and value:
                usernames.add(value[0])  # a natural key: [username]


# Restore --------------------------------------------------------------------------------------


def read(path: Path | str) -> Iterator["Restore | BackupError"]:
    """The parts of the backup at ``path``: the library first, then one per article.

    An article line that cannot be read is yielded as a BackupError and the rest go on;
    a folder that is not a backup raises BackupError before anything is yielded.
    """
    path = Path(path)
    manifest_path = path / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"cannot read manifest.json: {error}", path=manifest_path) from error
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"manifest.json is not a {FORMAT} version {FORMAT_VERSION} manifest "
            f"(found {manifest.get('format')!r} version {manifest.get('version')!r})",
            path=manifest_path,
        )
    try:
        users = json.loads((path / "users.json").read_text(encoding="utf-8"))
        library = json.loads((path / "library.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"cannot read the export: {error}", path=path) from error
    yield Restore(
        path,
        library,
        users=users,
        origin=path / "library.json",
        headline=f"library: {_summary(library)}",
    )
    articles_path = path / "articles.jsonl"
    with open(articles_path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rows = json.loads(line)
                headline = rows[0]["fields"]["headline"]
            except (ValueError, KeyError, IndexError, TypeError) as error:
                yield BackupError(
                    f"not an exported article: {error}", path=articles_path, line=number
                )
                continue
            yield Restore(path, rows, origin=articles_path, line=number, headline=headline)


def _summary(rows: list[Row]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["model"]] = counts.get(row["model"], 0) + 1
    return ", ".join(f"{n} {label.split('.')[1]}" for label, n in counts.items()) or "empty"


def restore(
    path: Path | str, *, dry_run: bool = False
) -> Iterator[tuple["Restore | BackupError", str | Exception]]:
    """Restore the backup at ``path`` part by part, each in its own transaction; yield each
    part with what happened to it (an action, or the error that stopped it).

    A dry run restores everything in one transaction and then rolls it back, so later
    parts still find the accounts and the library that earlier parts brought.
    """
    saved_files: list[str] = []
    try:
        with transaction.atomic() if dry_run else nullcontext():
            for part in read(path):
                result: str | Exception
                if isinstance(part, BackupError):
                    result = part
                else:
                    try:
                        result = part.save(saved_files)
                    except Exception as error:  # one bad part must not stop the rest
                        result = error
                yield part, result
            if dry_run:
                transaction.set_rollback(True)
    finally:
        if dry_run:
            _remove_files(saved_files)


class Restore:
    """One transaction's worth of exported rows: the library, or one article with its rows."""

    def __init__(
        self,
        folder: Path,
        rows: list[Row],
        *,
        origin: Path | str,
        headline: str,
        users: Iterable[dict[str, str]] = (),
        line: int | None = None,
    ) -> None:
        for row in rows:
            row["model"] = MOVED_LABELS.get(row["model"], row["model"])
        self.folder, self.rows, self.users = folder, rows, users
        self.origin, self.line, self.headline = str(origin), line, headline

    def save(self, saved_files: list[str]) -> str:
        """Put the rows back; say whether that "created", "updated" or left them "unchanged".

        Files it stores are added to ``saved_files``; on failure they are removed again.
        """
        own: list[str] = []
        try:
            with transaction.atomic():
                action = self._restore(own)
        except BaseException:
            _remove_files(own)
            raise
        saved_files.extend(own)
        return action

    def _restore(self, saved_files: list[str]) -> str:
        self._restore_users()
        objects = list(serializers.deserialize("python", self.rows))
        pks: dict[type[models.Model], list[Any]] = {}
        for item in objects:
            pks.setdefault(type(item.object), []).append(item.object.pk)
        # One query per model, however many rows the library holds.
        found = {model: model._default_manager.in_bulk(ids) for model, ids in pks.items()}
        existing = {}
        for item in objects:
            obj = item.object
            model = type(obj)
            current = found[model].get(obj.pk)
            key = IDENTITY.get(model)
            if current is not None and key and getattr(current, key) != getattr(obj, key):
                raise ValueError(
                    f"{model._meta.verbose_name} #{obj.pk} already exists here as a different "
                    f"object ({key} differs); restore into an empty database"
                )
            existing[(model, obj.pk)] = current
        current_rows = [
            rows_as_json(serialize([row]))[0] if row is not None else None
            for row in (existing[(type(i.object), i.object.pk)] for i in objects)
        ]
        if current_rows == list(self.rows):
            return "unchanged"
        for name in file_names(self.rows):
            self._restore_file(name, saved_files)
        article = next((i.object for i in objects if isinstance(i.object, Article)), None)
        if article is not None:
            # Rows of this article that the export does not have (a re-run after edits).
            for model, key in article_models():
                keep = [i.object.pk for i in objects if isinstance(i.object, model)]
                model._default_manager.filter(**{key: article.pk}).exclude(pk__in=keep).delete()
        for item in objects:
            # A raw save: the recorded values exactly, no automatic dates, no sanitising
            # again; many-to-many links (tags) are set from the export too.
            item.save()
        self._reset_sequences({type(i.object) for i in objects})
        return "updated" if any(c is not None for c in existing.values()) else "created"

    def _restore_users(self) -> None:
        users = get_user_model()
        for entry in self.users:
            user, created = users.objects.get_or_create(
                username=entry["username"],
                defaults={k: entry.get(k, "") for k in ("first_name", "last_name", "email")},
            )
            if created:
                # A restored account has no password until an administrator sets one.
                user.set_unusable_password()
                user.save(update_fields=["password"])

    def _restore_file(self, name: str, saved_files: list[str]) -> None:
        source = (self.folder / "files" / name).resolve()
        if (self.folder / "files").resolve() not in source.parents:
            raise ValueError(f"file name {name!r} points outside the export")
        if default_storage.exists(name):
            return  # already in place (a re-run, or the same storage)
        if not source.is_file():
            raise ValueError(f"the export lacks the file {name}")
        with open(source, "rb") as fh:
            stored = default_storage.save(name, File(fh, name=name))
        saved_files.append(stored)
        if stored != name:
            raise ValueError(f"storage renamed {name} to {stored}")

    @staticmethod
    def _reset_sequences(model_set: set[type[models.Model]]) -> None:
        # Rows came in with their ids; the database's id counters must move past them.
        statements = connection.ops.sequence_reset_sql(no_style(), list(model_set))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _remove_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
