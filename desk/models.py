"""The desk's own rows: a writer's autosaved form, an editor's front-page pins and the
pending changes of a live story. None of them is shown to readers by itself."""

from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Section


class Autosave(models.Model):
    """What one user last typed into one article's form (``article`` None: a new article).

    Not a revision and not the article: it is offered back when the form opens again,
    and forgotten when the article is saved or the offer is discarded.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE)
    # The form's fields by their input names, as the browser would post them.
    data = models.JSONField(default=dict)
    # The article's version the typing started from.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="autosave_one_per_user_article",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="autosave_one_new_per_user"
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.article_id or 'a new article'} by {self.user_id}"

    def is_newer_than(self, article: Article | None) -> bool:
        """Whether this autosave holds typing the article has not had since."""
        if article is None:
            return True
        return self.saved_at > article.updated_at


class PinQuerySet(models.QuerySet["Pin"]):
    def current(self, now: datetime | None = None) -> "PinQuerySet":
        """Pins in force: not expired, of a story readers may see now."""
        now = now or timezone.now()
        return self.filter(
            Q(until__isnull=True) | Q(until__gt=now),
            article__in=Article.objects.published(now).values("pk"),
        )

    def of_front(self, section: Section | None) -> "PinQuerySet":
        """The home page's pins (``section`` None) or a section's, in their order."""
        return self.filter(section=section).order_by("position", "pk")


class Pin(models.Model):
    """An editor's choice for a front: the home page (no section) or a section's top.

    The first of the home page is its lead story. Past ``until`` the pin no longer
    counts and the front falls back to the newest stories.
    """

    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    until = models.DateTimeField(null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pinned_at = models.DateTimeField(default=timezone.now)

    objects = PinQuerySet.as_manager()

    class Meta:
        ordering = ["section_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "article"],
                condition=Q(section__isnull=False),
                name="pin_once_per_section",
            ),
            models.UniqueConstraint(
                fields=["article"], condition=Q(section__isnull=True), name="pin_once_on_home"
            ),
        ]

    def __str__(self):
        return f"{self.article_id} at {self.position} on {self.section_id or 'home'}"


# The article fields a pending change may hold: the text and its presentation. Bylines,
# tags, dates and status change only on the live article.
PENDING_FIELDS = (
    "headline",
    "dek",
    "body",
    "section",
    "lead_photo",
    "lead_caption",
    "lead_alt",
    "seo_title",
    "seo_description",
)


class PendingChange(models.Model):
    """Changes to a live story saved by an editor, not yet shown to readers."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="pending_change")
    # {field attname: value} for the fields of PENDING_FIELDS that differ from the live story.
    values = models.JSONField(default=dict)
    base_version = models.PositiveIntegerField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Pending changes of {self.article_id}"

    def apply_to(self, article: Article) -> Article:
        """Put the pending values on ``article`` (in memory only) and return it."""
        for attname, value in self.values.items():
            setattr(article, attname, value)
        return article

    @classmethod
    def show_in(cls, article: Article) -> Article:
        """``article`` (in memory) with its pending changes, if it has any."""
        pending = cls.objects.filter(article=article).first()
        if pending is not None:
            pending.apply_to(article)
            # Related rows follow the changed ids.
            for name in ("section", "lead_photo"):
                field = cast(models.ForeignKey, Article._meta.get_field(name))
                if field.attname in pending.values:
                    field.delete_cached_value(article)
        return article

    def field_names(self) -> list[str]:
        fields = {f.attname: f for f in Article._meta.concrete_fields}
        return [str(fields[name].verbose_name) for name in self.values if name in fields]

    @staticmethod
    def values_from(article: Article, changed: list[str]) -> dict[str, Any]:
        """The pending-able values of ``article`` among the ``changed`` field names."""
        values = {}
        for name in changed:
            if name in PENDING_FIELDS:
                field = cast(models.Field, Article._meta.get_field(name))
                values[field.attname] = field.value_from_object(article)
        return values
