import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def digest(secret: str) -> str:
    """What is stored of a key: its SHA-256, enough to recognise it, not to rebuild it."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> "ApiKeyQuerySet":
        return self.filter(revoked_at__isnull=True)

    def matching(self, secret: str) -> "ApiKey | None":
        """The active key whose secret is ``secret``, if any."""
        return self.active().filter(digest=digest(secret)).first()


class ApiKey(models.Model):
    """A partner's key to the content API. Only a digest of the secret is kept: the
    secret is shown once, when the key is made."""

    name = models.CharField(max_length=200, help_text="Who uses it, e.g. the partner's name.")
    # The first characters of the secret, so a key can be told apart in lists and logs.
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    allow_embargoed = models.BooleanField(
        "may see embargoed stories",
        default=False,
        help_text="Also lists scheduled stories, with their embargo time.",
    )
    requests_per_minute = models.PositiveIntegerField(default=600)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def new_secret(self) -> str:
        """Give the key a fresh secret and return it: the only time it is known."""
        secret = secrets.token_urlsafe(32)
        self.prefix, self.digest = secret[:8], digest(secret)
        return secret

    def revoke(self) -> None:
        ApiKey.objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.refresh_from_db(fields=["revoked_at"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
