"""Where a photo is used.

The photo library knows nothing of the apps that show its photos; each of them says
here how to find the objects that use one (``register``), and who may change a photo
shown in one of them (``register_rule``), in its ``AppConfig.ready``.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

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


# Whether a user may change a photo, as shown in one object: the app showing it decides,
# since a change to the photo is a change to every page showing it.
Rule = Callable[[Any, Model], bool]

_rules: dict[type[Model], Rule] = {}


def register_rule(model: type[Model], rule: Rule) -> Rule:
    """Have ``rule(user, obj)`` say whether ``user`` may change a photo ``obj`` shows, for
    objects of ``model`` (and its subclasses)."""
    _rules[model] = rule
    return rule


def _allows(user: Any, used: Model) -> bool:
    for model in type(used).__mro__:
        if model in _rules:
            return _rules[model](user, used)
    # An app that said nothing: those who may change the object may change its photo.
    opts = used._meta
    return bool(user.has_perm(f"{opts.app_label}.change_{opts.model_name}"))


def refusing_uses(user: Any, photo: "Photo") -> list[Model]:
    """The objects showing ``photo`` in which ``user`` may not change it (none: they may)."""
    if photo.pk is None:
        return []
    return [used for used in uses_of(photo) if not _allows(user, used)]
