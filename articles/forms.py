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
from .models import Article, Author, Status, Tag
from .slugs import free_slug

# Where search results and social cards cut text off: Google shows about 60 characters
# of a title and 155-160 of a description; a headline over about 70 is cut in results
# and card previews when it stands in for the title.
HEADLINE_LIMIT = 70
SEO_TITLE_LIMIT = 60
SEO_DESCRIPTION_LIMIT = 160


def counted(limit, **attrs):
    """Attributes for a text field whose length the page counts against ``limit``."""
    return {"data-counter-limit": str(limit), **attrs}


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
    new_tags = forms.CharField(
        required=False,
        label="New tags",
        max_length=500,
        widget=forms.TextInput(attrs={"class": "vTextField", "placeholder": "budget, housing"}),
        help_text="Type tags separated by commas; ones that do not exist yet are created.",
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
        widgets = {
            "body": BodyEditorWidget,
            "headline": forms.TextInput(
                attrs=counted(HEADLINE_LIMIT, **{"class": "vTextField headline-field"})
            ),
            "seo_title": forms.TextInput(attrs=counted(SEO_TITLE_LIMIT, **{"class": "vTextField"})),
            "seo_description": forms.Textarea(
                attrs=counted(SEO_DESCRIPTION_LIMIT, rows=3, cols=60)
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Left empty, Article.save() makes it from the headline; a taken one gets -2.
            self.fields["slug"].required = False
        if self.instance.pk:
            self.fields["loaded_version"].required = True
            if not self.is_bound:
                self.initial["loaded_version"] = self.instance.version
                self.initial.update(self.restore_initial or {})

    def transition_name(self):
        """The workflow button pressed, if any (its name is ``_transition``)."""
        return self.data.get("_transition") or None

    def clean_slug(self):
        """A slug another article has becomes the next free one (``-2``), never an error."""
        slug = self.cleaned_data.get("slug") or ""
        if not slug or slug == self.instance.slug:
            return slug
        if Article.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            return free_slug(Article, slug, "untitled", 200)
        return slug

    def clean_published_at(self):
        value = self.cleaned_data.get("published_at")
        if (
            value is None
            and self.instance.pk
            and self.instance.status
            in (
                Status.PUBLISHED,
                Status.ARCHIVED,
            )
        ):
            raise forms.ValidationError(
                "A published article always has a publication date. To take it off the "
                "site, use Unpublish or Take down.",
                code="required",
            )
        return value

    def clean_lead_photo(self):
        photo = self.cleaned_data.get("lead_photo")
        if photo is not None and photo.is_pending:
            raise forms.ValidationError(
                f"“{photo}” has no file yet: upload its file in the photo library first, "
                "or choose another photo.",
                code="pending",
            )
        return photo

    def typed_tags(self):
        """The tags typed into "New tags": existing ones by name, whatever the case, and
        new ones made (``Tag.save()`` gives them their slug)."""
        names = [n.strip()[:100] for n in (self.cleaned_data.get("new_tags") or "").split(",")]
        tags = []
        for name in dict.fromkeys(n for n in names if n):
            tag = Tag.objects.filter(name__iexact=name).first()
            tags.append(tag or Tag.objects.create(name=name))
        return tags

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
        self.check_section(cleaned)
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

    def check_section(self, cleaned):
        """Only a draft may be saved without a section (``workflow.section_needed``)."""
        if "section" not in self.fields or cleaned.get("section") or "section" in self.errors:
            return
        if self.instance.pk and self.instance.status != Status.DRAFT:
            self.add_error(
                "section",
                "A story in review, published or taken down keeps a section: choose one.",
            )

    def check_transition(self, name, cleaned):
        t = workflow.TRANSITIONS.get(name)
        if t is None:
            raise forms.ValidationError("Unknown workflow step.", code="transition")
        if self.instance.pk:
            allowed = workflow.may(self.user, self.instance, name)
        else:
            # A new article is a draft its creator may submit (an editor: publish) at once.
            allowed = workflow.may_start(self.user, name)
        if not allowed:
            raise forms.ValidationError(
                f"You may not {t.label.lower()} this article now.", code="transition"
            )
        needs_section = workflow.section_needed(t)
        if needs_section and not cleaned.get("section") and "section" not in self.errors:
            self.add_error("section", needs_section)
        if t.needs_comment and not (cleaned.get("workflow_comment") or "").strip():
            self.add_error("workflow_comment", f"{t.label} needs a comment saying why.")
        if cleaned.get("publish_at") and t.target != "published":
            self.add_error("publish_at", "A publication time goes with Publish only.")


class SocialLinksField(forms.CharField):
    """Profile addresses, one per line, stored as the list ``Author.social_links`` holds."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60, "placeholder": "https://"})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        lines = [line.strip() for line in (super().to_python(value) or "").splitlines()]
        return [line for line in lines if line]

    def validate(self, value):
        check = forms.URLField(assume_scheme="https")
        for line in value:
            try:
                check.clean(line)
            except forms.ValidationError as error:
                raise forms.ValidationError(f"“{line}” is not a web address.") from error


class AuthorForm(forms.ModelForm):
    social_links = SocialLinksField(
        required=False,
        label="Social links",
        help_text="One profile address per line (X, Mastodon, LinkedIn...).",
    )

    class Meta:
        model = Author
        fields = [
            "name",
            "slug",
            "title",
            "bio",
            "photo",
            "email",
            "website",
            "social_links",
            "user",
        ]
