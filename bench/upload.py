"""The editor's upload of a 24-megapixel photo, and the workers that make its renditions.

    .venv/bin/python bench/upload.py                 # 3 uploads, 4 photos for the workers
    .venv/bin/python bench/upload.py --runs 5 --photos 6

On a fresh SQLite database of its own (bench/out/upload/, or DATABASE_URL), with the
seeded 6000×4000 JPEG of bench/renditions.py:

- **upload request**: an admin POST of the file, timed from request to response, as the
  editor waits for it: the checks, the stored original, the preview rendition; the rest
  is handed to the task queue after commit.
- **the same upload before the task queue**: that request plus making every rendition in
  the same process, which is what the request did before (``ensure_renditions`` ran in
  the request's on-commit hook).
- **workers**: ``--photos`` uploads queued at once, then 1 and 2 ``run_worker --batch``
  processes started together; the time until every photo's renditions exist, and
  renditions per second.

Results go to bench/out/upload.json; copy the figures to bench/RESULTS.md.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import OUT, PROJECT, machine  # noqa: E402

DATA = OUT / "upload"


def prepare_environment():
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATA / 'bench.sqlite3'}")
    os.environ["DJANGO_MEDIA_ROOT"] = str(DATA / "media")
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ.pop("TASKS_URL", None)  # the database backend: the default
    database = DATA / "bench.sqlite3"
    if database.exists():
        database.unlink()
    shutil.rmtree(DATA / "media", ignore_errors=True)
    from bench import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Request logging would be timed along with the upload.
    import logging

    logging.getLogger("newsroom.requests").setLevel(logging.WARNING)


def original_bytes():
    from bench.renditions import DATA as RENDITIONS_DATA
    from bench.renditions import camera_like_jpeg

    RENDITIONS_DATA.mkdir(parents=True, exist_ok=True)
    path = RENDITIONS_DATA / "original.jpg"
    if not path.exists():
        camera_like_jpeg(path)
    return path.read_bytes()


def upload(client, data, number):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    # A JPEG comment of its own makes each frame a different file (the library refuses
    # the same file twice); the pixels, and so the work, are the same.
    comment = f"frame {number}".encode()
    frame = data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:]
    form = {
        "image": SimpleUploadedFile(f"shoot-{number}.jpg", frame),
        "alt_text": f"Frame {number}",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
    }
    started = time.perf_counter()
    response = client.post(reverse("admin:photos_photo_add"), form)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.content[:500]
    return elapsed


def run_workers(count):
    """Start ``count`` batch workers together; seconds until all have emptied the queue."""
    env = dict(os.environ)
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--batch", "--interval", "0"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    for worker in workers:
        worker.wait()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--photos", type=int, default=4)
    args = parser.parse_args()
    prepare_environment()

    from django.contrib.auth.models import User
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from photos import renditions
    from photos.models import Photo, Rendition, RenditionsStatus

    data = original_bytes()
    User.objects.create_superuser("bench", "bench@example.com", "bench-password")
    client = Client()
    client.login(username="bench", password="bench-password")  # noqa: S106

    after = [upload(client, data, n) for n in range(args.runs)]
    before = []
    for n in range(args.runs):
        elapsed = upload(client, data, 100 + n)
        started = time.perf_counter()
        renditions.ensure_renditions(Photo.objects.latest("pk"))
        before.append(elapsed + time.perf_counter() - started)

    workers = {}
    for count in (1, 2):
        Photo.objects.all().delete()
        Rendition.objects.all().delete()
        DBTaskResult.objects.all().delete()
        for n in range(args.photos):
            upload(client, data, 200 + n)
        made_before = Rendition.objects.count()
        seconds = run_workers(count)
        assert not Photo.objects.exclude(renditions_status=RenditionsStatus.READY).exists()
        made = Rendition.objects.count() - made_before
        workers[count] = {
            "seconds_until_all_exist": round(seconds, 1),
            "renditions_made": made,
            "renditions_per_second": round(made / seconds, 2),
        }

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": f"bench/upload.py --runs {args.runs} --photos {args.photos}",
        "database": os.environ["DATABASE_URL"].split("://")[0],
        "upload_request_s": [round(s, 2) for s in after],
        "upload_request_median_s": round(statistics.median(after), 2),
        "before_task_queue_s": [round(s, 2) for s in before],
        "before_task_queue_median_s": round(statistics.median(before), 2),
        "photos_for_workers": args.photos,
        "workers": workers,
    }
    (OUT / "upload.json").write_text(json.dumps(result, indent=2))
    print(f"upload request (now):            median {result['upload_request_median_s']} s {after}")
    print(f"upload request (before, inline): median {result['before_task_queue_median_s']} s")
    for count, figures in workers.items():
        print(
            f"{count} worker(s): {args.photos} photos' renditions all made in "
            f"{figures['seconds_until_all_exist']} s ({figures['renditions_per_second']}/s)"
        )


if __name__ == "__main__":
    main()
