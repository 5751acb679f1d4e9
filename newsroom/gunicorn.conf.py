"""gunicorn settings for the newsroom site: `gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi`.

Every value can be overridden from the environment (GUNICORN_*).
"""

import os

_cpus = os.cpu_count() or 1

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request holds one worker, and the database is the slow part, so the
# classic 2 x CPUs + 1 keeps the CPUs busy while some workers wait on queries.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cpus + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# A worker silent this long is killed and replaced. Must exceed DATABASE_POOL_TIMEOUT, so
# that a request waiting for a connection gets its 503 before gunicorn gives up on it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then, so a slow leak cannot grow forever. Rarely: a new worker
# imports Django and starts with an empty page cache, and the requests queued behind the
# restart wait for it. At 2,000 (the old value) a busy server restarted a worker every
# couple of seconds and its p99 was 70 times its p50 (bench/RESULTS.md). The jitter (a
# quarter) keeps workers that started together from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50_000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 4))
# A leak fast enough to matter is caught by size instead: a worker whose resident memory
# passes this many MB finishes its request and is replaced (0: never).
max_worker_memory_mb = int(os.environ.get("GUNICORN_MAX_WORKER_MEMORY_MB", 1024))
# Heartbeat files in memory, not on a possibly slow disk.
_SHM = "/dev/shm"  # noqa: S108 -- gunicorn only writes its worker heartbeat files there
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
# Requests are logged as JSON lines by the app (newsroom.middleware.RequestLogMiddleware).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Each worker opens its own connection pool after the fork (no preload).
preload_app = False

_pool_timeout = float(os.environ.get("DATABASE_POOL_TIMEOUT", 2.0))  # as in settings
if _pool_timeout >= timeout:
    raise SystemExit(
        f"DATABASE_POOL_TIMEOUT ({_pool_timeout}s) must be below GUNICORN_TIMEOUT "
        f"({timeout}s), or a request waiting for a connection is killed instead of answered."
    )


def _resident_mb():
    """This process's resident memory now, in MB (Linux; elsewhere its peak)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def post_request(worker, req, environ, resp):
    """Replace a worker grown past max_worker_memory_mb, once its request is answered."""
    if max_worker_memory_mb and _resident_mb() > max_worker_memory_mb:
        worker.log.warning(
            "worker %s uses over %s MB: restarting it", worker.pid, max_worker_memory_mb
        )
        worker.alive = False
