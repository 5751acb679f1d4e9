"""The task queue in the admin: what waits, what runs, what failed and why; run again.

Tasks on the database backend are rows of django-tasks-db's DBTaskResult, whose own
admin is read-only; ours adds the error beside each failure and an action that runs
failed tasks again (a new task with the same arguments; the failure stays recorded).
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tasks import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .models import PendingEnqueue
from .queueing import run_again

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(DBTaskResultAdmin):
    list_display = (
        "task_name",
        "status",
        "arguments",
        "error",
        "enqueued_at",
        "started_at",
        "finished_at",
        "queue_name",
    )
    actions = ["run_again"]

    @admin.display(description="Arguments")
    def arguments(self, result: DBTaskResult) -> str:
        args = ", ".join(map(repr, result.args_kwargs.get("args", [])))
        kwargs = ", ".join(f"{k}={v!r}" for k, v in result.args_kwargs.get("kwargs", {}).items())
        return ", ".join(part for part in (args, kwargs) if part)

    @admin.display(description="Error")
    def error(self, result: DBTaskResult) -> str:
        """The exception's own line: the last of the traceback."""
        lines = result.traceback.strip().splitlines()
        return lines[-1] if lines else ""

    @admin.action(description="Run the selected failed tasks again", permissions=["view"])
    def run_again(self, request: HttpRequest, queryset: QuerySet[DBTaskResult]) -> None:
        failed = queryset.filter(status=TaskResultStatus.FAILED)
        count = sum(run_again(result) for result in failed)
        self.message_user(request, f"{count} task(s) queued again.", messages.SUCCESS)


@admin.register(PendingEnqueue)
class PendingEnqueueAdmin(admin.ModelAdmin):
    list_display = ("task_path", "args", "kwargs", "error", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
