"""The fronts: the home page's lead and top stories and each section's top, as editors
pin them, falling back to the newest stories.

Pins are a change readers see: every write of a pin names the front's pages
(``articles.edge.touched``), which leave the page cache and the edge when it commits;
again when a pin's time runs out.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tasks import task

from articles import edge
from articles.models import Section
from articles.workflow import Actor

from .models import Pin


def pinned_ids(section: Section | None, now: datetime | None = None) -> list[int]:
    """The ids of the stories pinned on a front now, in the editors' order: one query."""
    return list(Pin.objects.current(now).of_front(section).values_list("article_id", flat=True))


def pinned_first(newest: Sequence[int], section: Section | None) -> list[int]:
    """The first page of a front: the pinned stories, then the newest of the rest, as
    many as ``newest`` holds."""
    pinned = pinned_ids(section)
    if not pinned:
        return list(newest)
    rest = [pk for pk in newest if pk not in pinned]
    return (pinned + rest)[: max(len(newest), len(pinned))]


def front_keys(section_id: int | None) -> list[str]:
    """The edge keys of the pages a front's pins change."""
    return ["home"] if section_id is None else [f"section-{section_id}-list"]


@transaction.atomic
def set_pins(
    section: Section | None, article_ids: Sequence[int], *, until: datetime | None, by: Actor
) -> list[Pin]:
    """Make ``article_ids`` (published stories, in order) the pins of a front."""
    Pin.objects.filter(section=section).delete()
    now = timezone.now()
    pins = [
        Pin.objects.create(
            section=section,
            article_id=pk,
            position=i,
            until=until,
            pinned_by=by if by and by.is_authenticated else None,
            pinned_at=now,
        )
        for i, pk in enumerate(article_ids)
    ]
    if until is not None:
        section_id = section.pk if section else None
        transaction.on_commit(lambda: _expire_later(section_id, until))
    return pins


def changed(section_id: int | None) -> None:
    """A front changed: its pages leave the page cache and the edge once this commits."""
    edge.touched(keys=front_keys(section_id))


def _expire_later(section_id: int | None, until: datetime) -> None:
    # Nothing writes when a pin runs out: a task at that time tells the caches.
    front_expired.using(run_after=until).enqueue(section_id)


@task()
def front_expired(section_id: int | None) -> None:
    """A pin's time ran out: readers get the newest stories again."""
    changed(section_id)


def _pin_written(sender, instance, **kwargs):
    changed(instance.section_id)


def connect_signals() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_pin_written, sender=Pin, dispatch_uid=f"desk-pin-{signal}")
