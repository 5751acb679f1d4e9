"""Readable differences between two saved revisions of an article, and what restoring takes.

Only the editorial fields are compared and restored. Status, dates and the version are
the workflow's: a restore is an ordinary save through the change form, so it passes the
same permission, lock and audit checks as typing the old text back in.
"""

import difflib
import re

from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe

from photos.models import Photo

from ..models import Article, Author, Byline, Section, Tag

# (field name, label), in the order the change form shows them.
EDITORIAL = [
    ("headline", "Headline"),
    ("slug", "Slug"),
    ("dek", "Standfirst"),
    ("section", "Section"),
    ("tags", "Tags"),
    ("body", "Body"),
    ("lead_photo", "Lead photo"),
    ("lead_caption", "Lead caption"),
    ("lead_alt", "Lead alt text"),
    ("seo_title", "SEO title"),
    ("seo_description", "SEO description"),
    ("canonical_url", "Canonical URL"),
    ("noindex", "No index"),
]

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figure|figcaption)>|<br\s*/?>", re.I)


def restorable(version):
    """Form initial data for the editorial fields as they were in ``version``."""
    stored = version.field_dict
    initial = {}
    for name, _ in EDITORIAL:
        attname = Article._meta.get_field(name).attname
        if attname in stored:
            initial[name] = stored[attname]
    if "tags" in initial:
        initial["tags"] = [int(pk) for pk in initial["tags"]]
    return initial


def readable(version):
    """The editorial fields of ``version`` as plain text, for comparing."""
    stored = version.field_dict
    text = {}
    for name, _ in EDITORIAL:
        value = stored.get(Article._meta.get_field(name).attname)
        if name == "body":
            value = strip_tags(_BLOCK_END.sub("\n", value or "")).strip()
        elif name == "section":
            value = str(Section.objects.filter(pk=value).first() or "")
        elif name == "lead_photo":
            value = str(Photo.objects.filter(pk=value).first() or "") if value else ""
        elif name == "tags":
            value = ", ".join(Tag.objects.filter(pk__in=value or []).values_list("name", flat=True))
        text[name] = "" if value is None else str(value)
    text["bylines"] = bylines(version)
    return text


def bylines(version):
    ours = [v for v in version.revision.version_set.all() if v._model is Byline]
    rows = sorted((v.field_dict for v in ours), key=lambda d: d["position"])
    names = Author.objects.in_bulk([r["author_id"] for r in rows])
    return ", ".join(
        f"{names[r['author_id']].name if r['author_id'] in names else '?'} ({r['role']})"
        for r in rows
    )


def word_diff(old, new):
    """HTML marking words removed (<del>) and added (<ins>), line breaks kept."""
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(parts))  # noqa: S308  every part was escaped above


def compare(older, newer):
    """Rows of (label, html diff) for the fields that differ between two versions."""
    a, b = readable(older), readable(newer)
    labels = [*EDITORIAL, ("bylines", "Bylines")]
    return [(label, word_diff(a[name], b[name])) for name, label in labels if a[name] != b[name]]
