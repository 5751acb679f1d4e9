"""Writes that Django's model signals do not report, announced for the caches.

``QuerySet.update`` and the bulk writes send no ``post_save``; a model whose rows are
shown to readers uses :class:`AnnouncingQuerySet` (``objects =
AnnouncingQuerySet["Model"].as_manager()``) so that every write path is heard.
``content_changed`` is sent with the model as sender and ``pks``: the rows written (an
empty list for deletes, whose rows ``post_delete`` reported). ``articles.edge`` listens
(the stored article parts, the page cache and the edge cache follow from it); the apps
sending it (``photos``) need know nothing of it.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.dispatch import Signal

content_changed = Signal()

M = TypeVar("M", bound=models.Model)


class AnnouncingQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        # The rows, read before the write changes what the filter matches: exactly their
        # pages are rendered anew and dropped from the caches.
        pks = list(self.values_list("pk", flat=True))
        rows = super().update(**kwargs)
        content_changed.send(sender=self.model, pks=pks)
        return rows

    def delete(self) -> tuple[int, dict[str, int]]:
        result = super().delete()
        # Each deleted row was reported by post_delete already; this reports the write.
        content_changed.send(sender=self.model, pks=[])
        return result

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        created = super().bulk_create(objs, *args, **kwargs)
        content_changed.send(sender=self.model, pks=[obj.pk for obj in created if obj.pk])
        return created

    def bulk_update(
        self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs = list(objs)
        rows = super().bulk_update(objs, fields, batch_size=batch_size)
        content_changed.send(sender=self.model, pks=[obj.pk for obj in objs])
        return rows
