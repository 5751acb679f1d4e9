"""Memory of one process taking a big JPEG in: the upload checks, then its renditions.

    .venv/bin/python bench/photo_memory.py                     # this checkout
    .venv/bin/python bench/photo_memory.py --before /tmp/old   # and an older copy of the code

For a 24-megapixel (6000×4000) and a 60-megapixel (9480×6320) camera-like JPEG, each in
a fresh process on a SQLite database of its own (bench/out/photo_memory/): the resident
set size once Django is set up and the file's bytes are read (the baseline), then

- **upload**: what the admin's upload does while the editor waits: ``prepare_upload``
  (checks by content, metadata, the stripped original), storing it, ``make_preview``;
- **renditions**: what a worker does next: the ``make_renditions`` task's function;

and the peak growth over the baseline (the kernel's VmHWM, reset after the baseline),
and what is still held once the task has returned. Results go to
bench/out/photo_memory.json; copy the figures to bench/RESULTS.md.
"""

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "bench" / "out" / "photo_memory"
SIZES = {"24mp": (6000, 4000), "60mp": (9480, 6320)}


def camera_like_jpeg(path, size):
    """Gradients plus texture at several scales (as bench/renditions.py), quality 90."""
    from PIL import Image, ImageChops

    width, height = size
    rng = random.Random(24)
    horizontal = Image.linear_gradient("L").resize(size)
    vertical = Image.linear_gradient("L").rotate(90).resize(size)
    picture = Image.merge("RGB", (horizontal, vertical, ImageChops.invert(horizontal)))
    for scale, weight in ((64, 0.35), (16, 0.3), (4, 0.2)):
        w, h = width // scale, height // scale
        layer = Image.merge(
            "RGB", [Image.frombytes("L", (w, h), rng.randbytes(w * h)) for _ in range(3)]
        )
        layer = layer.resize(size, Image.Resampling.BICUBIC)
        picture = Image.blend(picture, layer, weight)
    picture.save(path, "JPEG", quality=90)
    return path


def _status(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB → MB
    raise RuntimeError(field)


def child(name, code):
    """Run in a fresh process with ``code`` (a checkout) first on the path; print JSON."""
    sys.path.insert(0, code)
    os.chdir(code)
    workdir = DATA / f"{name}-{Path(code).name}"
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        }
    )
    os.environ.pop("TASKS_URL", None)
    (workdir / "db.sqlite3").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from photos import tasks, uploads
    from photos.models import Photo

    data = (DATA / f"{name}.jpg").read_bytes()
    baseline = _status("VmRSS")
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets VmHWM to the current RSS

    photo = Photo()
    clean = uploads.prepare_upload(ContentFile(data, name=f"{name}.jpg"), photo)
    photo.image.save(clean.name, clean, save=False)
    photo.save()
    tasks.make_preview(photo)
    upload_peak = _status("VmHWM") - baseline
    upload_after = _status("VmRSS") - baseline

    made = tasks.make_renditions.func(None, photo.pk)
    return {
        "megapixels": round(photo.width * photo.height / 1e6, 1),
        "file_mb": round(len(data) / 1024 / 1024, 1),
        "renditions": made,
        "baseline_mb": round(baseline),
        "upload_peak_growth_mb": round(upload_peak),
        "after_upload_mb": round(upload_after),
        "peak_growth_mb": round(_status("VmHWM") - baseline),
        "after_mb": round(_status("VmRSS") - baseline),
    }


def measure(code):
    results = {}
    for name in SIZES:
        done = subprocess.run(
            [sys.executable, __file__, "--child", name, "--code", str(code)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(done.stderr)
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def show(label, results):
    print(f"{label}:")
    for name, r in results.items():
        print(
            f"  {name} ({r['megapixels']} MP, {r['file_mb']} MB): baseline {r['baseline_mb']} MB; "
            f"upload peak +{r['upload_peak_growth_mb']} MB; upload and {r['renditions']} "
            f"renditions peak +{r['peak_growth_mb']} MB; held after +{r['after_mb']} MB"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another checkout (older code) to measure first")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--code", default=str(PROJECT), help="the checkout to measure")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.code)))
        return
    DATA.mkdir(parents=True, exist_ok=True)
    for name, size in SIZES.items():
        if not (DATA / f"{name}.jpg").exists():
            camera_like_jpeg(DATA / f"{name}.jpg", size)
    results = {}
    if args.before:
        results["before"] = measure(args.before)
        show(f"before ({args.before})", results["before"])
    results["after"] = measure(args.code)
    show(f"this checkout ({args.code})", results["after"])
    (PROJECT / "bench" / "out" / "photo_memory.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
