"""Where a page's time goes: pyinstrument over in-process requests, plus each SQL query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/profile_page.py /section/news/ [--editor] [--repeat 20]

Production settings, as in the other benchmarks. Anonymous requests miss the page cache
(a query parameter the views do not read) unless ``--cached``; ``--editor`` logs in the
bench editor first (for admin pages). Prints the profile of ``--repeat`` requests and
the queries of the last one, slowest first.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import setup_production_django  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--editor", action="store_true")
    parser.add_argument("--cached", action="store_true")
    args = parser.parse_args(argv)
    setup_production_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    client = Client(headers={"x-forwarded-proto": "https"})
    if args.editor:
        from bench.admin_latency import editor

        client.force_login(editor())
    sep = "&" if "?" in args.url else "?"

    def url(n):
        return args.url if args.cached else f"{args.url}{sep}nocache={time.time()}-{n}"

    assert client.get(url(0)).status_code == 200
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for n in range(args.repeat):
            client.get(url(n + 1))
    elapsed = (time.perf_counter() - started) * 1000 / args.repeat
    with CaptureQueriesContext(connection) as queries:
        client.get(url(args.repeat + 1))
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    print(
        f"{args.url}: {elapsed:.1f} ms per request (mean of {args.repeat}), {len(queries)} queries:"
    )
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"])):
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")


if __name__ == "__main__":
    main()
