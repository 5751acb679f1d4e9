"""Tasks whose worker died while running them go back to the queue.

The database backend marks a task RUNNING when a worker claims it; a worker killed
mid-task (SIGKILL, a lost machine) leaves it so for ever. Each worker names itself
``host:pid``; when a worker starts, it re-queues the running tasks of workers on its
host that no longer exist, and any task running for longer than
``TASK_STALLED_AFTER`` seconds wherever it runs. Tasks are written to be run again
(renditions are made per photo and spec, mail is recorded before it is sent).
"""

import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def worker_id(pid: int | None = None) -> str:
    """This process's worker id: its host and process id (at most 64 characters)."""
    return f"{socket.gethostname()[:50]}:{pid or os.getpid()}"


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _is_dead_here(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    return host == socket.gethostname()[:50] and pid.isdigit() and not _process_exists(int(pid))


def requeue_stalled(now: datetime | None = None) -> int:
    """Put back in the queue the running tasks whose worker is gone. How many."""
    too_old = (now or timezone.now()) - timedelta(seconds=settings.TASK_STALLED_AFTER)
    stalled = [
        result.pk
        for result in DBTaskResult.objects.running().only("pk", "worker_ids", "started_at")
        if (result.started_at and result.started_at < too_old)
        or _is_dead_here((result.worker_ids or [""])[-1])
    ]
    # Only those still running: a task finishing meanwhile keeps its result.
    return DBTaskResult.objects.filter(pk__in=stalled, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
