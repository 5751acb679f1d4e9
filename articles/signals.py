"""Signals of our own.

``content_changed`` is sent after writes that Django's model signals do not report:
``QuerySet.update``, ``delete`` and bulk writes on articles. Receivers (the page cache)
treat it like a save of the model given as sender.
"""

from django.dispatch import Signal

content_changed = Signal()
