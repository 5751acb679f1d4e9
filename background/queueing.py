"""Handing tasks to the queue: after the transaction commits, and never lost on the way.

A task is enqueued once the transaction that asked for it has committed: a rolled-back
save enqueues nothing, and a worker never looks for a row that is not written yet. If
the queue cannot take it (Redis down with the RQ backend), the request still succeeds:
the task is kept in the database as a :class:`PendingEnqueue`, logged, and handed over
by the worker as soon as the queue answers again.
"""

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .models import PendingEnqueue

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits."""
    transaction.on_commit(partial(enqueue_or_keep, task, args, kwargs))


def enqueue_or_keep(task: Task, args: tuple | list, kwargs: dict[str, Any]) -> bool:
    """Enqueue now; if the queue refuses, keep the task for later. True if enqueued."""
    try:
        task.enqueue(*args, **kwargs)
    except Exception as error:  # any broker failure: connection, timeout, auth
        logger.error("Could not enqueue %s: %s; kept to enqueue later", task.module_path, error)
        PendingEnqueue.objects.create(
            task_path=task.module_path, args=list(args), kwargs=kwargs, error=str(error)
        )
        return False
    return True


def flush_pending() -> int:
    """Hand kept tasks to the queue, oldest first; stop at the first refusal. The count."""
    handed = 0
    for pending in PendingEnqueue.objects.all()[:500]:
        try:
            import_string(pending.task_path).enqueue(*pending.args, **pending.kwargs)
        except Exception as error:  # the queue is still down: try again later
            logger.warning("Queue still refuses tasks: %s", error)
            break
        pending.delete()
        handed += 1
    return handed


def on_database() -> bool:
    """Whether tasks are rows of our database (else they are in Redis, run by RQ)."""
    return isinstance(task_backends["default"], DatabaseBackend)


def run_again(result: DBTaskResult) -> bool:
    """Queue a failed task anew, with its arguments and a fresh count of attempts."""
    kwargs = {k: v for k, v in result.args_kwargs["kwargs"].items() if k != "attempt"}
    return enqueue_or_keep(result.task, result.args_kwargs["args"], kwargs)
