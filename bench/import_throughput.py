"""Import throughput and peak memory: plain text (1,000 and 10,000 files) and a WXR export.

    .venv/bin/python bench/import_throughput.py                    # SQLite and PostgreSQL
    .venv/bin/python bench/import_throughput.py --databases sqlite --sizes 1000 --wxr 1000

Each run starts from a fresh, migrated, empty database (SQLite in bench/out/, or the
PostgreSQL database newsroom_importers_bench, dropped and created again; ``--db-name`` or
BENCH_IMPORT_DB names another for both, so that runs on one server do not drop each
other's database) and imports in a separate process, so its peak resident memory
(ru_maxrss) is that run's alone. By default: 1,000 and 10,000 plain-text files and WXR
files of 1,000 and 10,000 posts. The inputs are generated, seeded, under
bench/out/import/: plain-text articles in the documented format (headline, date, one to
three authors, a captioned lead photo, paragraphs and a subhead) and a WXR 1.2 file of
posts with categories, tags, captions and a shortcode. Query logging is off in the
importing process, as in production.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import OUT, PROJECT, machine  # noqa: E402

DATA = OUT / "import"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_IMPORT_DB", "")
WORDS = [
    "harbour",
    "council",
    "ferry",
    "night",
    "vote",
    "budget",
    "school",
    "river",
    "bridge",
    "market",
    "police",
    "court",
    "storm",
    "tide",
    "water",
    "housing",
    "transport",
    "museum",
    "festival",
    "minister",
    "plan",
    "report",
    "season",
    "workers",
    "union",
    "hospital",
    "library",
    "station",
    "road",
    "farm",
    "price",
    "energy",
    "city",
    "region",
    "port",
]
NAMES = [
    f"{first} {last}"
    for first in (
        "Ana",
        "Ben",
        "Carla",
        "David",
        "Elena",
        "Farid",
        "Grace",
        "Hugo",
        "Ines",
        "Jonas",
    )
    for last in ("Okafor", "Lee", "Ruiz", "Berg", "Mensah", "Ibáñez", "Rossi", "Kim")
]
CATEGORIES = ["News", "Politics", "Business", "Sport", "Culture", "Science", "Travel"]


def sentence(rng, n=12):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 6)))


def write_text_articles(folder, count):
    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.glob("*.txt"))) == count:
        return
    rng = random.Random(count)
    for i in range(count):
        day = date(2020, 1, 1) + timedelta(days=rng.randint(0, 1800))
        authors = rng.sample(NAMES, rng.randint(1, 3))
        byline = " and ".join(
            [", ".join(authors[:-1]), authors[-1]] if len(authors) > 1 else authors
        )
        body = [
            f"{sentence(rng, 8)[:-1]} number {i}",
            f"Written on {day:%m/%d/%Y}",
            byline,
            "",
            f"{sentence(rng, 10)} Credit: {rng.choice(NAMES)} / Harbour Photo.",
            "",
        ]
        for p in range(rng.randint(6, 12)):
            body += [paragraph(rng), ""]
            if p == 3:
                body += [f"What the {rng.choice(WORDS)} means", ""]
        (folder / f"article-{i:05d}.txt").write_text("\n".join(body), encoding="utf-8")


def write_wxr(path, count):
    if path.exists() and path.stat().st_size > count * 500:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(count)
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench Gazette</title><link>https://bench.example</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>https://bench.example</wp:base_site_url>\n"
            "<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n"
        )
        for n, name in enumerate(NAMES):
            login = name.lower().replace(" ", ".")
            out.write(
                f"<wp:author><wp:author_id>{n + 1}</wp:author_id><wp:author_login>{login}"
                f"</wp:author_login><wp:author_email>{login}@bench.example</wp:author_email>"
                f"<wp:author_display_name><![CDATA[{name}]]></wp:author_display_name>"
                "</wp:author>\n"
            )
        for i in range(1, count + 1):
            when = f"{date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000))} 10:00:00"
            author = rng.choice(NAMES).lower().replace(" ", ".")
            categories = rng.sample(CATEGORIES, rng.randint(1, 2))
            tags = rng.sample(WORDS, rng.randint(0, 4))
            paragraphs = "\n\n".join(paragraph(rng) for _ in range(rng.randint(5, 10)))
            caption = (
                (
                    f'[caption id="attachment_{i + count}" width="640"]<img src="https://bench.'
                    f'example/wp-content/uploads/2020/01/p{i}.jpg" alt="{escape(sentence(rng, 4))}"'
                    f' class="wp-image-{i + count}" /> {sentence(rng, 8)} Photo: '
                    f"{rng.choice(NAMES)}[/caption]"
                )
                if i % 3 == 0
                else ""
            )
            terms = "".join(
                f'<category domain="category" nicename="{c.lower()}"><![CDATA[{c}]]></category>'
                for c in categories
            ) + "".join(
                f'<category domain="post_tag" nicename="{t}"><![CDATA[{t}]]></category>'
                for t in tags
            )
            out.write(
                f"<item><title><![CDATA[{sentence(rng, 7)[:-1]} {i}]]></title>"
                f"<link>https://bench.example/{when[:4]}/post-{i}/</link>"
                f"<dc:creator><![CDATA[{author}]]></dc:creator>"
                f'<guid isPermaLink="false">https://bench.example/?p={i}</guid>'
                f'<content:encoded><![CDATA[{caption}\n\n{paragraphs}\n\n[gallery ids="1,2"]'
                f"]]></content:encoded><excerpt:encoded><![CDATA[{sentence(rng)}]]>"
                f"</excerpt:encoded><wp:post_id>{i}</wp:post_id><wp:post_date>{when}"
                f"</wp:post_date><wp:post_date_gmt>{when}</wp:post_date_gmt>"
                f"<wp:post_name>post-{i}</wp:post_name>"
                f"<wp:status>{'draft' if i % 10 == 0 else 'publish'}</wp:status>"
                f"<wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>"
                f"{terms}</item>\n"
            )
        out.write("</channel>\n</rss>\n")


def fresh_database(kind, name=DB_NAME):
    """A migrated, empty database; returns its DATABASE_URL."""
    if kind == "sqlite":
        path = OUT / "import" / f"{name or 'bench'}.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        name = name or "newsroom_importers_bench"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    return url


def child(path, media_root):
    """Run inside the measuring process: import ``path``, print one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from bench import setup_django

    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from articles.models import Article

    settings.DEBUG = False  # no query log, as in production
    settings.MEDIA_ROOT = media_root
    with open(os.devnull, "w") as sink:
        start, cpu_start = time.perf_counter(), time.process_time()
        call_command("import_articles", path, stdout=sink, stderr=sink)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "seconds": elapsed,
                # The importing process's own CPU time (not the database's): steadier than the
                # wall clock on a shared machine.
                "cpu_seconds": cpu,
                "articles": Article.objects.count(),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def measure(kind, label, path, name=DB_NAME):
    url = fresh_database(kind, name)
    media = OUT / "import" / "media"
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(media)],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures.update(database=kind, workload=label, rate=figures["articles"] / figures["seconds"])
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000])
    parser.add_argument(
        "--wxr", nargs="+", type=int, default=[1000, 10000], help="posts in each WXR file (0: none)"
    )
    parser.add_argument(
        "--db-name",
        default=DB_NAME,
        help="the PostgreSQL database and SQLite file made anew for each run "
        "(default: $BENCH_IMPORT_DB, else newsroom_importers_bench and "
        "bench.sqlite3)",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    workloads = []
    for size in args.sizes:
        folder = DATA / f"text-{size}"
        write_text_articles(folder, size)
        workloads.append((f"plain text, {size:,} files", folder))
    for posts in (n for n in args.wxr if n):
        path = DATA / f"wxr-{posts}.xml"
        write_wxr(path, posts)
        workloads.append((f"WXR, {posts:,} posts ({path.stat().st_size / 1e6:.0f} MB)", path))
    results = []
    for kind in args.databases:
        for label, path in workloads:
            figures = measure(kind, label, path, args.db_name)
            results.append(figures)
            print(
                f"{kind:<9} {label:<32} {figures['articles']:>6} articles  "
                f"{figures['seconds']:7.1f} s  {figures['rate']:6.0f}/s  "
                f"(CPU {figures['cpu_seconds']:.1f} s)  "
                f"peak {figures['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    OUT.mkdir(exist_ok=True)
    record = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "results": results,
    }
    (OUT / "import_throughput.json").write_text(json.dumps(record, indent=1))
    print(json.dumps(record["machine"]))


if __name__ == "__main__":
    main()
