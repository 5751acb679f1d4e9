"""An article's saved revisions: what a snapshot holds, the history, comparing two
revisions and restoring one.

Only the editorial fields are compared and restored. Status, dates and the version are
the workflow's: a restore is an ordinary save through the change form, so it passes the
same permission, lock and audit checks as typing the old text back in.
"""

import difflib
import re

import reversion
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from reversion.models import Version

from photos.models import Photo

from ..models import Article, Author, Byline, Section, Tag

# Bylines are saved with each snapshot; corrections and the audit trail are not, so a
# restore can never remove a public correction or a line of history.
reversion.register(Byline)
reversion.register(Article, follow=["bylines"])

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


class RevisionsMixin(admin.ModelAdmin):
    """The article admin's history, compare and restore pages (on django-reversion's)."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        versions = list(
            Version.objects.get_for_object(obj).select_related("revision__user").order_by("-pk")
        )
        rows = [
            {"version": v, "previous": versions[i + 1] if i + 1 < len(versions) else None}
            for i, v in enumerate(versions)
        ]
        extra = {
            "revisions": rows,
            "audit_entries": obj.audit_entries.select_related("actor"),
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra)

    def compare_view(self, request, object_id, older, newer):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        a = get_object_or_404(versions, pk=older)
        b = get_object_or_404(versions, pk=newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"Changes to “{obj}”",
            "older": a,
            "newer": b,
            "rows": compare(a, b),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore: the change form filled with an old revision's editorial fields.

        Nothing is written until the user saves, and that save is an ordinary one (to the
        normal change URL, against the current version). Status is never restored.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        if request.method != "GET":
            raise PermissionDenied  # restoring saves through the change form, never here
        request.restore_initial = restorable(version)
        when = timezone.localtime(version.revision.date_created)
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        context = {
            "restoring": version,
            "title": f"Restore “{obj}” as saved {when:%Y-%m-%d %H:%M}",
            **(extra_context or {}),
        }
        return self.change_view(request, object_id, change_url, context)

    def recover_view(self, request, version_id, extra_context=None):
        # Recovering a deleted article would bring back its old status without a
        # transition; articles are taken down, not deleted, in normal work.
        raise PermissionDenied

    def recoverlist_view(self, request, extra_context=None):
        raise PermissionDenied
