"""Back up every article, with everything that belongs to it, to a folder.

``restore_articles OUTDIR`` brings the folder back with nothing lost; articles/backup.py
describes the layout.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles import backup


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
        counts, files = backup.export(out)
        summary = ", ".join(f"{n} {label.split('.')[1]}" for label, n in counts.items())
        self.stdout.write(f"Exported to {out}: {summary}, {files} file(s).")
