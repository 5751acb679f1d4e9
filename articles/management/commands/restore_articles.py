"""Restore a backup made by ``export_articles``, with nothing lost.

The library (sections, tags, authors, photos) comes back first, then each article with
its rows, one transaction each: a bad article is reported (file, line, reason) and the
run goes on. The exit status is non-zero when any part failed. Re-running is safe: a
part already in place is reported unchanged, and an id that now belongs to a different
object is refused rather than overwritten (articles/backup.py).
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles import backup


class Command(BaseCommand):
    help = "Restore articles, photos, people and history from an export_articles folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="FOLDER")
        parser.add_argument("--dry-run", action="store_true", help="Report, then roll back.")

    def handle(self, *args, folder, dry_run, **options):
        path = Path(folder)
        if not backup.is_backup(path):
            raise CommandError(f"{path}: not an export folder (it has no manifest.json)")
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        try:
            for part, result in backup.restore(path, dry_run=dry_run):
                if isinstance(result, backup.BackupError):
                    action, text = "failed", result.reason
                elif isinstance(result, Exception):
                    action, text = "failed", f"{type(result).__name__}: {result}"
                else:
                    action = result
                    text = part.headline if isinstance(part, backup.Restore) else ""
                counts[action] += 1
                where = part.path if isinstance(part, backup.BackupError) else part.origin
                line = f":{part.line}" if part.line else ""
                (self.stderr if action == "failed" else self.stdout).write(
                    f"{action:<9} {where}{line}  {text}"
                )
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{n} {action}" for action, n in counts.items())
        self.stdout.write(("Dry run, nothing written: " if dry_run else "") + summary)
        if counts["failed"]:
            sys.stdout.flush()
            raise CommandError(f"{counts['failed']} part(s) failed; see above.")
