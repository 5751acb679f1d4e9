from django.conf import settings
from django.db import models

# What each recorded step is called where people read the trail.
ACTION_LABELS = {
    "submit": "Submitted for review",
    "send_back": "Sent back to the writer",
    "publish": "Published",
    "unpublish": "Unpublished",
    "take_down": "Taken down",
    "date_change": "Publication date changed",
    "substantive_update": "Marked as a substantive update",
    "source_withdrawal": "Withdrawn by its source",
    "pending_changes": "Changes saved for later",
    "publish_changes": "Saved changes published",
    "pending_discarded": "Saved changes discarded",
    # Preview links for people without an account (``sharing``).
    "share_link_made": "Preview link shared",
    "share_link_revoked": "Preview link withdrawn",
    "share_link_opened": "Preview link opened",
}


class AuditEntry(models.Model):
    """One workflow step or publish-relevant change. Rows are only ever appended."""

    # The trail outlives its article: deleting a never-public draft leaves its rows, and
    # their article id, as the record of what happened (no constraint, no cascade).
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_entries",
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

    def get_action_display(self):
        """The step in words ("Sent back to the writer"), as people read the trail."""
        return ACTION_LABELS.get(self.action) or self.action.replace("_", " ").capitalize()
