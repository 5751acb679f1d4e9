"""Render the stored parts of every published article that has none, or none with its API
document (``articles.rendering``).

Readers render a missing row themselves (``rendering.stored_for``), but after migration
0017 (every row without its document) or on an archive imported before the parts were
stored, the first readers of every story would pay for it: this renders them ahead, in
batches (one transaction and the same few queries each), saying how far it got. Safe to
stop and run again: what is stored already is left alone (``--all`` renders every
published article anew, after a template change).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import reset_queries, transaction
from django.db.models import Q

from articles import rendering
from articles.models import Article, Status


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Articles rendered per transaction."
        )
        parser.add_argument(
            "--all", action="store_true", help="Render every published article anew."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = max(1, options["batch_size"])
        wanted = Article.objects.filter(status=Status.PUBLISHED)
        if not options["all"]:
            wanted = wanted.filter(Q(rendered__isnull=True) | Q(rendered__ninjs__isnull=True))
        ids = wanted.order_by("pk").values_list("pk", flat=True)
        total = ids.count()
        if not total:
            self.stdout.write("Nothing to render: every published article is stored.")
            return
        done, last = 0, 0
        # By id, not by what is still missing: a story that cannot be rendered is not
        # asked for again and again.
        while batch := list(ids.filter(pk__gt=last)[:size]):
            last = batch[-1]
            with transaction.atomic():
                done += rendering.refresh(batch)
            # With DEBUG on, each query's SQL is kept, and a batch's write holds all its
            # rendered pages: over an archive, gigabytes.
            reset_queries()
            self.stdout.write(f"Rendered {done} of {total} articles (up to id {last}).")
