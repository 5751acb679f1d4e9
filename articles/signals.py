"""Signals of our own.

``content_changed`` is sent after writes that Django's model signals do not report:
``QuerySet.update``, ``delete`` and bulk writes of the models readers see (their
querysets are ``newsroom.signals.AnnouncingQuerySet``). Receivers (the page cache, the
edge cache) treat it like a save of the model given as sender, of the rows ``pks``.
"""

from newsroom.signals import content_changed

__all__ = ["content_changed"]
