"""Renditions of a 24-megapixel photo: time to make the full set, and bytes served.

    .venv/bin/python bench/renditions.py            # 3 runs, median reported
    .venv/bin/python bench/renditions.py --runs 5

The input is a seeded 6000×4000 JPEG (quality 90) of gradients, texture and grain, a
stand-in for a camera file, written to bench/out/renditions/original.jpg. Each run
times the two steps a real upload goes through: ``prepare_upload`` (check by content,
full decode, metadata, stripped upright copy) and making every rendition the site uses
(``rendition_specs``: widths × formats, three crops, the social card) from that copy,
the same code ``ensure_renditions`` calls, without the database writes.
Results go to bench/out/renditions.json; copy the figures to bench/RESULTS.md.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import OUT, machine, setup_django  # noqa: E402

SIZE = (6000, 4000)
DATA = OUT / "renditions"


def camera_like_jpeg(path):
    """Gradients plus texture at several scales, so detail survives down to 320 px."""
    from PIL import Image, ImageChops

    width, height = SIZE
    rng = random.Random(24)
    horizontal = Image.linear_gradient("L").resize(SIZE)
    vertical = Image.linear_gradient("L").rotate(90).resize(SIZE)
    picture = Image.merge("RGB", (horizontal, vertical, ImageChops.invert(horizontal)))
    for scale, weight in ((64, 0.35), (16, 0.3), (4, 0.2), (1, 0.06)):
        w, h = width // scale, height // scale
        layer = Image.merge(
            "RGB", [Image.frombytes("L", (w, h), rng.randbytes(w * h)) for _ in range(3)]
        )
        layer = layer.resize(SIZE, Image.Resampling.BICUBIC)
        picture = Image.blend(picture, layer, weight)
    picture.save(path, "JPEG", quality=90)
    return path


def one_run(data):
    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps

    from photos import renditions, uploads

    wall, cpu = time.perf_counter(), time.process_time()
    clean = uploads.prepare_upload(ContentFile(data, name="original.jpg"))
    prepared = (time.perf_counter() - wall, time.process_time() - cpu)

    wall, cpu = time.perf_counter(), time.process_time()
    by_format = {}
    with Image.open(BytesIO(clean.read())) as opened:
        opened.load()
        upright = ImageOps.exif_transpose(opened)
        photo = SimpleNamespace(width=upright.width, height=upright.height)
        specs = sorted(renditions.rendition_specs(photo), key=renditions.spec_width, reverse=True)
        scaled, made = {}, {}
        for spec in specs:
            started = time.process_time()
            made[spec] = renditions.render_spec(upright, spec, None, scaled)
            kind = spec.partition("-")[2] if spec.startswith("w") else "crops+social"
            by_format[kind] = by_format.get(kind, 0) + time.process_time() - started
    rendered = (time.perf_counter() - wall, time.process_time() - cpu)
    return prepared, rendered, {spec: len(result[0]) for spec, result in made.items()}, by_format


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from photos import renditions

    DATA.mkdir(parents=True, exist_ok=True)
    original = DATA / "original.jpg"
    if not original.exists():
        camera_like_jpeg(original)
    data = original.read_bytes()

    runs = [one_run(data) for _ in range(args.runs)]
    sizes = runs[-1][2]

    def median(pick):
        return round(statistics.median(pick(r) for r in runs), 2)

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": f"bench/renditions.py --runs {args.runs}",
        "original": {"pixels": SIZE, "bytes": len(data)},
        "formats": renditions.web_formats(),
        "renditions": len(sizes),
        "prepare_upload_wall_s": median(lambda r: r[0][0]),
        "prepare_upload_cpu_s": median(lambda r: r[0][1]),
        "full_set_wall_s": median(lambda r: r[1][0]),
        "full_set_cpu_s": median(lambda r: r[1][1]),
        "full_set_wall_runs_s": [round(r[1][0], 2) for r in runs],
        "cpu_s_by_format": {k: median(lambda r, k=k: r[3][k]) for k in runs[-1][3]},
        "bytes": sizes,
    }
    (OUT / "renditions.json").write_text(json.dumps(result, indent=2))
    print(
        f"original: {SIZE[0]}×{SIZE[1]}, {len(data):,} bytes; "
        f"{len(sizes)} renditions ({', '.join(result['formats'])}); medians of {args.runs}"
    )
    print(
        f"prepare_upload: {result['prepare_upload_wall_s']} s wall, "
        f"{result['prepare_upload_cpu_s']} s CPU"
    )
    print(
        f"full rendition set: {result['full_set_wall_s']} s wall, "
        f"{result['full_set_cpu_s']} s CPU (wall per run {result['full_set_wall_runs_s']})"
    )
    print("  CPU by kind: " + ", ".join(f"{k} {v} s" for k, v in result["cpu_s_by_format"].items()))
    for width in (640, 1280):
        for fmt in result["formats"]:
            size = sizes[f"w{width}-{fmt}"]
            share = 100 * size / len(data)
            print(f"  w{width}-{fmt}: {size:,} bytes = {share:.2f}% of the original")


if __name__ == "__main__":
    main()
