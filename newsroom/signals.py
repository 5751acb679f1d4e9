"""Writes that Django's model signals do not report, announced for the caches.

``QuerySet.update`` and the bulk writes send no ``post_save``; a model whose rows are
shown to readers uses :class:`AnnouncingQuerySet` (``objects =
AnnouncingQuerySet["Model"].as_manager()``) so that every write path is heard.
``content_changed`` is sent with the model as sender and ``pks``: the rows written, or
None when they were not read (no edge cache is set, so no one needs them). The page
cache and the edge cache (``articles``) listen; the apps sending it (``photos``) need
know nothing of them.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.dispatch import Signal

content_changed = Signal()

M = TypeVar("M", bound=models.Model)


class AnnouncingQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        # The rows, read before the write changes what the filter matches: the edge cache
        # purges exactly their pages. Only read when an edge is set.
        pks = list(self.values_list("pk", flat=True)) if settings.EDGE_CACHE_URL else None
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
