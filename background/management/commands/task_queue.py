"""What the task queue holds: counts by state, and the failed tasks with their errors.

``--retry-failed`` queues every failed task again (as the admin's action does).
"""

from django.core.management.base import BaseCommand
from django.db.models import Count
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.models import PendingEnqueue
from background.queueing import on_database, run_again


class Command(BaseCommand):
    help = "Show the background task queue: ready, running and failed tasks."

    def add_arguments(self, parser):
        parser.add_argument("--failed", type=int, default=20, help="How many failures to list.")
        parser.add_argument(
            "--retry-failed", action="store_true", help="Queue every failed task again."
        )

    def handle(self, *args, failed=20, retry_failed=False, **options):
        kept = PendingEnqueue.objects.count()
        if kept:
            self.stdout.write(f"kept while the queue was down: {kept}")
        if not on_database():
            from django.core.management import call_command

            call_command("rqstats", stdout=self.stdout)
            return
        counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in TaskResultStatus:
            self.stdout.write(f"{status.label.lower():<12} {counts.get(status.value, 0)}")
        failures = DBTaskResult.objects.failed().order_by("-finished_at")
        for result in failures[:failed]:
            error = (result.traceback.strip().splitlines() or [""])[-1]
            self.stdout.write(
                f"failed {result.finished_at:%Y-%m-%d %H:%M:%S} {result.task_name} "
                f"{result.args_kwargs}: {error}"
            )
        if retry_failed:
            queued = sum(run_again(result) for result in failures)
            self.stdout.write(f"queued again: {queued}")
