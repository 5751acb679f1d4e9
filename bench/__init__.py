"""Benchmarks at newsroom scale. Not run by the test suite; see bench/README.md."""

import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "bench" / "out"


def setup_django():
    """Configure Django from the environment (DATABASE_URL and friends), as manage.py does."""
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # Debug mode unless the caller chose (setup_production_django does).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def setup_production_django():
    """Django as it runs in production (debug off, behind a TLS proxy), for in-process timing."""
    import logging
    import secrets

    os.environ.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        }
    )
    setup_django()
    # One log line per request would be timed along with the page.
    logging.getLogger("newsroom.requests").setLevel(logging.WARNING)


def machine():
    """The facts a figure needs beside it: cores, CPU model, memory, PostgreSQL, Python."""
    cpu = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True
        ).stdout.strip(),
    }


def percentile(values, pct):
    """Nearest-rank percentile of ``values`` (already in any order)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def add_missing_indexes():
    """Create the models' declared indexes that the database lacks; return their names.

    A long-lived benchmark database keeps its archive across code changes, and an index
    added to a migration it has already applied would never reach it; a fresh database
    gets it from ``migrate``. This makes the two the same.
    """
    from django.apps import apps
    from django.db import connection

    added = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("articles").get_models():
            table = model._meta.db_table
            present = connection.introspection.get_constraints(cursor, table)
            for index in model._meta.indexes:
                if index.name not in present:
                    with connection.schema_editor() as editor:
                        editor.add_index(model, index)
                    added.append(f"{table}.{index.name}")
    return added


def time_page(client, url, repeat, who="the client"):
    """GET ``url`` repeat + 1 times (the first warms up): p50/p95 in ms and the queries of
    the last request, with the slowest of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for n in range(repeat + 1):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code} to {who}")
        if n:
            times.append(elapsed)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    return {
        "url": url,
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "queries": len(queries),
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 1),
        "slowest_query": slowest["sql"][:300],
        "samples": times,
    }


def page_row(label, r):
    """A Markdown row of time_page's figures."""
    return (
        f"| {label} `{r['url']}` | {r['p50_ms']} | {r['p95_ms']} | {r['queries']} "
        f"| {r['slowest_query_ms']} |"
    )


def write_report(name, repeat, results, header, rows):
    """Keep the figures in bench/out/NAME.json (with the machine and archive size) and print
    the table: ``header`` is its first row, the columns after the first are numbers."""
    from articles.models import Article

    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "articles": Article.objects.count(),
                "repeat": repeat,
                "results": results,
            },
            indent=2,
        )
    )
    print()
    print(header)
    print("|---" + "|---:" * (header.count("|") - 2) + "|")
    print("\n".join(rows))
