from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One workflow step or publish-relevant change. Rows are only ever appended."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action}: {self.from_status or '-'} → {self.to_status or '-'}"
