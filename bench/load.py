"""Bounded load test: N concurrent clients for 60 s against article pages and search.

Starts gunicorn with newsroom/gunicorn.conf.py in production mode (DJANGO_DEBUG=0, a
throwaway secret key) on the database named by DATABASE_URL, then runs two `wrk`
processes side by side for the same duration: half the connections fetch random
published article pages, half run searches for random words from their headlines. It
reports, for each, requests per second, errors (socket errors and HTTP statuses >= 400:
must be zero) and latency percentiles, and writes them to bench/out/load.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_production \\
        .venv/bin/python bench/load.py --clients 16 --duration 60

Needs `wrk` (apt-get install -y wrk) and a database with published articles
(bench/generate_archive.py makes one).
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "bench" / "out"

# wrk's Lua side: each connection picks a random path from a file; done() prints the
# figures as one JSON line so the Python side need not parse wrk's text report.
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("LOAD_PATHS")) do paths[#paths + 1] = line end
math.randomseed(tonumber(os.getenv("LOAD_SEED")))
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, '
    .. '"max_ms": %.2f}\\n',
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def sample_paths(count, seed):
    """Published article URLs and search queries, read through the project's own models."""
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from articles.models import Article

    articles = list(
        Article.objects.published().select_related("section").order_by("-published_at")[:count]
    )
    if not articles:
        sys.exit("no published articles: fill the database first (bench/generate_archive.py)")
    rng = random.Random(seed)
    words = sorted({w.lower() for a in articles for w in re.findall(r"[A-Za-z]{5,}", a.headline)})
    queries = [f"/search/?q={w}" for w in rng.sample(words, min(len(words), count))]
    return [a.get_absolute_url() for a in articles], queries


def server_env(args):
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain http on loopback; everything else as in production.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            "GUNICORN_LOG_LEVEL": "warning",
        }
    )
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    return env


def wait_for(url, timeout=60, log="bench/out/load-gunicorn.log"):
    """Wait until ``url`` answers 200 (the server under test is up), or stop the run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the server did not answer {url} within {timeout} s; see {log}")


def start_wrk(base, paths, connections, duration, seed, workdir):
    path_file = workdir / f"paths-{seed}.txt"
    path_file.write_text("\n".join(paths) + "\n")
    script = workdir / "load.lua"
    script.write_text(WRK_SCRIPT)
    env = dict(os.environ, LOAD_PATHS=str(path_file), LOAD_SEED=str(seed))
    return subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            base,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def figures(process):
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.exit(f"wrk failed: {stderr}")
    found = json.loads(stdout.strip().splitlines()[-1])
    found["errors"] = sum(found[k] for k in ("connect", "read", "write", "status", "timeout"))
    found["rps"] = round(found["requests"] / found["seconds"], 1)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections in all")
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="gunicorn workers (default: newsroom/gunicorn.conf.py's, from the CPU count)",
    )
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--sample", type=int, default=500, help="distinct articles and queries")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--only", choices=["article page", "search"], help="load one target with all the clients"
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk)")

    articles, searches = sample_paths(args.sample, args.seed)
    OUT.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    with open(OUT / "load-gunicorn.log", "w") as log, tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [
                str(PROJECT / ".venv/bin/gunicorn"),
                "-c",
                "newsroom/gunicorn.conf.py",
                "newsroom.wsgi",
            ],
            cwd=PROJECT,
            env=server_env(args),
            stdout=log,
            stderr=log,
        )
        half = max(1, args.clients // 2)
        try:
            wait_for(f"{base}/healthz")
            if args.only:
                half = args.clients if args.only == "article page" else 0
            runs = {}
            if half:
                runs["article page"] = start_wrk(
                    base, articles, half, args.duration, args.seed, Path(tmp)
                )
            if args.clients - half:
                runs["search"] = start_wrk(
                    base, searches, args.clients - half, args.duration, args.seed + 1, Path(tmp)
                )
            report = {name: figures(process) for name, process in runs.items()}
        finally:
            server.terminate()
            server.wait(timeout=30)

    report["_run"] = {
        "clients": args.clients,
        "duration_s": args.duration,
        "workers": args.workers or "from CPU count",
        "cpus": os.cpu_count(),
        "database": os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1],
        "cache": os.environ.get("CACHE_URL", "locmem (default)"),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        # The machine is shared: say how busy it was, figures are only comparable with it.
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    (OUT / "load.json").write_text(json.dumps(report, indent=2))
    print("| target | clients | requests | req/s | errors | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    targets = [n for n in ("article page", "search") if n in report]
    for name in targets:
        r = report[name]
        clients = half if name == "article page" else args.clients - half
        print(
            f"| {name} | {clients} | {r['requests']} | {r['rps']} | {r['errors']} | "
            f"{r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} |"
        )
    errors = sum(report[n]["errors"] for n in targets)
    load = report["_run"]["load_average_after"]
    print(f"errors: {errors} (must be 0); load average after: {load}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
