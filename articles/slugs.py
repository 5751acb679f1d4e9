"""The one slug rule, for articles, authors, sections and tags, whatever made them (the
admin, an import, the demo).

Letters of Latin scripts are transliterated as readers spell them in an address
("Zoë Østergaard" → ``zoe-ostergaard``, "Łódź" → ``lodz``, "Nguyễn Thị Minh Khai" →
``nguyen-thi-minh-khai``) by python-slugify with text-unidecode, rather than a table of
our own. A name in another script (Japanese, Arabic, Cyrillic, Greek, Hebrew) keeps the
rule it always had: its Latin part, if any, and a short digest of the name, so that
distinct names keep distinct addresses ("東京 2020" → ``2020-1a2b3c4d``).

Slugs are only made for new rows: an existing address never changes.
"""

import hashlib
import unicodedata

from django.db import models
from django.utils.text import slugify as latin_letters_only
from slugify import slugify as transliterate


def slugify(text: str, max_length: int = 200) -> str:
    """The slug of ``text``: lowercase ASCII words joined by hyphens, at most
    ``max_length`` characters; "" when ``text`` has nothing to make one of."""
    text = text.strip()
    if _other_script(text):
        digest = hashlib.sha256(text.casefold().encode()).hexdigest()[:8]
        latin = latin_letters_only(text)[: max_length - 9].strip("-")
        return "-".join(filter(None, [latin, digest]))
    return transliterate(text, max_length=max_length, word_boundary=True)


def former_slug(text: str, max_length: int = 200) -> str:
    """The slug the rule before this one made of ``text`` (Django's slugify, which drops
    the letters it cannot decompose: "Zoë Østergaard" → ``zoe-stergaard``), so that an
    import finds the rows it made before."""
    if _other_script(text):
        return slugify(text, max_length)
    return latin_letters_only(text)[:max_length].strip("-")


def _other_script(text: str) -> bool:
    return any(c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") for c in text)


def free_slug(model: type[models.Model], text: str, fallback: str, max_length: int = 200) -> str:
    """A slug of ``text`` that no row of ``model`` has yet: ``-2``, ``-3``... added when
    needed."""
    base = slugify(text, max_length) or fallback
    candidate, n = base, 1
    while model._default_manager.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
