"""The content API at archive scale: list and detail latency and queries per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/api_latency.py

In-process through the whole stack (middleware included), production settings, as an
anonymous partner. Two ways for each address: "uncached" empties the app cache before
every request (the site state: each request reads everything from the database, as
after a write); "warm" keeps the site state (the API keeps no whole answers: see
api/access.py). Every address is read once before any is timed: an article's ninjs
document is stored when the article changes (articles/rendering.py), and a story with
none stored (a generated archive has none) is rendered by that first read, as its last
write would have. So this WRITES to the database: run it on a copy. The floor is a bare
view answering the same bytes (bench/floor.py), measured in the same run. Details are
spread over ``--articles`` published stories with a lead photo.
Writes bench/out/api.json and prints a Markdown table.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402
    percentile,
    setup_production_django,
    write_report,
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--articles", type=int, default=30, help="details to spread over")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    setup_production_django()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from articles.models import Article, Section

    client = Client(headers={"x-forwarded-proto": "https"})
    published = Article.objects.published()
    section = (
        Section.objects.annotate(n=Count("articles")).order_by("-n").values_list("slug", flat=True)
    )[0]
    details = list(
        published.filter(lead_photo__isnull=False)
        .order_by("-published_at")
        .values_list("pk", flat=True)[: args.articles]
    )
    day_ago = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = client.get("/api/v1/articles").json()
    lists = {
        "list, newest": ["/api/v1/articles"],
        "list, a section": [f"/api/v1/articles?section={section}"],
        "list, page 2 (cursor)": [f"/api/v1/articles?cursor={first['next_cursor']}"],
        "list, updated_since": [f"/api/v1/articles?updated_since={day_ago}"],
        "detail": [f"/api/v1/articles/{pk}" for pk in details],
    }

    for urls in lists.values():
        for url in urls:  # every address once first: the documents not stored are made
            client.get(url)

    def run(urls, mode):
        times, queries = [], []
        for n in range(args.repeat + 1):
            url = urls[n % len(urls)]
            if mode == "uncached":
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
            if n:  # the first one warms up
                times.append(elapsed)
                queries.append(len(captured))
        return {
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "queries_max": max(queries),
            "samples": times,
        }

    report, rows = {}, []
    for label, urls in lists.items():
        for mode in ("uncached", "warm"):
            r = report[f"{label} ({mode})"] = {"url": urls[0], **run(urls, mode)}
            rows.append(
                f"| {label} ({mode}) | {r['p50_ms']} | {r['p95_ms']} | {r['queries_max']} |"
            )
            print(rows[-1], flush=True)
        floor = run([f"/_bench/floor{urls[0]}"], "warm")
        report[f"{label} (floor)"] = floor
        rows.append(
            f"| {label} (floor: the same bytes) | {floor['p50_ms']} | {floor['p95_ms']} | 0 |"
        )
        print(rows[-1], flush=True)
    write_report(
        "api", args.repeat, report, "| API request | p50 ms | p95 ms | queries (max) |", rows
    )


if __name__ == "__main__":
    main()
