"""PostgreSQL goes away in the middle of a load run: what do clients see?

Starts gunicorn (newsroom/gunicorn.conf.py, production mode) on the PostgreSQL database
named by DATABASE_URL, loads it with a few client threads (article pages, search and
/healthz, one request per connection as a load balancer's would be), then stops the
PostgreSQL cluster, keeps it down for --down seconds, and starts it again. Every request
is recorded with its start, end, status and error, then sorted into phases:

  before     ended before the stop began
  in flight  started before the server had stopped, ended after the stop began
             (these may fail)
  down       started after the server had stopped and ended before it accepted
             connections again (must all be 503)
  recovery   the rest until the first success after the server was back (200 or 503)
  after      started after that first success (must all be 200)

The claims it checks: only in-flight requests fail with anything but a 503; while the
database is down every answer is a 503, and quickly (their latency is reported, as the
client saw it, queueing for a free worker included); the site recovers by itself (time
from "database accepting connections" to the first 200; no errors after that).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_production \\
        .venv/bin/python bench/db_restart.py --down 5

Run it as root on the machine that hosts the cluster (it uses pg_ctlcluster). It ALWAYS
starts the cluster again, even when interrupted. Other people's connections to the same
cluster drop too: run it only when that is agreed.
"""

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import OUT, PROJECT, sample_paths, wait_for  # noqa: E402


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []

    def add(self, row):
        with self.lock:
            self.rows.append(row)


def client(port, paths, stop, recorder, seed):
    """One client: request after request, each on a fresh connection."""
    n = seed
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 7
        started = time.monotonic()
        status, error = None, ""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except OSError as exc:
            error = type(exc).__name__
        recorder.add(
            {
                "path": path,
                "start": started,
                "end": time.monotonic(),
                "status": status,
                "error": error,
            }
        )


def pg(action, version, cluster):
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action],
        capture_output=True,
        text=True,
        check=False,
    )


def is_ready(port):
    command = ["pg_isready", "-h", "127.0.0.1", "-p", str(port), "-q"]
    return subprocess.run(command, check=False).returncode == 0


def wait_until_ready(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_ready(port):
            return time.monotonic()
        time.sleep(0.05)
    return None


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def phase_of(row, marks):
    if row["end"] < marks["stop_begin"]:
        return "before"
    if row["start"] < marks["stop_end"]:
        return "in flight"
    if row["end"] <= marks["ready"]:
        return "down"
    if row["start"] < marks["first_ok_after"]:
        return "recovery"
    return "after"


def summarise(rows, marks):
    phases = {}
    for row in rows:
        phase = phases.setdefault(phase_of(row, marks), {"rows": []})
        phase["rows"].append(row)
    report = {}
    for name in ("before", "in flight", "down", "recovery", "after"):
        found = phases.get(name, {"rows": []})["rows"]
        outcomes = {}
        for row in found:
            key = str(row["status"]) if row["status"] else row["error"]
            outcomes[key] = outcomes.get(key, 0) + 1
        latencies = [(r["end"] - r["start"]) * 1000 for r in found]
        report[name] = {
            "requests": len(found),
            "outcomes": outcomes,
            "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None,
        }
        if name == "down":
            unavailable = [(r["end"] - r["start"]) * 1000 for r in found if r["status"] == 503]
            report[name]["503_mean_ms"] = (
                round(statistics.mean(unavailable), 1) if unavailable else None
            )
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # As many clients as workers: each request finds a free worker, so latencies are the
    # server's and not time spent queueing behind other clients.
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before")
    parser.add_argument("--down", type=float, default=5, help="seconds the database is down")
    parser.add_argument("--after", type=float, default=15, help="seconds of load after")
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--cluster", default="15/main")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database of your own")
    if args.down >= 10:
        sys.exit("keep the outage under 10 s: other people use this server")
    version, cluster = args.cluster.split("/")
    db_port = urlsplit(os.environ["DATABASE_URL"]).port or 5432

    articles, searches = sample_paths(100, seed=5)
    paths = [
        p
        for trio in zip(articles, searches, ["/healthz"] * len(articles), strict=False)
        for p in trio
    ]
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            "GUNICORN_WORKERS": str(args.workers),
            "GUNICORN_LOG_LEVEL": "warning",
        }
    )
    OUT.mkdir(exist_ok=True)
    log = open(OUT / "db-restart-gunicorn.log", "w")  # noqa: SIM115 - the server's lifetime
    server = subprocess.Popen(
        [str(PROJECT / ".venv/bin/gunicorn"), "-c", "newsroom/gunicorn.conf.py", "newsroom.wsgi"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=log,
    )
    recorder, stop = Recorder(), threading.Event()
    marks, threads = {}, []
    try:
        wait_for(f"http://127.0.0.1:{args.port}/healthz")
        threads = [
            threading.Thread(target=client, args=(args.port, paths, stop, recorder, i))
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)

        marks["stop_begin"] = time.monotonic()
        result = pg("stop", version, cluster)
        marks["stop_end"] = time.monotonic()
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctlcluster stop failed: {result.stderr}")
        time.sleep(max(0.0, args.down - (marks["stop_end"] - marks["stop_begin"])))
        marks["start_begin"] = time.monotonic()
        # Watch for readiness while the start command runs: it returns a while after the
        # server already accepts connections.
        starting = subprocess.Popen(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        marks["ready"] = wait_until_ready(db_port)
        _, stderr = starting.communicate(timeout=60)
        if starting.returncode != 0 or marks["ready"] is None:
            raise RuntimeError(f"pg_ctlcluster start failed: {stderr}")
        time.sleep(args.after)
    finally:
        if not is_ready(db_port):
            pg("start", version, cluster)
            wait_until_ready(db_port)
        stop.set()
        for thread in threads:
            thread.join(timeout=70)
        server.terminate()
        server.wait(timeout=30)
        log.close()

    rows = sorted(recorder.rows, key=lambda r: r["start"])
    ok_after = [r for r in rows if r["start"] >= marks["ready"] and r["status"] == 200]
    marks["first_ok_after"] = ok_after[0]["start"] if ok_after else float("inf")
    report = {
        "outage_s": round(marks["ready"] - marks["stop_begin"], 2),
        "stop_took_s": round(marks["stop_end"] - marks["stop_begin"], 2),
        "start_to_ready_s": round(marks["ready"] - marks["start_begin"], 2),
        "first_200_after_ready_s": (
            round(ok_after[0]["end"] - marks["ready"], 2) if ok_after else None
        ),
        "phases": summarise(rows, marks),
        "run": {
            "clients": args.clients,
            "workers": args.workers,
            "down_s": args.down,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
    }
    print(json.dumps(report, indent=2))
    # Every request, timed from the moment the stop began, for a closer look.
    t0 = marks["stop_begin"]
    report["marks_s"] = {k: round(v - t0, 3) for k, v in marks.items() if v != float("inf")}
    report["requests"] = [
        {
            **r,
            "start": round(r["start"] - t0, 3),
            "end": round(r["end"] - t0, 3),
            "phase": phase_of(r, marks),
        }
        for r in rows
    ]
    (OUT / "db-restart.json").write_text(json.dumps(report, indent=2))

    phases = report["phases"]
    claims = {
        "every answer while down is a 503": set(phases["down"]["outcomes"]) <= {"503"},
        "no error but 503 outside in-flight requests": all(
            set(phases[p]["outcomes"]) <= {"200", "503"} for p in ("down", "recovery")
        ),
        "nothing but 200 after recovery": set(phases["after"]["outcomes"]) <= {"200"},
        "the site recovered by itself": bool(ok_after),
        "before the stop all was well": set(phases["before"]["outcomes"]) <= {"200"},
    }
    for claim, held in claims.items():
        print(f"{'ok  ' if held else 'FAIL'} {claim}")
    print(subprocess.run(["pg_lsclusters"], capture_output=True, text=True).stdout)
    return 0 if all(claims.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
