from django.db import models


class SentMail(models.Model):
    """One workflow e-mail to one person, recorded before it is sent.

    The task that sends mail may run again (a worker killed mid-way, a retry); a message
    whose row exists is never sent a second time.
    """

    key = models.CharField(max_length=100, help_text="The workflow step it is about.")
    recipient = models.EmailField()
    subject = models.CharField(max_length=300)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="sentmail_once_each"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
