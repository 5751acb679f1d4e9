"""Make the renditions of every photo in the library.

Renditions are derived files: after a change of specs, formats or quality, or to
backfill photos imported before they had any, this rebuilds them. By default each
photo's renditions are handed to the task workers (one task a photo); ``--now`` makes
them here instead, with progress. Every rendition is replaced unless ``--missing-only``
asks only for what each photo lacks. Each photo is done on its own, so a damaged file
is reported and the run goes on; running it again is always safe.
"""

from django.core.management.base import BaseCommand, CommandError

from ... import renditions
from ...models import Photo, RenditionsStatus
from ...tasks import schedule_renditions


class Command(BaseCommand):
    help = "Make (or remake) the renditions of library photos, with progress."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing-only",
            action="store_true",
            help="Only make renditions a photo lacks; keep existing ones.",
        )
        parser.add_argument(
            "--photo",
            type=int,
            action="append",
            dest="photos",
            help="Only this photo id (repeatable).",
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="Make them in this process, with progress, instead of by the workers.",
        )

    def handle(self, *args, missing_only=False, photos=None, now=False, **options):
        queryset = Photo.objects.exclude(image="").order_by("pk")
        if photos:
            queryset = queryset.filter(pk__in=photos)
        total = queryset.count()
        if not now:
            for photo in queryset.iterator(chunk_size=500):
                schedule_renditions(photo, replace=not missing_only)
            self.stdout.write(
                f"Asked the workers for the renditions of {total} photo(s); "
                "`manage.py task_queue` shows their progress."
            )
            return
        made = failed = 0
        for number, photo in enumerate(
            queryset.prefetch_related("renditions").iterator(chunk_size=100), start=1
        ):
            try:
                before = len(photo.renditions.all())
                if not missing_only:
                    renditions.delete_renditions(photo)
                    before = 0
                after = len(renditions.ensure_renditions(photo))
            except (OSError, ValueError) as exc:
                failed += 1
                self.stderr.write(f"[{number}/{total}] photo {photo.pk}: failed: {exc}")
                continue
            photo.renditions_status, photo.renditions_error = RenditionsStatus.READY, ""
            photo.save(update_fields=["renditions_status", "renditions_error"])
            made += after - before
            self.stdout.write(
                f"[{number}/{total}] photo {photo.pk}: {after - before} made, {after} in all"
            )
        self.stdout.write(f"Done: {total} photos, {made} renditions made, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} photo(s) could not be processed; see above.")
