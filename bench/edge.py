"""Serving at peak, side by side in one run: the floor, our page-cache hit, a cold page,
Varnish in front, nginx serving the same bytes, freshness under load, and how many kept
entries one publication drops.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_edge_bench \\
        .venv/bin/python bench/edge.py [--duration 5] [--freshness 60]

Production mode (DJANGO_DEBUG=0, gunicorn with newsroom/gunicorn.conf.py, 2 workers,
https as told by a proxy header), loaded by wrk on loopback (one thread, 16
connections). Servers, each started here and stopped at the end:

- *hit*: gunicorn with the default per-process cache, the page asked again and again;
  the floor (bench/floor.py: the same bytes from memory through the same middleware) is
  measured on the same server;
- *cold*: gunicorn with ``CACHE_URL=dummycache://``: nothing is kept, every request
  renders (the article from its stored parts);
- *edge*: Varnish (deploy/varnish/default.vcl, xkey) in front of gunicorn sharing a
  Redis cache, with a task worker sending the purges; article, home and feed;
- *nginx*: the article's bytes as a file (Debian's nginx, 2 workers), when installed.

Freshness: while wrk reads the article through Varnish for ``--freshness`` seconds, an
editor (this process, through the ORM and the workflow) changes a story every 5 s: an
edit, a correction, a take-down, a publication, in turn; each change puts a new marker
in the story's headline or correction. A sampler reads the story through Varnish as fast
as one connection allows and records what each response showed; a response is *stale*
when it shows a marker older than the last change committed more than 1 s before it was
asked for (or a 200 after a committed take-down, or a 410 after a publication).

Entries dropped by one publication: in-process, with a local-memory cache filled with
every article page of a sample, the home page, sections, authors, tags, feeds and
sitemaps, a story is published and the kept entries no longer current are counted.

Prints a Markdown table and writes bench/out/edge.json.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import OUT, PROJECT, machine, setup_django  # noqa: E402
from bench.load import wait_for  # noqa: E402
from bench.throughput import WRK_SCRIPT, fetch, wrk  # noqa: E402

PROXY = {"X-Forwarded-Proto": "https"}
MARKER = re.compile(r"probe-marker-(\d+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(workers: int, port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET", secrets.token_urlsafe(50)),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_LOG_LEVEL": "warning",
            "GUNICORN_MAX_REQUESTS": "0",
        }
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def process(command, env=None, log_name="edge.log"):
    log = open(OUT / log_name, "a")  # noqa: SIM115 - open for the process's lifetime
    proc = subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@contextlib.contextmanager
def gunicorn(env):
    with process(
        [str(PROJECT / ".venv/bin/gunicorn"), "-c", "newsroom/gunicorn.conf.py", "newsroom.wsgi"],
        env,
    ):
        base = "http://" + env["GUNICORN_BIND"]
        wait_for(base + "/healthz", log="bench/out/edge.log")
        yield base


@contextlib.contextmanager
def varnish(backend_port: int, port: int, workdir: Path):
    vcl = (PROJECT / "deploy/varnish/default.vcl").read_text()
    vcl = vcl.replace('.port = "8000";', f'.port = "{backend_port}";')
    (workdir / "default.vcl").write_text(vcl)
    binary = shutil.which("varnishd") or "/usr/sbin/varnishd"
    command = [
        binary,
        "-F",
        "-j",
        "none",
        "-n",
        str(workdir / "varnish"),
        "-a",
        f"127.0.0.1:{port}",
        "-T",
        "none",
        "-f",
        str(workdir / "default.vcl"),
        "-s",
        "malloc,256m",
    ]
    with process(command):
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz", log="bench/out/edge.log")
        yield base


@contextlib.contextmanager
def nginx(content: bytes, port: int, workdir: Path):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        yield None
        return
    root = workdir / "www"
    root.mkdir()
    (root / "index.html").write_bytes(content)
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""daemon off; worker_processes 2; pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type text/html;
  server {{ listen 127.0.0.1:{port}; root {root}; location / {{ try_files /index.html =404; }} }}
}}
"""
    )
    with process([binary, "-c", str(conf), "-p", str(workdir)]):
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/", log="bench/out/edge.log")
        yield base


def load(url, args, script):
    # Warm: every worker (and the edge) has the page before anything is timed.
    for _ in range(8):
        fetch(url)
    result = wrk(
        url, duration=args.duration, connections=args.connections, bust=False, script=script
    )
    return {
        "rps": round(result["rps"]),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["status_errors"] + result["socket_errors"],
    }


def pick_article():
    """The newest published story with a lead photo, several authors and tags."""
    from django.db.models import Count

    from articles.models import Article

    published = Article.objects.published().newest_first()
    rich = (
        published.filter(lead_photo__isnull=False)
        .annotate(n_authors=Count("bylines", distinct=True), n_tags=Count("tags", distinct=True))
        .filter(n_authors__gte=2, n_tags__gte=2)
    )
    return (rich.first() or published.first()).get_absolute_url()


# Freshness ------------------------------------------------------------------------------


def editor_changes(
    story_id: int, marker: int, seconds: float, changes: list, stop: threading.Event
):
    """Every 5 s: edit, correct, take down, publish, in turn; records (committed_at, kind,
    marker) after each commit."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from articles import workflow
    from articles.models import Article, Correction

    editor = get_user_model().objects.filter(is_superuser=True).first()
    kinds = ("edit", "correct", "take_down", "publish")
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline and not stop.is_set():
        time.sleep(5)
        story = Article.objects.get(pk=story_id)
        kind = kinds[n % len(kinds)]
        marker += 1
        if kind == "edit":
            story.headline = re.sub(r"probe-marker-\d+", f"probe-marker-{marker}", story.headline)
            story.save()
        elif kind == "correct":
            Correction.objects.create(article=story, text=f"Corrected: probe-marker-{marker}")
        elif kind == "take_down":
            workflow.transition(story, "take_down", by=editor, comment="Bench", system=True)
        else:
            # Back to the desk and out again in one transaction (as restoring a story
            # taken down), at its own date: the story keeps its address.
            with transaction.atomic():
                Article.objects.filter(pk=story_id).update(status="review")
                story = Article.objects.get(pk=story_id)
                at = story.published_at
                workflow.transition(story, "publish", by=editor, system=True, at=at)
        changes.append((time.time(), kind, marker))
        n += 1


def sampler(url: str, samples: list, stop: threading.Event):
    while not stop.is_set():
        asked = time.time()
        request = urllib.request.Request(url, headers=PROXY)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, ""
        markers = [int(m) for m in MARKER.findall(body)]
        samples.append((asked, status, max(markers) if markers else None))


def stale_count(samples, changes, initial_marker):
    """Responses showing a state older than the one left by the last change committed
    over 1 s before they were asked for; and how long after that change each was asked."""
    states, marker = [(200, initial_marker)], initial_marker
    for _, kind, new in changes:
        if kind in ("edit", "correct"):
            marker = new
        states.append((410 if kind == "take_down" else 200, marker))

    def shows(state, status, shown):
        return status == state[0] and (status != 200 or shown == state[1])

    stale, late = 0, []
    for asked, status, shown in samples:
        done = sum(1 for committed_at, _, _ in changes if committed_at <= asked - 1.0)
        # Fresh: it shows that state, or one a later change made.
        if not any(shows(state, status, shown) for state in states[done:]):
            stale += 1
            late.append(asked - changes[done - 1][0] if done else 0.0)
    return stale, late


def visible_after(samples, changes):
    """For each change, seconds until the first response showing it."""
    delays = []
    for committed_at, kind, marker in changes:
        for asked, status, shown in samples:
            if asked < committed_at:
                continue
            ok = (
                (status == 410)
                if kind == "take_down"
                else (status == 200 and (kind == "publish" or (shown or 0) >= marker))
            )
            if ok:
                delays.append(asked - committed_at)
                break
    return delays


# Entries dropped per publication -------------------------------------------------------


def dropped_per_publication(sample: int) -> dict:
    """In-process: keep pages, publish one story, count the kept entries no longer current."""
    from django.core.cache import cache
    from django.test import Client

    from articles import caching, workflow
    from articles.models import Article, Author, Section, Status, Tag

    redis = cache._cache.get_client(write=True)  # Django's Redis cache: this benchmark only
    prefix = cache.make_key("")
    for key in redis.scan_iter(prefix + "*"):
        redis.delete(key)
    client = Client(headers=PROXY)
    published = Article.objects.published().newest_first()
    # The story to publish: one in review (with people and tags, as most are), else the
    # newest, sent back to review before anything is kept.
    story = Article.objects.filter(
        status=Status.REVIEW, bylines__isnull=False, tags__isnull=False
    ).first()
    if story is None:
        story = published.first()
        Article.objects.filter(pk=story.pk).update(status=Status.REVIEW)
    urls = ["/", "/feeds/rss/", "/feeds/atom/", "/sitemap.xml"]
    urls += [s.get_absolute_url() for s in Section.objects.all()]
    urls += [a.get_absolute_url() for a in Author.objects.filter(bylines__article=story)]
    urls += [t.get_absolute_url() for t in Tag.objects.filter(articles=story)]
    urls += [a.get_absolute_url() for a in published[:sample]]
    for url in urls:
        client.get(url)

    def kept():
        names = [
            key.decode()[len(prefix) :]
            for pattern in ("page:*", "fragment:*")
            for key in redis.scan_iter(prefix + pattern)
        ]
        entries = cache.get_many(names)
        return {k: v for k, v in entries.items() if isinstance(v, tuple)}

    def current(entries):
        shapes = {k: (v[2:] if len(v) == 5 else v[1:]) for k, v in entries.items()}
        return dict(zip(shapes, caching._current(list(shapes.values())), strict=True))

    before = kept()
    assert all(current(before).values())
    started = time.perf_counter()
    workflow.transition(Article.objects.get(pk=story.pk), "publish", by=None, system=True)
    took = time.perf_counter() - started
    after = current(before)
    return {
        "kept_entries": len(before),
        "kept_pages": sum(1 for k in before if k.startswith("page:")),
        "dropped": sum(1 for ok in after.values() if not ok),
        "dropped_pages": sum(1 for k, ok in after.items() if not ok and k.startswith("page:")),
        "archive": Article.objects.count(),
        "publish_ms": round(took * 1000, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--freshness", type=int, default=60, help="seconds; 0 skips it")
    parser.add_argument("--sample", type=int, default=500, help="article pages kept")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    os.environ["BENCH_SECRET"] = secrets.token_urlsafe(50)
    hit_port, cold_port, edge_app_port, edge_port = (free_port() for _ in range(4))
    # The servers behind the edge, the worker and this process (the editor) share one
    # cache and purge one edge.
    shared = {
        "CACHE_URL": args.redis,
        "CACHE_KEY_PREFIX": "edge-bench",
        "EDGE_CACHE_URL": f"http://127.0.0.1:{edge_port}",
    }
    os.environ.update(shared)
    os.environ.update(
        {k: v for k, v in server_env(args.workers, 0).items() if k.startswith("DJANGO_")}
    )
    setup_django()
    article = pick_article()
    print(f"Article: {article}", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT,
        env=server_env(args.workers, 0),
        check=True,
    )
    rows = {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script_file:
        script_file.write(WRK_SCRIPT)
    script = script_file.name
    workdir = Path(tempfile.mkdtemp(prefix="edge-bench-"))
    workdir.chmod(0o755)  # nginx's workers read the page as another user
    try:
        local = {"CACHE_URL": "locmemcache://newsroom", "EDGE_CACHE_URL": ""}
        with gunicorn(server_env(args.workers, hit_port, **local)) as base:
            rows["floor"] = load(base + "/_bench/floor" + article, args, script)
            rows["hit"] = load(base + article, args, script)
            _, page = fetch(base + article)
        cold = {**local, "CACHE_URL": "dummycache://"}
        with gunicorn(server_env(args.workers, cold_port, **cold)) as base:
            rows["cold"] = load(base + article, args, script)
        with nginx(page, free_port(), workdir) as base:
            if base:
                rows["nginx"] = load(base + "/", args, script)
        edge_port = free_port()
        shared = {
            "CACHE_URL": args.redis,
            "CACHE_KEY_PREFIX": "edge-bench",
            "EDGE_CACHE_URL": f"http://127.0.0.1:{edge_port}",
        }
        app_env = server_env(args.workers, edge_app_port, **shared)
        with (
            gunicorn(app_env),
            varnish(edge_app_port, edge_port, workdir) as edge,
            process(
                [sys.executable, "manage.py", "run_worker", "--interval", "0.05"],
                app_env,
                "edge-worker.log",
            ),
        ):
            for name, path in (
                ("edge article", article),
                ("edge home", "/"),
                ("edge feed", "/feeds/rss/"),
            ):
                rows[name] = load(edge + path, args, script)
            if args.freshness:
                rows["freshness"] = freshness(edge, article, args, script, app_env)
                print(f"Freshness: {json.dumps(rows['freshness'])}", flush=True)
    finally:
        os.unlink(script)
        shutil.rmtree(workdir, ignore_errors=True)
    rows["dropped"] = dropped_per_publication(args.sample)
    report = {"machine": machine(), "article": article, "rows": rows}
    (OUT / "edge.json").write_text(json.dumps(report, indent=2, default=str))
    print(markdown(report))


def freshness(edge, article, args, script, app_env):
    from articles.models import Article

    story = Article.objects.get(slug=article.rstrip("/").rsplit("/", 1)[-1])
    # Markers of this run only: larger than any an earlier run left in the story.
    base = int(time.time())
    headline = re.sub(r" ?probe-marker-\d+", "", story.headline)
    story.headline = f"{headline} probe-marker-{base}"
    story.save()
    from articles import edge as edge_module

    edge_module.committed({f"article-{story.pk}"}, set())
    time.sleep(1)
    samples, changes, stop = [], [], threading.Event()
    reader = threading.Thread(target=sampler, args=(edge + article, samples, stop))
    reader.start()
    with process(
        [
            "wrk",
            "-t1",
            f"-c{args.connections}",
            f"-d{args.freshness}s",
            "-H",
            "X-Forwarded-Proto: https",
            edge + article,
        ],
        log_name="edge-wrk.log",
    ):
        editor_changes(story.pk, base, args.freshness - 2, changes, stop)
        stop.set()
    reader.join()
    story = Article.objects.get(pk=story.pk)
    if story.status != "published":  # left taken down: out again, for what follows
        Article.objects.filter(pk=story.pk).update(status="published")
    (OUT / "edge-freshness.json").write_text(json.dumps({"samples": samples, "changes": changes}))
    stale, late = stale_count(samples, changes, base)
    delays = visible_after(samples, changes)
    return {
        "samples": len(samples),
        "changes": len(changes),
        "stale": stale,
        "stale_max_s": round(max(late), 2) if late else 0,
        "visible_max_s": round(max(delays), 3) if delays else None,
        "visible_median_s": round(sorted(delays)[len(delays) // 2], 3) if delays else None,
        "statuses": sorted({s for _, s, _ in samples}),
    }


def markdown(report):
    rows = report["rows"]
    floor = rows["floor"]["rps"]
    lines = [
        "| target | req/s | p50 ms | p99 ms | × floor | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("floor", "hit", "cold", "edge article", "edge home", "edge feed", "nginx"):
        if name in rows:
            r = rows[name]
            lines.append(
                f"| {name} | {r['rps']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
                f"**{r['rps'] / floor:.2f}×** | {r['errors']} |"
            )
    if "freshness" in rows:
        lines.append("")
        lines.append(f"Freshness: {json.dumps(rows['freshness'])}")
    lines.append(f"Dropped by one publication: {json.dumps(rows['dropped'])}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
