"""Background work on the task queue: renditions made by a real worker, after commit,
again after a worker dies, retried when they fail, and never lost when the queue is down.

Run on whichever backend the environment chose (the database by default, RQ on Redis
with TASKS_URL); tests about one backend's own rows say so and skip on the other.
"""

import os
import signal
import subprocess
import sys
import time
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image

from background.models import PendingEnqueue
from background.queueing import enqueue_or_keep, flush_pending, on_database
from photos import renditions
from photos.models import Photo, RenditionsStatus
from photos.tasks import make_renditions, schedule_renditions
from tests.conftest import database_tasks_only, on_postgres
from tests.factories import make_article, make_photo, run_worker, upload_photo

ROOT = Path(__file__).resolve().parent.parent
# Transactional: the worker closes and reopens its connection between tasks, as a real one
# does, which a test wrapped in one transaction would not allow (on PostgreSQL).
pytestmark = pytest.mark.django_db(transaction=True)


def jpeg(size=(1600, 1200)):
    buffer = BytesIO()
    Image.new("RGB", size, (30, 90, 140)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def queued():
    """How many tasks wait in the queue, on either backend."""
    if on_database():
        return DBTaskResult.objects.ready().count()
    import django_rq

    return django_rq.get_queue("default").count


@pytest.fixture(autouse=True)
def _empty_redis_queue():
    if not on_database():
        import django_rq

        django_rq.get_queue("default").empty()
    yield


def test_an_upload_returns_with_a_preview_and_a_worker_makes_the_rest(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_photo(admin_client, "harbour.jpg", jpeg(), alt_text="The harbour")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.renditions_status == RenditionsStatus.PENDING
    assert set(photo.renditions.values_list("spec", flat=True)) == {"w640-jpeg"}
    assert queued() == 1

    run_worker()

    photo.refresh_from_db()
    assert photo.renditions_status == RenditionsStatus.READY
    made = set(photo.renditions.values_list("spec", flat=True))
    assert made == set(renditions.rendition_specs(photo))
    assert queued() == 0


def test_readers_see_the_preview_until_the_renditions_land_then_the_full_picture(
    client, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_photo(admin_client, "harbour.jpg", jpeg(), alt_text="The harbour")
    photo = Photo.objects.get()
    article = make_article(lead_photo=photo)
    preview = photo.renditions.get(spec="w640-jpeg")

    before = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{preview.file.url}"' in before and "srcset" not in before
    assert photo.image.url not in before  # the 1600 px original is not sent to readers

    with django_capture_on_commit_callbacks(execute=True):
        run_worker()

    after = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp"' in after and "srcset" in after
    assert "The harbour" in after


def test_the_photo_library_shows_the_renditions_pending_until_a_worker_made_them(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_photo(admin_client, "harbour.jpg", jpeg())
    library = reverse("admin:photos_photo_changelist")
    change = reverse("admin:photos_photo_change", args=[Photo.objects.get().pk])
    assert "renditions-pending" in admin_client.get(library).content.decode()
    assert "renditions-pending" in admin_client.get(change).content.decode()
    run_worker()
    assert "renditions-pending" not in admin_client.get(library).content.decode()
    assert "Ready" in admin_client.get(change).content.decode()


def test_a_rolled_back_save_enqueues_nothing(django_capture_on_commit_callbacks):
    photo = make_photo()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        schedule_renditions(photo)
        raise RuntimeError("the save failed after asking for renditions")
    assert queued() == 0
    photo.refresh_from_db()
    assert photo.renditions_status != RenditionsStatus.PENDING


def test_regenerate_renditions_enqueues_and_now_makes_them_in_the_foreground(
    django_capture_on_commit_callbacks,
):
    photo = make_photo()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("regenerate_renditions", stdout=StringIO())
    assert queued() == 1 and not photo.renditions.exists()
    call_command("regenerate_renditions", "--now", stdout=StringIO())
    assert set(photo.renditions.values_list("spec", flat=True)) == set(
        renditions.rendition_specs(photo)
    )


@database_tasks_only
def test_a_task_whose_worker_died_mid_way_runs_again_to_the_same_result():
    photo = make_photo(with_file=False)
    photo.image.save("p.jpg", ContentFile(jpeg()), save=True)
    # The first worker made part of the set and was killed: its task is left running,
    # claimed by a process that no longer exists.
    renditions.ensure_renditions(photo, ["w320-jpeg", "w640-webp"])
    result = make_renditions.enqueue(photo.pk)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=[f"{os.uname().nodename[:50]}:{dead}"]
    )

    run_worker()

    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    photo.refresh_from_db()
    specs = list(photo.renditions.values_list("spec", flat=True))
    assert sorted(specs) == sorted(renditions.rendition_specs(photo))  # each spec once


@database_tasks_only
@pytest.mark.postgres
@pytest.mark.skipif(not on_postgres(), reason="a second process needs a shared database")
def test_a_worker_killed_with_sigkill_leaves_a_task_the_next_worker_finishes(media_root):
    photo = make_photo(with_file=False)
    # Large enough that its renditions take a few seconds: time to kill the worker.
    photo.image.save("big.jpg", ContentFile(jpeg((6000, 4000))), save=True)
    result = make_renditions.enqueue(photo.pk)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_DEBUG": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while DBTaskResult.objects.get(pk=result.id).status != TaskResultStatus.RUNNING:
            assert time.monotonic() < deadline, "the worker never took the task"
            time.sleep(0.05)
        time.sleep(0.5)  # in the middle of making them
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING

    run_worker()

    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    photo.refresh_from_db()
    assert photo.renditions_status == RenditionsStatus.READY
    specs = list(photo.renditions.values_list("spec", flat=True))
    assert sorted(specs) == sorted(renditions.rendition_specs(photo))


@database_tasks_only
@override_settings(TASK_MAX_ATTEMPTS=3, TASK_RETRY_FIRST_DELAY=0)
def test_a_failing_task_is_retried_then_kept_failed_in_the_admin_and_can_run_again(
    admin_client, client, django_capture_on_commit_callbacks
):
    photo = make_photo()
    article = make_article(lead_photo=photo)
    # The file breaks after the upload's checks (a bad disk, a truncated copy).
    Path(photo.image.path).write_bytes(b"\xff\xd8\xff\xe0 not a jpeg any more")
    with django_capture_on_commit_callbacks(execute=True):
        schedule_renditions(photo)

    run_worker()

    # Only the renditions' attempts: the publication may have queued other work.
    attempts = DBTaskResult.objects.filter(task_path="photos.tasks.make_renditions").order_by(
        "enqueued_at"
    )
    assert [r.status for r in attempts] == [TaskResultStatus.FAILED] * 3
    assert [r.args_kwargs["kwargs"].get("attempt", 1) for r in attempts] == [1, 2, 3]
    photo.refresh_from_db()
    assert photo.renditions_status == RenditionsStatus.FAILED
    assert photo.renditions_error == "OSError: Truncated File Read"
    # Staff see the task and its error; readers still get the page, without a broken image.
    tasks_page = admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert "OSError: Truncated File Read" in tasks_page.content.decode()
    assert (
        "Failed:"
        in admin_client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
    )
    assert client.get(article.get_absolute_url()).status_code == 200

    response = admin_client.post(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        {"action": "run_again", "_selected_action": [str(attempts.last().pk)]},
    )
    assert response.status_code == 302
    assert queued() == 1


def test_with_the_queue_down_the_save_succeeds_and_the_task_is_kept_then_handed_over(
    admin_client, django_capture_on_commit_callbacks
):
    down = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        # Nothing listens on port 1: the broker is down.
        "RQ_QUEUES": {"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_CONNECT_TIMEOUT": 1}},
    }
    with override_settings(**down), django_capture_on_commit_callbacks(execute=True):
        response = upload_photo(admin_client, "harbour.jpg", jpeg())
    assert response.status_code == 302
    photo = Photo.objects.get()
    kept = PendingEnqueue.objects.get()
    assert kept.task_path == make_renditions.module_path and kept.args == [photo.pk]
    assert "Connection" in kept.error or "connect" in kept.error

    assert flush_pending() == 1  # the queue answers again
    assert not PendingEnqueue.objects.exists() and queued() == 1
    run_worker()
    photo.refresh_from_db()
    assert photo.renditions_status == RenditionsStatus.READY


def test_enqueue_or_keep_says_whether_the_queue_took_the_task():
    photo = make_photo()
    assert enqueue_or_keep(make_renditions, [photo.pk], {}) is True
    assert queued() == 1 and not PendingEnqueue.objects.exists()
