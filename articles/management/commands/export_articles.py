"""Export every article, with everything that belongs to it, to a folder.

``import_articles OUTDIR`` (format ``json``) restores the folder with nothing lost;
articles/importers/jsonfmt.py describes the layout. Articles are written one line at a
time, so memory stays flat however large the archive is.
"""

import json
import shutil
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.importers import jsonfmt
from articles.models import Article


class Command(BaseCommand):
    help = "Export all articles, photos (with files), people, sections, tags and history."

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR")
        parser.add_argument(
            "--force", action="store_true", help="Write into OUTDIR even if it is not empty."
        )

    def handle(self, *args, outdir, force, **options):
        out = Path(outdir)
        if out.exists() and any(out.iterdir()) and not force:
            raise CommandError(f"{out} is not empty; choose a new folder or pass --force")
        out.mkdir(parents=True, exist_ok=True)
        counts = {}
        usernames = set()
        files = set()
        # One transaction: the folder is a consistent snapshot even while editors work.
        with transaction.atomic():
            library = []
            for model in jsonfmt.library_models():
                rows = jsonfmt.serialize(model._default_manager.order_by("pk"))
                library += rows
                counts[model._meta.label_lower] = len(rows)
            self.write_json(out / "library.json", library)
            self.collect(library, usernames, files)

            related = jsonfmt.article_models()
            counts["articles.article"] = 0
            with open(out / "articles.jsonl", "w", encoding="utf-8") as fh:
                for article in Article.objects.order_by("pk").iterator(chunk_size=500):
                    rows = jsonfmt.serialize([article])
                    for model, key in related:
                        rows += jsonfmt.serialize(
                            model._default_manager.filter(**{key: article.pk}).order_by("pk")
                        )
                    self.collect(rows, usernames, files)
                    fh.write(json.dumps(rows, cls=jsonfmt.Encoder, ensure_ascii=False) + "\n")
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
        self.write_json(out / "users.json", users)
        for name in sorted(files):
            target = out / "files" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
        manifest = {
            "format": jsonfmt.FORMAT,
            "version": jsonfmt.FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
            "counts": counts,
            "files": len(files),
        }
        self.write_json(out / "manifest.json", manifest)
        summary = ", ".join(f"{n} {label.split('.')[1]}" for label, n in counts.items())
        self.stdout.write(f"Exported to {out}: {summary}, {len(files)} file(s).")

    @staticmethod
    def write_json(path, data):
        path.write_text(
            json.dumps(data, cls=jsonfmt.Encoder, ensure_ascii=False, indent=1), encoding="utf-8"
        )

    @staticmethod
    def collect(rows, usernames, files):
        """Note the accounts (natural keys) and stored files that ``rows`` refer to."""
        files.update(jsonfmt.file_names(rows))
        user_model = get_user_model()
        for row in rows:
            for field in apps.get_model(row["model"])._meta.concrete_fields:
                value = row["fields"].get(field.name)
                if field.is_relation and field.related_model is user_model and value:
                    usernames.add(value[0])  # a natural key: [username]
