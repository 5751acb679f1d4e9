"""Import articles from files and folders.

Items are written in batches (``--batch-size`` per transaction), each item in a savepoint
of its own: a bad item is reported (file, line, reason) and rolled back alone, and the
run goes on. The exit status is non-zero when any item failed. Re-running is safe: the
same source and external id updates the article instead of copying it. A backup made by
``export_articles`` is not an import: ``restore_articles`` brings it back.
"""

import sys
from collections import deque
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from articles.backup import is_backup
from articles.importers.formats import FORMATS, detect_format
from articles.importers.parsed import ParseError, Skipped
from articles.importers.writer import BATCH_SIZE, Batch
from articles.models import Status

# Beside articles in a folder: their photos and notes, which are not items to import.
SKIPPED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".md", ".py"}


class Report:
    def __init__(self, stdout, stderr):
        self.stdout, self.stderr = stdout, stderr
        # Every item read ends in exactly one of these, so they add up to the items read.
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}

    def item(self, action, where, text):
        self.counts[action] += 1
        (self.stderr if action == "failed" else self.stdout).write(f"{action:<9} {where}  {text}")

    def summary(self):
        # "skipped" is named only when something was, so a plain run reads as before.
        return ", ".join(
            f"{n} {action}" for action, n in self.counts.items() if n or action != "skipped"
        )


class Progress:
    """A progress bar on stderr for long runs; silent for a handful of files.

    One large file (a WordPress export) is a long run too: after every 100 items the
    line also counts items, so a single-file import shows it is moving.
    """

    ITEM_STEP = 100

    def __init__(self, stream, total, threshold=20):
        self.stream, self.total = stream, total
        self.enabled = total >= threshold
        self.done = 0
        self.items = 0

    def advance(self):
        self.done += 1
        self.draw(final=self.done == self.total)

    def item(self):
        self.items += 1
        if self.items % self.ITEM_STEP == 0:
            self.enabled = True
            self.draw()

    def draw(self, final=False):
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // self.total
        bar = "#" * filled + "-" * (width - filled)
        items = f", {self.items} items" if self.items >= self.ITEM_STEP else ""
        end = "\n" if final else ""
        self.stream.write(f"\r[{bar}] {self.done}/{self.total}{items}{end}", ending="")
        self.stream.flush()


def location(named, path, line):
    """``file:line`` for a report: the item's own file when it names one, else the input."""
    return f"{named or path}" + (f":{line}" if line else "")


def collect(paths):
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        if is_backup(path):
            raise CommandError(
                f"{path} is a backup made by export_articles, not articles to import; "
                f"bring it back with: manage.py restore_articles {path}"
            )
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not p.name.startswith(".")
                and p.suffix.lower() not in SKIPPED_SUFFIXES
            )
        else:
            files.append(path)
    return files


class Command(BaseCommand):
    help = "Import articles (plain text, WordPress, NITF, NewsML-G2, ninjs)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument(
            "--status",
            default="",
            choices=["", Status.DRAFT, Status.REVIEW, Status.PUBLISHED],
            help="Move every imported article to this status (default: keep the source's).",
        )
        parser.add_argument("--section", default="", help="Put every article in this section.")
        parser.add_argument("--dry-run", action="store_true", help="Report, then roll back.")
        parser.add_argument(
            "--media-root",
            default="",
            help="A local copy of the source's uploads folder, to attach photo files from.",
        )
        parser.add_argument(
            "--include-pages", action="store_true", help="Also import WordPress pages."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help="Articles written per transaction (default: %(default)s).",
        )

    def handle(self, *args, paths, **options):
        files = collect(paths)
        report = self.report = Report(self.stdout, self.stderr)
        progress = self.progress = Progress(self.stderr, len(files))
        self.batch = Batch(
            status=options["status"],
            section=options["section"],
            dry_run=options["dry_run"],
            size=options["batch_size"],
        )
        # Reports wait here until the items before them are written, so they come in order.
        self.waiting: deque[tuple[str, Any]] = deque()
        reader_options = {
            "media_root": options["media_root"],
            "include_pages": options["include_pages"],
        }
        try:
            for path in files:
                self.import_file(path, options, reader_options)
                progress.advance()
        except Exception:
            # What was read before the run broke off lands, as it would have item by item.
            self.written(self.batch.flush())
            raise
        self.written(self.batch.flush())
        prefix = "Dry run, nothing written: " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
        if report.counts["failed"]:
            sys.stdout.flush()
            raise CommandError(f"{report.counts['failed']} item(s) failed; see above.")

    def import_file(self, path, options, reader_options):
        try:
            fmt = options["format"] if options["format"] != "auto" else detect_format(path)
            items = FORMATS[fmt].read(path, **reader_options)
            for item in items:
                self.import_item(item, path)
        except ParseError as error:
            self.failed(location(error.path, path, error.line), error.reason)
        except (OSError, ValueError) as error:
            self.failed(str(path), str(error))

    def import_item(self, item, path):
        self.progress.item()
        if isinstance(item, ParseError):
            self.failed(location(item.path, path, item.line), item.reason)
            return
        if isinstance(item, Skipped):
            self.waiting.append((location(item.origin, path, item.line), item))
            self.written([])
            return
        self.waiting.append((location(item.origin, path, item.line), item))
        self.written(self.batch.add(item))

    def failed(self, where, reason):
        self.waiting.append((where, reason))
        self.written([])

    def written(self, results):
        """Report, in order, every waiting item whose outcome is now known."""
        outcomes = {id(item): outcome for item, outcome in results}
        while self.waiting:
            where, item = self.waiting[0]
            if isinstance(item, str):
                self.report.item("failed", where, item)
            elif isinstance(item, Skipped):
                self.report.item("skipped", where, f"{item.headline}  ({item.reason})".lstrip())
            elif id(item) in outcomes:
                outcome = outcomes[id(item)]
                if isinstance(outcome, Exception):
                    self.report.item("failed", where, f"{type(outcome).__name__}: {outcome}")
                else:
                    reasons = [outcome.reason] if outcome.reason else []
                    notes = "; ".join([*reasons, *item.notes])
                    notes = f"  ({notes})" if notes else ""
                    self.report.item(outcome.action, where, item.headline + notes)
            else:
                return
            self.waiting.popleft()
