from django.db import models


class PendingEnqueue(models.Model):
    """A task that could not be handed to the queue (its broker was down) when asked.

    The request that asked goes on; the worker hands these over when it starts and then
    every few seconds (``background.queueing.flush_pending``), so nothing asked is lost.
    """

    task_path = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "task waiting for the queue"
        verbose_name_plural = "tasks waiting for the queue"

    def __str__(self) -> str:
        return f"{self.task_path} ({self.created_at:%Y-%m-%d %H:%M:%S})"
