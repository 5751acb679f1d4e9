"""Page throughput against the floor: gunicorn (2 workers) on PostgreSQL, loaded by wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/throughput.py

Serves the site in production mode (DJANGO_DEBUG=0, a throwaway secret, https as told
by a proxy header) with newsroom/gunicorn.conf.py and 2 workers, and loads it from wrk
(Debian's package) on loopback. For each page (an article, home, the biggest section,
the most prolific author) it runs rounds that alternate the page with the floor
(bench/floor.py: the same bytes from memory, through the same middleware), first with
the page cache warm, then with every request missing it (a query parameter no view
reads makes each URL new to the cache). Before loading, it checks in-process that the
cache-busted request really does the page's queries and records the query counts.

Prints a Markdown table and writes bench/out/throughput.json.
"""

import argparse
import contextlib
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import OUT, PROJECT, machine, setup_django  # noqa: E402
from bench.load import wait_for  # noqa: E402

PAGES = ("article", "home", "section", "author")
PROXY_HEADER = ("X-Forwarded-Proto", "https")

# Writes one JSON line wrk's summary cannot give in a parseable form. With BENCH_BUST=1
# every request carries a new query string, so no two requests share a cache key.
WRK_SCRIPT = r"""
local bust = os.getenv("BENCH_BUST") == "1"
local stamp = tostring(os.time())
local n = 0
request = function()
  if bust then
    n = n + 1
    local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
    return wrk.format(nil, wrk.path .. sep .. "nocache=" .. stamp .. "-" .. n)
  end
  return wrk.format(nil, wrk.path)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def server_env(args):
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # As behind a TLS-terminating proxy: https without a certificate on loopback.
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "GUNICORN_WORKERS": str(args.workers),
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            "GUNICORN_LOG_LEVEL": "warning",
            # At these rates the production recycling (every ~2000 requests) would restart a
            # worker every second or two; the run measures pages, not worker start-up.
            "GUNICORN_MAX_REQUESTS": str(args.max_requests),
        }
    )
    return env


def choose_pages():
    """The URLs measured: a full article, home, the biggest section, the busiest author."""
    from django.db.models import Count

    from articles.models import Article, Author, Section

    published = Article.objects.published()
    article = (
        published.filter(lead_photo__isnull=False, body__contains="data-photo=")
        .annotate(n_authors=Count("bylines", distinct=True), n_tags=Count("tags", distinct=True))
        .filter(n_authors__gte=2, n_tags__gte=3)
        .newest_first()
        .first()
    )
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    author = Author.objects.annotate(n=Count("bylines")).order_by("-n").first()
    return {
        "article": article.get_absolute_url(),
        "home": "/",
        "section": section.get_absolute_url(),
        "author": author.get_absolute_url(),
    }, {"section_articles": section.n, "author_bylines": author.n}


DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def count_queries(paths):
    """Queries per request in-process: a cache miss, a hit, a cache-busted request, and a
    request with nothing cached at all (``cold``).

    The busted request must cost more than a hit; otherwise the "uncached" load would
    be served from the page cache and the run stops.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"x-forwarded-proto": "https"})
    counts = {}
    stamp = time.time()
    cache.clear()  # this process's own cache: the first request of each page misses it
    for name, path in paths.items():
        row = {}
        # Pages with a parameter no view reads are rendered but never kept (caching.py).
        busted = f"{path}?nocache={stamp}"
        for label, url in (("miss", path), ("hit", path), ("busted", busted)):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code} in-process")
            row[label] = len(queries)
        if row["busted"] <= row["hit"]:
            sys.exit(f"{path}: a cache-busted request did not miss the cache ({row})")
        with override_settings(CACHES=DUMMY_CACHE), CaptureQueriesContext(connection) as queries:
            client.get(path)
        row["cold"] = len(queries)
        counts[name] = row
    return counts


def drain(base, workers):
    """Wait until the requests wrk abandoned at its deadline are done, so none delays the next."""
    deadline = time.monotonic() + 120
    quick = 0
    while quick < 2 * workers and time.monotonic() < deadline:
        started = time.perf_counter()
        fetch(base + "/healthz", proxy=False)
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0


def fetch(url, proxy=True):
    request = urllib.request.Request(url, headers=dict([PROXY_HEADER]) if proxy else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def wrk(url, *, duration, connections, bust, script):
    env = dict(os.environ, BENCH_BUST="1" if bust else "0")
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-H",
            ": ".join(PROXY_HEADER),
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    result = json.loads(line[len("BENCH ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def summarise(runs):
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50_ms": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p95_ms": statistics.median(r["p95_us"] for r in runs) / 1000,
        "p99_ms": statistics.median(r["p99_us"] for r in runs) / 1000,
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["status_errors"] + r["socket_errors"] for r in runs),
        "bytes_per_response": round(
            sum(r["bytes"] for r in runs) / max(1, sum(r["requests"] for r in runs))
        ),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--max-requests", type=int, default=0)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--modes", default="cached,uncached,cold")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database holding the archive.")

    env = server_env(args)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO_", "NEWSROOM_"))})
    setup_django()
    paths, sizes = choose_pages()
    paths = {name: paths[name] for name in args.pages.split(",")}
    queries = count_queries(paths)
    print(f"Pages: {json.dumps(paths)} {json.dumps(sizes)}", flush=True)
    print(f"Queries per request (miss/hit/busted): {json.dumps(queries)}", flush=True)

    OUT.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script_file:
        script_file.write(WRK_SCRIPT)
    modes = args.modes.split(",")
    results = {}
    try:
        # cached and uncached against one server; cold against one that keeps nothing.
        for group, server_modes in (
            ("cache", [m for m in modes if m != "cold"]),
            ("no cache", [m for m in modes if m == "cold"]),
        ):
            if not server_modes:
                continue
            group_env = dict(env, CACHE_URL="dummycache://") if group == "no cache" else env
            with serve(group_env, args, paths) as base:
                for mode in server_modes:
                    for name, path in paths.items():
                        results[f"{name}/{mode}"] = measure(
                            base, name, path, mode, args, script_file.name
                        )
    finally:
        os.unlink(script_file.name)

    report = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "settings": {k: v for k, v in vars(args).items()},
        "pages": paths,
        "sizes": sizes,
        "queries": queries,
        "results": results,
    }
    (OUT / "throughput.json").write_text(json.dumps(report, indent=2))
    print()
    print(markdown(report))


@contextlib.contextmanager
def serve(env, args, paths):
    """gunicorn with ``env``, every worker's floor and cache filled, until the block ends."""
    log = open(OUT / "gunicorn.log", "a")  # noqa: SIM115 - open for the server's lifetime
    server = subprocess.Popen(
        [str(PROJECT / ".venv/bin/gunicorn"), "-c", "newsroom/gunicorn.conf.py", "newsroom.wsgi"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(base + "/healthz", log="bench/out/gunicorn.log")
        for path in paths.values():
            # Every worker fills its floor and its cache before anything is timed.
            for _ in range(4 * args.workers):
                status, page = fetch(base + path)
                floor_status, floor = fetch(base + "/_bench/floor" + path)
            if status != 200 or floor_status != 200 or abs(len(page) - len(floor)) > 64:
                sys.exit(
                    f"{path}: page {status} ({len(page)} B), floor {floor_status} "
                    f"({len(floor)} B): the floor does not serve the page's bytes"
                )
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def measure(base, name, path, mode, args, script):
    """Rounds of the page and its floor in turn (the order flips every round)."""
    runs = {"page": [], "floor": []}
    for round_ in range(args.rounds):
        order = ("page", "floor") if round_ % 2 == 0 else ("floor", "page")
        for target in order:
            url = base + (path if target == "page" else "/_bench/floor" + path)
            runs[target].append(
                wrk(
                    url,
                    duration=args.duration,
                    connections=args.connections,
                    bust=mode != "cached",
                    script=script,
                )
            )
            drain(base, args.workers)
    page, floor = summarise(runs["page"]), summarise(runs["floor"])
    ratio = page["rps"] / floor["rps"] if floor["rps"] else float("nan")
    print(
        f"{name:8} {mode:9} page {page['rps']:7.1f} req/s "
        f"p50 {page['p50_ms']:6.1f} ms p99 {page['p99_ms']:6.1f} ms | floor "
        f"{floor['rps']:7.1f} req/s p50 {floor['p50_ms']:6.1f} ms | ratio {ratio:.2f}",
        flush=True,
    )
    return {"path": path, "mode": mode, "page": page, "floor": floor, "ratio": ratio, "runs": runs}


def markdown(report):
    lines = [
        "| page | mode | req/s | p50 ms | p95 ms | p99 ms | floor req/s | floor p50 ms "
        "| floor p99 ms | ratio | queries | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, r in report["results"].items():
        name = key.split("/")[0]
        q = report["queries"][name]
        queries = {"cached": q["hit"], "uncached": q["busted"], "cold": q["cold"]}[r["mode"]]
        page, floor = r["page"], r["floor"]
        if not page["requests"]:
            lines.append(
                f"| {name} `{r['path']}` | {r['mode']} | 0 (no answer within the run) "
                f"| | | | {floor['rps']:.0f} | {floor['p50_ms']:.1f} "
                f"| {floor['p99_ms']:.1f} | 0× | {queries} | |"
            )
            continue
        lines.append(
            f"| {name} `{r['path']}` | {r['mode']} | {page['rps']:.0f} | {page['p50_ms']:.1f} "
            f"| {page['p95_ms']:.1f} | {page['p99_ms']:.1f} | {floor['rps']:.0f} "
            f"| {floor['p50_ms']:.1f} "
            f"| {floor['p99_ms']:.1f} | **{r['ratio']:.2f}×** | {queries} "
            f"| {page['errors'] + floor['errors']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
