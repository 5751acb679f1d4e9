"""The admin's article form: the content, plus what a save needs to be safe.

Besides the model's fields it carries the version the form was loaded with (for the
optimistic lock), the transition button pressed with its comment and time, and the
"substantive update" tick. Status and workflow dates are never form fields: they change
only through ``workflow.transition()``.
"""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime

from . import richtext, workflow
from .editor import BodyEditorWidget
from .models import Article


class ArticleAdminForm(forms.ModelForm):
    # Set by ArticleAdmin.get_form for the request at hand; restore_initial holds an old
    # revision's editorial fields when the form is opened to restore it.
    user = None
    restore_initial = None

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    substantive_update = forms.BooleanField(
        required=False,
        label="Substantive update",
        help_text='Shows readers an "Updated" date. Leave unticked for a typo fix.',
    )
    workflow_comment = forms.CharField(
        required=False,
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Required to send back, unpublish or take down; kept in the history.",
    )
    publish_at = forms.SplitDateTimeField(
        required=False,
        label="Publish at",
        widget=AdminSplitDateTime,
        help_text="Leave empty to publish now; a future time schedules the article.",
    )

    class Meta:
        model = Article
        # An allow-list: status, the version and the bookkeeping fields are never posted.
        fields = [
            "headline",
            "slug",
            "dek",
            "section",
            "tags",
            "body",
            "lead_photo",
            "lead_caption",
            "lead_alt",
            "published_at",
            "seo_title",
            "seo_description",
            "canonical_url",
            "noindex",
            "source",
            "external_id",
        ]
        widgets = {"body": BodyEditorWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].required = True
            if not self.is_bound:
                self.initial["loaded_version"] = self.instance.version
                self.initial.update(self.restore_initial or {})

    def transition_name(self):
        """The workflow button pressed, if any (its name is ``_transition``)."""
        return self.data.get("_transition") or None

    def clean_body(self):
        # Article.save() sanitises again; here a body too deep or too large becomes a
        # message beside the field instead of a failed save.
        body = self.cleaned_data.get("body") or ""
        try:
            richtext.sanitize(body)
        except richtext.BodyRejected as error:
            raise forms.ValidationError(str(error)) from error
        return body

    def clean(self):
        cleaned = super().clean()
        self.check_version()
        name = self.transition_name()
        if name:
            self.check_transition(name, cleaned)
        return cleaned

    def check_version(self):
        """Refuse early, with the user's input kept, when someone saved in between.

        This read is only for a friendly message; the guarantee is the conditional
        UPDATE in ``workflow.claim_edit`` at save time.
        """
        if not self.instance.pk:
            return
        loaded = self.cleaned_data.get("loaded_version")
        current = Article.objects.select_related("last_saved_by").get(pk=self.instance.pk)
        if loaded is None or loaded == current.version:
            return
        stale = workflow.StaleEdit(current)
        self.stale = stale
        # The form re-renders with the current version: saving again, after comparing,
        # knowingly replaces the other person's version with this one.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = current.version
        raise forms.ValidationError(
            f"Not saved: {stale} Your changes are still in the form below; nothing was "
            f"overwritten. Compare with their version (open the article in another tab or "
            f"see History), then save again to replace it with yours.",
            code="stale",
        )

    def check_transition(self, name, cleaned):
        t = workflow.TRANSITIONS.get(name)
        if t is None:
            raise forms.ValidationError("Unknown workflow step.", code="transition")
        if self.instance.pk:
            allowed = workflow.may(self.user, self.instance, name)
        else:
            # A new article is a draft its creator may submit straight away.
            allowed = name == "submit" and self.user.has_perm("articles.add_article")
        if not allowed:
            raise forms.ValidationError(
                f"You may not {t.label.lower()} this article now.", code="transition"
            )
        if t.needs_comment and not (cleaned.get("workflow_comment") or "").strip():
            self.add_error("workflow_comment", f"{t.label} needs a comment saying why.")
        if cleaned.get("publish_at") and name != "publish":
            self.add_error("publish_at", "A publication time goes with Publish only.")
