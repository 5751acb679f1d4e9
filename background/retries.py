"""Retrying a failed task later, each time later than the last.

A task calls :func:`retry_later` from its ``except`` block: while attempts remain, the
same task is enqueued again after a delay that doubles with each attempt, and the
failure of this attempt stays recorded (with its traceback) beside the new one.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskContext


def delay_before(attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1``: the first delay, doubled each time."""
    return settings.TASK_RETRY_FIRST_DELAY * 2 ** (attempt - 1)


def retry_later(context: TaskContext, attempt: int, *args: Any, **kwargs: Any) -> bool:
    """Enqueue attempt ``attempt + 1`` of the running task, if any is left. True if so."""
    if attempt >= settings.TASK_MAX_ATTEMPTS:
        return False
    run_after = timezone.now() + timedelta(seconds=delay_before(attempt))
    context.task_result.task.using(run_after=run_after).enqueue(
        *args, attempt=attempt + 1, **kwargs
    )
    return True
