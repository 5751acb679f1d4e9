"""Our own export (``manage.py export_articles``), read back with nothing lost.

The export is a folder::

    manifest.json     format name and version, when, counts
    users.json        the accounts rows refer to (username and names; never passwords)
    library.json      sections, tags, authors, photos and their credits
    articles.jsonl    one line per article: the article and every row that belongs to it
                      (bylines, corrections, audit entries, redirects, ...)
    files/            every stored file (photo originals), under its storage name

Rows are Django's own serialisation of each model, primary keys included, so a restore
is exact: same ids, same dates, the same audit trail. That is also why a restore does
not go through the editorial workflow: it puts back recorded state and recorded
history verbatim, where replaying transitions would write new audit rows and new dates.
It still saves one article per transaction, reports per item, and is safe to re-run
(rows are matched by id; an id already used by a different object is refused, so a
restore never overwrites someone else's work). Renditions are not exported: they are
derived files, made again from the originals on demand.
"""

import json
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction

from photos.models import Photo

from ..models import Article, Author, Section, Tag
from .base import Outcome, ParseError, remove_files

FORMAT = "newsroom-export"
FORMAT_VERSION = 1
BACKED_UP_APPS = ("photos", "articles")
SKIPPED_MODELS = {"photos.rendition"}
# Exports made before the photo library became an app name its models under "articles".
MOVED_LABELS = {f"articles.{name}": f"photos.{name}" for name in ("photo", "credit", "rendition")}
# What makes a row the same object, beyond its id: a different value means the id now
# belongs to something else, and restoring over it would destroy that.
IDENTITY = {
    Article: "created_at",
    Section: "slug",
    Tag: "slug",
    Author: "slug",
    Photo: "uploaded_at",
}


def detect(head, path):
    return Path(path).is_dir() and (Path(path) / "manifest.json").is_file()


def backed_up_models():
    return [m for label in BACKED_UP_APPS for m in apps.get_app_config(label).get_models()]


def article_models():
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


def library_models():
    """Every other model of the app: the shared things articles point at."""
    per_article = {m for m, _ in article_models()}
    return [
        m
        for m in backed_up_models()
        if m is not Article
        and m not in per_article
        and m._meta.label_lower not in SKIPPED_MODELS
        and not m._meta.auto_created
    ]


def serialize(objects):
    return serializers.serialize(
        "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=False
    )


class Encoder(json.JSONEncoder):
    """JSON for serialised rows; dates keep their microseconds (Django's encoder drops them)."""

    def default(self, o):
        if isinstance(o, datetime | date | time):
            return o.isoformat()
        if isinstance(o, Decimal | UUID):
            return str(o)
        return super().default(o)


def rows_as_json(rows):
    """Rows exactly as they read back from the export, for comparing with it."""
    return json.loads(json.dumps(rows, cls=Encoder))


def file_names(rows):
    """Storage names of the files the serialised ``rows`` refer to."""
    names = []
    for row in rows:
        model = apps.get_model(row["model"])
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and row["fields"].get(field.name):
                names.append(row["fields"][field.name])
    return names


def read(path, **_options):
    path = Path(path)
    manifest_path = path / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ParseError(f"cannot read manifest.json: {error}", path=manifest_path) from error
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise ParseError(
            f"manifest.json is not a {FORMAT} version {FORMAT_VERSION} manifest "
            f"(found {manifest.get('format')!r} version {manifest.get('version')!r})",
            path=manifest_path,
        )
    try:
        users = json.loads((path / "users.json").read_text(encoding="utf-8"))
        library = json.loads((path / "library.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ParseError(f"cannot read the export: {error}", path=path) from error
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
                yield ParseError(
                    f"not an exported article: {error}", path=articles_path, line=number
                )
                continue
            yield Restore(path, rows, origin=articles_path, line=number, headline=headline)


def _summary(rows):
    counts = {}
    for row in rows:
        counts[row["model"]] = counts.get(row["model"], 0) + 1
    return ", ".join(f"{n} {label.split('.')[1]}" for label, n in counts.items()) or "empty"


class Restore:
    """One transaction's worth of exported rows: the library, or one article with its rows."""

    def __init__(self, folder, rows, *, origin, headline, users=(), line=None):
        for row in rows:
            row["model"] = MOVED_LABELS.get(row["model"], row["model"])
        self.folder, self.rows, self.users = folder, rows, users
        self.origin, self.line, self.headline = str(origin), line, headline
        self.notes = []

    def save(self, *, status="", section="", dry_run=False, by=None):
        if status or section:
            self.notes.append("--status and --section do not apply to a restore")
        saved_files = []
        try:
            with transaction.atomic():
                outcome = self._restore(saved_files)
                if dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            remove_files(saved_files)
            raise
        if dry_run:
            remove_files(saved_files)
        return outcome

    def _restore(self, saved_files):
        self._restore_users()
        objects = list(serializers.deserialize("python", self.rows))
        pks = {}
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
            rows_as_json(serialize([existing[(type(i.object), i.object.pk)]]))[0]
            if existing[(type(i.object), i.object.pk)] is not None
            else None
            for i in objects
        ]
        unchanged = current_rows == list(self.rows)
        article = next((i.object for i in objects if isinstance(i.object, Article)), None)
        if unchanged:
            return Outcome("unchanged", article)
        for name in file_names(self.rows):
            self._restore_file(name, saved_files)
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
        created = not any(current is not None for current in existing.values())
        return Outcome("created" if created else "updated", article)

    def _restore_users(self):
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

    def _restore_file(self, name, saved_files):
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
    def _reset_sequences(model_set):
        # Rows came in with their ids; the database's id counters must move past them.
        statements = connection.ops.sequence_reset_sql(no_style(), list(model_set))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
