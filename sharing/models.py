import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from articles.seo import absolute

DEFAULT_LIFETIME = timedelta(hours=48)
# Only stories nobody outside the newsroom can read yet are shared this way.
SHAREABLE = (Status.DRAFT, Status.REVIEW)
_signer = signing.Signer(salt="sharing.ShareLink")


def default_expiry():
    return timezone.now() + DEFAULT_LIFETIME


class ShareLink(models.Model):
    """A link that shows one unpublished article, as readers would see it, to someone
    without an account, until it expires or is revoked. It shows the current text."""

    class Answer(models.TextChoices):
        SHOW = "show", "Valid"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        PUBLISHED = "published", "Published since"
        GONE = "gone", "No longer a draft or in review"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_links")
    # The random part of the address; the address also carries a signature of it, so a
    # changed address is refused before any lookup.
    key = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("valid until", default=default_expiry)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_opened_at = models.DateTimeField(null=True, blank=True)
    times_opened = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Share link to “{self.article}”"

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = secrets.token_urlsafe(24)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sharing:shared", kwargs={"token": _signer.sign(self.key)})

    @property
    def address(self) -> str:
        """The address to send, on the site's public host."""
        return absolute(self.get_absolute_url())

    @staticmethod
    def key_from(token: str) -> str | None:
        """The key an address carries, or None when its signature does not match."""
        try:
            return _signer.unsign(token)
        except signing.BadSignature:
            return None

    def answer(self) -> "ShareLink.Answer":
        """What the link shows now."""
        if self.revoked_at is not None:
            return self.Answer.REVOKED
        if self.article.is_public:
            return self.Answer.PUBLISHED
        if self.article.status not in SHAREABLE:
            return self.Answer.GONE
        if self.expires_at <= timezone.now():
            return self.Answer.EXPIRED
        return self.Answer.SHOW

    def revoke(self, *, by) -> None:
        ShareLink.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        self.refresh_from_db(fields=["revoked_at", "revoked_by"])

    def opened(self) -> None:
        """Count an opening: when, and how often (a conditional update, no lost counts)."""
        now = timezone.now()
        ShareLink.objects.filter(pk=self.pk).update(
            last_opened_at=now, times_opened=F("times_opened") + 1
        )
        self.last_opened_at = now


def may_share(user, article: Article) -> bool:
    """Editors may share any story; a writer, their own."""
    from articles.workflow import is_editor, is_own_article

    if not (user and user.is_active and user.has_perm("articles.change_article")):
        return False
    return is_editor(user) or is_own_article(user, article)
