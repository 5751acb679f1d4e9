"""The desk's part of the article admin, mixed into ``ArticleAdmin``: autosave and its
restore offer, the editor's direct publication, "Sent back" with the editor's comment,
and an editor's choice between updating a live story now and saving pending changes."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import mark_safe

from articles import workflow
from articles.models import Article, AuditEntry, Status

from .models import PENDING_FIELDS, Autosave, PendingChange

# The submit button that keeps an editor's changes to a live story aside.
PENDING_BUTTON = "_save_pending"


def last_action() -> Subquery:
    """The latest audit action of each article, for a list: one subquery per shown row."""
    latest = AuditEntry.objects.filter(article=OuterRef("pk")).order_by("-at", "-pk")
    return Subquery(latest.values("action")[:1])


def sent_back_entry(article: Article) -> AuditEntry | None:
    """The send-back the article is waiting on: its last step, while it is a draft."""
    if article.status != Status.DRAFT:
        return None
    last = article.audit_entries.select_related("actor").order_by("-at", "-pk").first()
    return last if last and last.action == "send_back" else None


class DeskArticleMixin(admin.ModelAdmin):
    class Media:
        js = ["desk/article_form.js"]
        css = {"all": ["desk/desk.css"]}

    # The list.

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_action=last_action())

    @admin.display(description="Status", ordering="status")
    def status_badge(self, article):
        if article.status == Status.DRAFT and getattr(article, "last_action", "") == "send_back":
            return mark_safe('<span class="status-badge status-sent-back">Sent back</span>')  # noqa: S308
        return super().status_badge(article)

    # The pages.

    def add_view(self, request, form_url="", extra_context=None):
        transitions = workflow.available_on_new(request.user)
        extra = {
            "transitions": transitions,
            "can_schedule": any(t.target == Status.PUBLISHED for t in transitions),
            **self._autosave_context(request, None),
            **(extra_context or {}),
        }
        return super().add_view(request, form_url, extra)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.GET.get("restore_autosave") and (saved := self._autosave(request, None)):
            initial.update(form_initial(saved.data))
        return initial

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if obj is not None and request.method == "GET":
            extra.update(self._desk_context(request, obj))
        return super().change_view(request, object_id, form_url, extra)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        # Around the article's own form template: the desk's notes above the form.
        response.template_name = ["desk/article_change_form.html"]
        return response

    def _workflow_context(self, request, obj):
        context = super()._workflow_context(request, obj)
        context["can_schedule"] = any(t.target == Status.PUBLISHED for t in context["transitions"])
        return context

    def _desk_context(self, request, obj: Article) -> dict[str, Any]:
        context: dict[str, Any] = {"sent_back": sent_back_entry(obj)}
        context.update(self._autosave_context(request, obj))
        pending = PendingChange.objects.filter(article=obj).select_related("saved_by").first()
        context["pending"] = pending
        restore = None
        if request.GET.get("restore_autosave") and context["autosave"]:
            restore = form_initial(context["autosave"].data)
        elif pending is not None:
            # The form shows the pending text, so editing goes on from it.
            restore = {
                Article._meta.get_field(attname).name: value
                for attname, value in pending.values.items()
            }
        if restore:
            request.restore_initial = {
                **(getattr(request, "restore_initial", None) or {}),
                **restore,
            }
        context["can_save_pending"] = obj.status == Status.PUBLISHED and workflow.is_editor(
            request.user
        )
        return context

    def _autosave(self, request, obj: Article | None) -> Autosave | None:
        return Autosave.objects.filter(user=request.user, article=obj).first()

    def _autosave_context(self, request, obj: Article | None) -> dict[str, Any]:
        saved = self._autosave(request, obj)
        offered = saved if saved and saved.is_newer_than(obj) else None
        key = obj.pk if obj else "new"
        return {
            "autosave": offered,
            "autosave_url": reverse("desk:autosave", args=[key]),
            "autosave_discard_url": reverse("desk:autosave_discard", args=[key]),
            "restoring_autosave": bool(offered and request.GET.get("restore_autosave")),
        }

    # Saving.

    def _saving_pending(self, request, obj) -> bool:
        return (
            PENDING_BUTTON in request.POST
            and obj.pk is not None
            and obj.status == Status.PUBLISHED
            and workflow.is_editor(request.user)
        )

    def save_model(self, request, obj, form, change):
        if self._saving_pending(request, obj):
            self._save_pending(request, obj)
            return
        super().save_model(request, obj, form, change)
        Autosave.objects.filter(user=request.user, article=obj if change else None).delete()
        if change:
            # The form showed the pending text: "Update now" published it.
            PendingChange.objects.filter(article=obj).delete()

    def _save_pending(self, request, obj: Article) -> None:
        live = Article.objects.get(pk=obj.pk)
        values = PendingChange.values_from(obj, changed_from(live, obj))
        request.desk_pending = True
        if not values:
            PendingChange.objects.filter(article=live).delete()
            return
        pending, _ = PendingChange.objects.update_or_create(
            article=live,
            defaults={"values": values, "base_version": live.version, "saved_by": request.user},
        )
        workflow.record(
            live,
            "pending_changes",
            by=request.user,
            comment="Pending changes saved: " + ", ".join(pending.field_names()) + ".",
        )
        Autosave.objects.filter(user=request.user, article=live).delete()

    def save_related(self, request, form, formsets, change):
        if getattr(request, "desk_pending", False):
            return  # bylines, tags and workflow steps change only on the live story
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "desk_pending", False):
            return []  # nothing of the live story (nor its inlines) was saved
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if getattr(request, "desk_pending", False):
            return None  # the live story did not change; the audit trail says what did
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "desk_pending", False):
            messages.success(
                request,
                "Saved as pending changes: readers see the published version until you "
                "publish them.",
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_change(request, obj)


def changed_from(live: Article, edited: Article) -> list[str]:
    """The pending-able field names whose value in ``edited`` differs from ``live``."""
    fields = [Article._meta.get_field(name) for name in PENDING_FIELDS]
    return [f.name for f in fields if f.value_from_object(edited) != f.value_from_object(live)]


def form_initial(data: dict[str, Any]) -> dict[str, Any]:
    """Autosaved form data (input name → value or values) as the article form's initial
    values: the article's own fields only (inline rows and split dates are not offered)."""
    from articles.forms import ArticleAdminForm

    names = set(ArticleAdminForm.Meta.fields) - {"published_at"}
    return {name: value for name, value in data.items() if name in names}
