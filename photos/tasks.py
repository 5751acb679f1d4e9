"""The photo library's background work: making a photo's renditions.

An upload stores the checked original and makes one preview rendition while the editor
waits (:func:`make_preview`); everything else is made here, by a worker. Making them is
idempotent per photo and spec, so a task killed mid-way and run again ends the same.
"""

import logging

from django_tasks import TaskContext, task

from background.queueing import enqueue_on_commit
from background.retries import retry_later

from . import renditions
from .models import Photo, RenditionsStatus

logger = logging.getLogger(__name__)

# What can go wrong with a file Pillow opened at upload: truncation, a full disk.
RENDITION_ERRORS = (OSError, ValueError, SyntaxError)


def schedule_renditions(photo: Photo, *, replace: bool = False) -> None:
    """Mark ``photo``'s renditions pending and have a worker make them after commit
    (all of them anew with ``replace``, else those it lacks)."""
    if not photo.image:
        return
    Photo.objects.filter(pk=photo.pk).update(
        renditions_status=RenditionsStatus.PENDING, renditions_error=""
    )
    photo.renditions_status, photo.renditions_error = RenditionsStatus.PENDING, ""
    enqueue_on_commit(make_renditions, photo.pk, replace=replace)


def make_preview(photo: Photo) -> None:
    """The one small rendition readers and the admin see until the others are made.

    A failure here is no reason to refuse the upload: the task will meet it again and
    report it, and pages show the original meanwhile.
    """
    try:
        renditions.ensure_renditions(photo, [renditions.preview_spec(photo)])
    except RENDITION_ERRORS:
        logger.exception("Preview rendition of photo %s failed", photo.pk)
    finally:
        renditions.release_memory()


@task(takes_context=True)
def make_renditions(
    context: TaskContext, photo_id: int, replace: bool = False, attempt: int = 1
) -> int:
    """Make every rendition ``photo_id`` lacks (every one anew with ``replace``); how many
    it has now."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or not photo.image:
        return 0  # deleted, or its file removed, since the task was asked for
    try:
        if replace:
            renditions.delete_renditions(photo)
        made = renditions.ensure_renditions(photo)
    except RENDITION_ERRORS as error:
        renditions.release_memory()
        # A retry only adds what is missing: what this attempt made is good.
        if not retry_later(context, attempt, photo_id):
            photo.renditions_status = RenditionsStatus.FAILED
            photo.renditions_error = f"{type(error).__name__}: {error}"
            photo.save(update_fields=["renditions_status", "renditions_error"])
        raise
    count = len(made)
    del made  # the renditions hold no pixels, but let nothing of this photo outlive it
    renditions.release_memory()
    # Saved, not updated: the save tells the page cache that the photo's pages changed.
    photo.renditions_status, photo.renditions_error = RenditionsStatus.READY, ""
    photo.save(update_fields=["renditions_status", "renditions_error"])
    return count
