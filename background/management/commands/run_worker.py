"""Run a task worker for whichever backend TASKS_URL chose.

Before working it re-queues the tasks of dead workers (database backend) and hands
over tasks kept while the queue was down; a thread keeps handing those over every few
seconds. Stop it with SIGTERM or Ctrl-C: the worker finishes the task in hand first.
"""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from background.queueing import flush_pending, on_database
from background.stalled import requeue_stalled, worker_id

FLUSH_EVERY = 5  # seconds


class Command(BaseCommand):
    help = "Run a background task worker (renditions, mail, cache purges)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Stop once the queue is empty (tests, cron)."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )
        parser.add_argument(
            "--no-fork",
            action="store_true",
            help="RQ: run each task in this process (RQ forks a child per task otherwise).",
        )

    def handle(self, *args, batch=False, interval=1.0, no_fork=False, **options):
        verbosity = options["verbosity"]
        if on_database() and (requeued := requeue_stalled()):
            self.stdout.write(f"Re-queued {requeued} task(s) of workers that died.")
        if handed := flush_pending():
            self.stdout.write(f"Handed {handed} kept task(s) to the queue.")
        stop = threading.Event()
        if not batch:
            threading.Thread(target=_keep_flushing, args=(stop,), daemon=True).start()
        try:
            if on_database():
                call_command(
                    "db_worker",
                    queue_name="*",
                    worker_id=worker_id(),
                    batch=batch,
                    interval=interval,
                    startup_delay=False,
                    reload=False,
                    verbosity=verbosity,
                )
            else:
                call_command(
                    "rqworker",
                    "default",
                    job_class="django_tasks_rq.Job",
                    worker_class="rq.worker.SimpleWorker" if no_fork else None,
                    burst=batch,
                    with_scheduler=True,
                    verbosity=verbosity,
                )
        finally:
            stop.set()


def _keep_flushing(stop: threading.Event) -> None:
    while not stop.wait(FLUSH_EVERY):
        try:
            flush_pending()
        finally:
            connection.close()
