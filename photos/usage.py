"""Where a photo is used.

The photo library knows nothing of the apps that show its photos; each of them says
here how to find the objects that use one (``register``), in its ``AppConfig.ready``.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db.models import Model

if TYPE_CHECKING:
    from .models import Photo

Finder = Callable[["Photo"], Iterable[Model]]

_finders: list[Finder] = []


def register(finder: Finder) -> Finder:
    """Add ``finder``, a callable from a photo to the objects showing it."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def uses_of(photo: "Photo") -> list[Model]:
    """Every object any app says shows ``photo``."""
    return [used for finder in _finders for used in finder(photo)]
