"""40 requests at once while the database refuses connections: how soon does each answer?

Starts gunicorn (newsroom/gunicorn.conf.py, production mode, 3 workers) with its
DATABASE_URL pointing at a small TCP gate that forwards to the PostgreSQL server named by
DATABASE_URL. Each worker's page cache is warmed with a few pages, then the gate is shut:
its connections are cut and nothing listens on its port any more, so every connection
attempt is refused, as while the server restarts. After the site state the workers keep
has expired (caching.LOCAL_STATE_SECONDS), two bursts of --requests concurrent requests
(one connection each) go out, a second apart: a third warmed (cached) pages, a third
pages no worker has cached, a third /healthz. The first burst includes each worker's
first meeting with the outage; the second is the outage as every worker knows it. Then
the gate opens again and the script waits for the first 200 of an uncached page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_sec_bench \\
        .venv/bin/python bench/outage.py

`--root DIR` serves another checkout of the project (e.g. `git archive HEAD` unpacked)
with this checkout's virtualenv, to compare before and after. Needs only the database
(a few hundred published articles: bench/generate_archive.py --articles 500). Writes
bench/out/outage.json.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "bench" / "out"


class Gate:
    """A TCP forwarder to the database that can be shut (then connections are refused)."""

    def __init__(self, target, port=0):
        self.target = target
        self.sockets = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def shut(self):
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets = []

    def reopen(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()


def get(port, path, timeout=60):
    started = time.monotonic()
    status, headers, body, error = None, {}, b"", ""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        status, headers = response.status, dict(response.getheaders())
        conn.close()
    except OSError as exc:
        error = type(exc).__name__
    return {
        "path": path,
        "status": status,
        "error": error,
        "ms": round((time.monotonic() - started) * 1000, 1),
        "stale": headers.get("X-Served-Stale", ""),
        "body": body,
    }


def burst(port, paths):
    results = [None] * len(paths)

    def one(i):
        results[i] = get(port, paths[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summary(rows):
    by_kind = {}
    for row in rows:
        found = by_kind.setdefault(row["kind"], {"outcomes": {}, "ms": []})
        key = str(row["status"] or row["error"])
        found["outcomes"][key] = found["outcomes"].get(key, 0) + 1
        found["ms"].append(row["ms"])
    report = {}
    for kind, found in by_kind.items():
        ms = sorted(found["ms"])
        report[kind] = {
            "outcomes": found["outcomes"],
            "p50_ms": statistics.median(ms),
            "max_ms": ms[-1],
        }
    every = sorted(row["ms"] for row in rows)
    report["all"] = {"p50_ms": statistics.median(every), "max_ms": every[-1]}
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=PROJECT, help="the checkout to serve")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8793)
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL to a PostgreSQL database with published articles")
    parts = urlsplit(url)
    gate = Gate((parts.hostname or "127.0.0.1", parts.port or 5432))
    gated = parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{gate.port}")
    env = dict(
        os.environ,
        DATABASE_URL=gated.geturl(),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        GUNICORN_BIND=f"127.0.0.1:{args.port}",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_LOG_LEVEL="warning",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    env.pop("CACHE_URL", None)
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / "outage-gunicorn.log", "w")  # noqa: SIM115 -- open for the run
    server = subprocess.Popen(
        [
            str(PROJECT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "newsroom/gunicorn.conf.py",
            "newsroom.wsgi",
        ],
        cwd=args.root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while get(args.port, "/healthz", timeout=5)["status"] != 200:
            if time.monotonic() > deadline:
                sys.exit("the server did not come up; see bench/out/outage-gunicorn.log")
            time.sleep(0.3)
        home = get(args.port, "/")["body"].decode()
        links = list(
            dict.fromkeys(re.findall(r'href="(/[a-z0-9-]+/\d{4}/\d\d/\d\d/[^"]+/)"', home))
        )
        sections = list(dict.fromkeys(re.findall(r'href="(/section/[a-z0-9-]+/)"', home)))
        if len(links) < 4 or not sections:
            sys.exit("the home page links too few articles: fill the database first")
        cached = ["/", *links[:3], *sections[:2]]
        uncached = [f"{section}?page={n}" for section in sections for n in range(2, 5)]
        # Every worker keeps its own page cache: ask often enough that each has every page.
        for _ in range(4 * args.workers):
            for path in cached:
                assert get(args.port, path)["status"] == 200, path
        gate.shut()
        shut_at = time.monotonic()
        time.sleep(2.5)  # the site state each worker trusts for 2 s has expired
        mix = []
        for i in range(args.requests):
            kind = ("cached", "uncached", "healthz")[i % 3]
            path = {
                "cached": cached[i % len(cached)],
                "uncached": uncached[i % len(uncached)],
                "healthz": "/healthz",
            }[kind]
            mix.append((kind, path))
        bursts = []
        for _ in range(2):
            rows = burst(args.port, [path for _, path in mix])
            for row, (kind, _) in zip(rows, mix, strict=True):
                row["kind"] = kind
                del row["body"]
            bursts.append(rows)
            time.sleep(1)
        gate.reopen()
        opened = time.monotonic()
        while get(args.port, uncached[0], timeout=10)["status"] != 200:
            if time.monotonic() - opened > 60:
                break
            time.sleep(0.05)
        recovered = round(time.monotonic() - opened, 2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {
        "label": args.label,
        "root": str(args.root),
        "workers": args.workers,
        "requests": args.requests,
        "outage_seconds": round(opened - shut_at, 1),
        "first burst": summary(bursts[0]),
        "second burst": summary(bursts[1]),
        "first 200 after the database was back (s)": recovered,
        "rows": bursts,
    }
    (OUT / "outage.json").write_text(json.dumps(report, indent=1))
    shown = {k: v for k, v in report.items() if k != "rows"}
    print(json.dumps(shown, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
