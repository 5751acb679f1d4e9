"""The article's add and change pages: what the form shows to whom, and the save flow.

The form class itself is ``articles.forms.ArticleAdminForm``. A save is guarded by the
optimistic version lock (``workflow.claim_edit``); what it changes of the dates readers
see is audited by ``workflow.record_edit``; a workflow button pressed with it goes
through ``workflow.transition()`` once the content and the inlines are saved.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from photos import renditions

from .. import workflow
from ..models import Byline, Correction, Status
from ..richtext import embedded_photo_ids, expand_embeds

# Form fields that are not the article's content: a change message never names them.
FORM_ONLY_FIELDS = {"loaded_version", "substantive_update", "workflow_comment", "publish_at"}


class BylineForm(forms.ModelForm):
    class Meta:
        model = Byline
        fields = ["position", "author", "role"]
        # Numbered by the page's script from the rows' order, and by the server when a
        # post has none: never typed.
        widgets = {"position": forms.HiddenInput(attrs={"data-byline-position": ""})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False

    def has_changed(self):
        # The page numbers every row, the empty "Add another" one included: a number
        # alone does not make a row worth saving (or an existing one changed).
        return any(name != "position" for name in self.changed_data)


class BylineFormSet(BaseInlineFormSet):
    """Bylines saved in the order the form shows them, numbered 0, 1, 2...

    The rows' posted positions only say their order; a row without one keeps its place
    in the form. Numbers are given afresh on every save, so adding, removing and
    reordering never collide on the (article, position) constraint.
    """

    def kept_forms(self):
        forms_ = [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and form.cleaned_data
            and (form.instance.pk or form.has_changed())
        ]

        def place(indexed):
            index, form = indexed
            posted = form.cleaned_data.get("position")
            return (posted if posted is not None else index, index)

        return [form for _, form in sorted(enumerate(forms_), key=place)]

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        super().save(commit=False)  # fills deleted_objects, sets the article on new rows
        for byline in self.deleted_objects:
            byline.delete()
        kept = self.kept_forms()
        # Out of the way first: a row taking a place another still holds would collide.
        Byline.objects.filter(article=self.instance).update(position=F("position") + 1000)
        for position, form in enumerate(kept):
            form.instance.article = self.instance
            form.instance.position = position
            form.instance.save()
        return [form.instance for form in kept]


class BylineInline(admin.TabularInline):
    model = Byline
    form = BylineForm
    formset = BylineFormSet
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author", "role"]

    class Media:
        js = ["admin/byline-order.js"]


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    verbose_name_plural = "Corrections (dated, shown to readers)"


class ChangeFormMixin(admin.ModelAdmin):
    """The article admin's add and change pages, and saving them."""

    def get_readonly_fields(self, request, obj=None):
        fields = [*self.workflow_fields, "body_text"]
        if not workflow.is_editor(request.user):
            fields.append("published_at")  # writers never set publication dates
        return fields

    def get_fieldsets(self, request, obj=None):
        publication = ["status", "first_published_at", "substantive_update_at"]
        if obj is not None and obj.status not in (Status.DRAFT, Status.REVIEW):
            # Before publication the one date is "Publish at", beside the Publish button:
            # a second date field here was ignored by "Publish now".
            publication.insert(1, "published_at")
        if obj and obj.status == Status.PUBLISHED and workflow.is_editor(request.user):
            publication.append("substantive_update")
        # Someone who may only read the article reads its body as readers will.
        editable = obj is None or workflow.may_edit(request.user, obj)
        content = ["headline", "slug", "dek", "section", "tags"]
        content += ["new_tags", "body"] if editable else ["body_text"]
        return [
            (None, {"fields": content}),
            ("Lead photo", {"fields": ["lead_photo", "lead_caption", "lead_alt"]}),
            ("Publication", {"fields": publication}),
            (
                "Search engines",
                {
                    "classes": ["collapse"],
                    "fields": ["seo_title", "seo_description", "canonical_url", "noindex"],
                },
            ),
            ("Import", {"classes": ["collapse"], "fields": ["source", "external_id"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        restore = getattr(request, "restore_initial", None)
        return type(form.__name__, (form,), {"user": request.user, "restore_initial": restore})

    @admin.display(description="Body")
    def body_text(self, article):
        """The body as readers see it: photos expanded, subheads as the site draws them."""
        ids = embedded_photo_ids(article.body)
        body = expand_embeds(article.body, renditions.photos_with_renditions(ids) if ids else {})
        return format_html('<div class="article-body-read">{}</div>', body)

    # The pages.

    def add_view(self, request, form_url="", extra_context=None):
        submit = workflow.TRANSITIONS["submit"]
        extra = {"transitions": [submit], **(extra_context or {})}
        return super().add_view(request, form_url, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if obj is not None:
            extra.update(self._workflow_context(request, obj))
        return super().change_view(request, object_id, form_url, extra)

    def construct_change_message(self, request, form, formsets, add=False):
        """The revision note in words: the fields' labels, never the form's own fields."""
        changed = [name for name in form.changed_data if name not in FORM_ONLY_FIELDS]
        if form.changed_data != changed:
            form.changed_data[:] = changed  # changed_data is a cached list
        return super().construct_change_message(request, form, formsets, add)

    def _workflow_context(self, request, obj):
        transitions = workflow.available(request.user, obj)
        return {
            "transitions": transitions,
            "needs_comment": any(t.needs_comment for t in transitions),
            "can_schedule": any(t.name == "publish" for t in transitions),
            "audit_entries": obj.audit_entries.select_related("actor"),
            "preview_url": reverse("articles:preview", args=[obj.pk])
            if workflow.may_read(request.user, obj)
            else None,
            "is_scheduled": obj.is_scheduled,
        }

    # Saving.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.StaleEdit:
            # Another save committed between the form's check and ours: the view's
            # transaction rolled back, so nothing was written. Rendering again lets the
            # form's check name who saved, with this user's input kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        user = request.user
        if change:
            workflow.claim_edit(obj, expected_version=form.cleaned_data["loaded_version"], by=user)
            # Before the save, which stores the "updated" date record_edit may set.
            workflow.record_edit(
                obj,
                by=user,
                previous={name: form.initial.get(name) for name in form.changed_data},
                substantive=bool(form.cleaned_data.get("substantive_update")),
            )
        else:
            obj.created_by = user
            obj.last_saved_by = user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if typed := form.typed_tags():
            form.instance.tags.add(*typed)
        name = form.transition_name()
        if not name:
            return
        try:
            workflow.transition(
                form.instance,
                name,
                by=request.user,
                comment=form.cleaned_data.get("workflow_comment", ""),
                at=form.cleaned_data.get("publish_at"),
            )
        except (PermissionDenied, workflow.TransitionError, ValueError) as refusal:
            messages.error(request, f"Saved, but not moved on: {refusal}")
        else:
            request.workflow_done = workflow.TRANSITIONS[name]

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_transition(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._after_transition(request, obj) or super().response_change(request, obj)

    def _after_transition(self, request, obj):
        done = getattr(request, "workflow_done", None)
        if done is None:
            return None
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at)
            text = f"Scheduled “{obj}” for {when:%Y-%m-%d %H:%M %Z}."
        else:
            text = f"{done.label}: “{obj}” is now {obj.get_status_display().lower()}."
        messages.success(request, text)
        # Informs, never blocks: a photo without alt text or credit is for the desk to fix.
        if obj.status in (Status.REVIEW, Status.PUBLISHED) and (gaps := obj.photo_gaps()):
            messages.warning(request, "Before readers see it: " + "; ".join(gaps) + ".")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
