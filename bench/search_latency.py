"""Reader search latency at archive scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/search_latency.py

Times two things for common terms (in most articles), middling terms (in 4-8%: a
surname quoted in the bodies, a subject of the headlines), rare terms (planted in a few
dozen by bench/generate_archive.py), a two-word query, a term with no match and
misspelt terms (which look up a suggestion). Author surnames and tag names among them
also bring those authors' and tags' newest stories, as the site does:

- view: GET /search/?q=... through the whole stack in-process, production settings,
  each request missing the page cache (a query parameter the view does not read). The
  result cards are kept per article (``views._result_cards``), so repeats find them;
  ``--cold-cards`` drops the first page's before each request, as for a search whose
  results nobody was shown in the last minute;
- function: articles.search.search() on the published articles, paginated as the view
  paginates it (the count and the first page of 20 with snippets, no cards).

Each query runs once unmeasured, then ``--repeat`` times. A statement that runs past
``--timeout`` seconds is cancelled and counted at the timeout. Writes
bench/out/search.json and prints a Markdown table.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import OUT, machine, percentile, setup_production_django  # noqa: E402
from bench.generate_archive import COMMON_TERMS, RARE_TERMS  # noqa: E402

QUERIES = {
    "common": COMMON_TERMS,
    # Neither common nor rare is the hard case: too many matches to read them all from the
    # GIN index, too few to find 500 by walking the newest articles.
    "middling": ["okafor", "larsen", "broadband", "stadium", "pension"],
    "rare": RARE_TERMS[:5],
    "two words": ["housing plan", "police budget"],
    "no match": ["xylophonist"],
    # No match, so a "Did you mean" is looked up in the archive's vocabulary.
    "misspelt": ["goverment", "stadum"],
}


class TimedOut(Exception):
    pass


def timed(fn, timeout):
    from django.db import OperationalError

    started = time.perf_counter()
    try:
        fn()
    except (OperationalError, TimedOut) as error:  # statement_timeout
        if "statement timeout" not in str(error) and not isinstance(error, TimedOut):
            raise
        return timeout * 1000, True
    return (time.perf_counter() - started) * 1000, False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument(
        "--cold-cards",
        action="store_true",
        help="drop the first page's kept result cards before each view request",
    )
    args = parser.parse_args(argv)
    setup_production_django()
    from django.core.cache import cache
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from articles import search
    from articles.models import Article
    from articles.views import PAGE_SIZE

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the PostgreSQL database holding the archive.")
    client = Client(headers={"x-forwarded-proto": "https"})

    def set_timeout():
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [int(args.timeout * 1000)])

    def by_view(term, n):
        response = client.get("/search/", {"q": term, "nocache": f"{time.time()}-{n}"})
        if response.status_code == 503:  # the site's answer to a cancelled statement
            raise TimedOut
        assert response.status_code == 200, response.status_code

    def by_function(term):
        ids = search.search(Article.objects.published(), term)
        page = Paginator(ids, PAGE_SIZE).get_page(1)
        search.snippets(page.object_list, term)
        return page.paginator.count

    def forget_cards(term):
        # The cards of the first page, as if no search had shown them for a minute.
        ids = search.search(Article.objects.published(), term)[:PAGE_SIZE]
        cache.delete_many([f"fragment:card:search:{pk}" for pk in ids])

    rows, report = [], {}
    for kind, terms in QUERIES.items():
        times = {"view": [], "function": []}
        timeouts, matches = 0, {}
        for term in terms:
            for n in range(args.repeat + 1):
                if args.cold_cards:
                    forget_cards(term)
                set_timeout()
                view_ms, view_out = timed(lambda t=term, n=n: by_view(t, n), args.timeout)
                set_timeout()
                holder = {}
                fn_ms, fn_out = timed(
                    lambda t=term, h=holder: h.setdefault("count", by_function(t)), args.timeout
                )
                matches[term] = holder.get("count", "timeout")
                # The first run warms the connection and PostgreSQL's buffers, unless it
                # timed out: then it is the only sample, as the rest would time out too.
                if n or (view_out and fn_out):
                    times["view"].append(view_ms)
                    times["function"].append(fn_ms)
                    timeouts += view_out + fn_out
                if view_out and fn_out:
                    break
        report[kind] = {
            "terms": matches,
            "timeouts": timeouts,
            **{
                f"{where}_{p}_ms": round(percentile(ms, p), 1)
                for where, ms in times.items()
                for p in (50, 95)
            },
            "samples": times,
        }
        r = report[kind]
        rows.append(
            f"| {kind} | {', '.join(f'{t} ({c})' for t, c in matches.items())} "
            f"| {r['view_50_ms']} | {r['view_95_ms']} | {r['function_50_ms']} "
            f"| {r['function_95_ms']} | {timeouts} |"
        )
        print(rows[-1], flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "search.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "articles": Article.objects.count(),
                "repeat": args.repeat,
                "timeout_s": args.timeout,
                "cold_cards": args.cold_cards,
                "results": report,
            },
            indent=2,
        )
    )
    print()
    print(
        "| queries | terms (matches) | view p50 ms | view p95 ms | function p50 ms "
        "| function p95 ms | timeouts |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
