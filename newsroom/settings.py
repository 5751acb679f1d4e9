"""Newsroom settings: one file, every difference between environments comes from variables.

With nothing set, the site runs in production mode: a forgotten variable never turns
debug pages on. Production mode refuses to start without a real DJANGO_SECRET_KEY and
passes `manage.py check --deploy --fail-level WARNING`. DJANGO_DEBUG=1 is debug mode, on
SQLite inside the checkout unless DATABASE_URL says otherwise; `make run`, `make test`
and CI set it where they need it.

Scaling out is configuration only (see README "Production"):
  DATABASE_URL          PostgreSQL, through psycopg's connection pool
  DATABASE_REPLICA_URL  a read replica; newsroom.routers sends safe reads there
  CACHE_URL             redis://host:6379/N (Django's RedisCache) or memcached
  MEDIA_STORAGE=s3      uploads to object storage through django-storages (AWS_* vars)
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-used-when-debug-is-off"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production mode (the default) needs a secret key "
            "from the environment; set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for a local site."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Background tasks run on the database unless TASKS_URL names a Redis (see TASKS below).
TASKS_URL = env.str("TASKS_URL", default="")
_TASKS_ON_REDIS = TASKS_URL.startswith(("redis://", "rediss://"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "reversion",
    "django_prose_editor",
    "csp",
    "django_tasks",
    "django_tasks_db",
    *(["django_rq", "django_tasks_rq"] if _TASKS_ON_REDIS else []),
    "background",
    "photos",
    "articles",
    "api",
    "sharing",
    "desk",
    "logins",
    # Last, as its documentation asks: it wraps the authentication of every other app.
    "axes",
]

MIDDLEWARE = [
    # Outermost, so the logged duration and status are what the client got.
    "newsroom.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # An anonymous reader's page the cache holds is answered here, before the rest.
    "articles.caching.KeptPageMiddleware",
    "newsroom.middleware.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.AdminMediaNonceMiddleware",
    "axes.middleware.AxesMiddleware",
    # Old addresses (imported WordPress URLs, moved articles): 301 or 410 when no page
    # answers; inside the session and auth middleware, so the 410 page renders as any page.
    "articles.legacy.LegacyAddressMiddleware",
    # Innermost, so it sees a view's database error before anything turns it into a 500.
    "newsroom.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# SQLite inside the checkout unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if replica_url := env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url_config(replica_url)
    # Tests have one database: the replica is the default seen through another alias.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]

# Seconds a request waits for a pooled PostgreSQL connection before it is answered 503.
# A sync gunicorn worker uses one connection at a time, so it only ever waits while a
# connection is being (re)made: this is how long an outage may hold a request. It must
# stay well below gunicorn's timeout (newsroom/gunicorn.conf.py), or gunicorn would kill
# the worker first and the client would see a dropped connection. With threaded workers
# keep DATABASE_POOL_MAX_SIZE at least GUNICORN_THREADS.
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=2.0)
# Once a process has seen the database unreachable it answers 503 at once (and serves
# the pages its cache holds) while one probe every DATABASE_BREAKER_PROBE_SECONDS asks
# the database; without a probe's word it tries again DATABASE_BREAKER_SECONDS after the
# last failure (newsroom/breaker.py).
DATABASE_BREAKER_SECONDS = env.float("DATABASE_BREAKER_SECONDS", default=5.0)
DATABASE_BREAKER_PROBE_SECONDS = env.float("DATABASE_BREAKER_PROBE_SECONDS", default=0.5)
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        # psycopg's pool replaces persistent connections (Django refuses both at once).
        # With CONN_HEALTH_CHECKS Django gives the pool check=ConnectionPool.check_connection:
        # each connection is tested as it is handed out, so the first request after a
        # database restart gets a fresh connection instead of a dead one.
        database["CONN_MAX_AGE"] = 0
        database["CONN_HEALTH_CHECKS"] = True
        # Django's backend, with a pool that answers at once while the server refuses
        # connections instead of waiting out DATABASE_POOL_TIMEOUT (newsroom/postgres).
        database["ENGINE"] = "newsroom.postgres"
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
            "timeout": DATABASE_POOL_TIMEOUT,
            # How long a lost server is retried in the background before the pool gives up
            # on that connection attempt (requests meanwhile get their 503 after `timeout`).
            "reconnect_timeout": env.float("DATABASE_POOL_RECONNECT_TIMEOUT", default=60.0),
        }
    else:
        # A newsroom has several people saving at once; wait for the write lock instead of
        # failing.
        database.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Ours first: it refuses a locked-out account, then (django-axes) a locked-out
# username+address, before any password check.
AUTHENTICATION_BACKENDS = [
    "newsroom.auth.LoginRateLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Where a login lands when its ``next`` is missing or unsafe (another site): the admin is
# the only thing staff log in for (Django's default, /accounts/profile/, is a 404 here).
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# Lock the pair, not the address alone: a newsroom shares one office address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Its start-up banner would sit at the top of every management command's output.
AXES_VERBOSE = False
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Behind DJANGO_PROXY_COUNT proxies, the client address is the one the outermost proxy
# added to X-Forwarded-For (newsroom.auth.client_address); with none, the peer's address.
# (Axes' own proxy settings need django-ipware, which is not installed, and trust the
# left-most address, which the client writes.)
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "newsroom.auth.client_address"
# The answer to a locked-out login: axes' message, or the account lockout's with its end.
AXES_LOCKOUT_CALLABLE = "newsroom.auth.lockout_response"
# The account-wide lockout (logins/lockout.py says why axes does not do it): this many
# failed logins for one username from any addresses within the window lock it, from every
# address, for LOGIN_ACCOUNT_LOCKOUT, and the editors-in-chief (active superusers with an
# address) get one e-mail. 20 is four addresses' worth of the per-address limit: no one
# mistyping gets there, a guesser with many addresses gets 20 tries, then an hour's wait.
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
LOGIN_ACCOUNT_FAILURE_WINDOW = timedelta(
    minutes=env.int("LOGIN_ACCOUNT_FAILURE_WINDOW_MINUTES", default=60)
)
LOGIN_ACCOUNT_LOCKOUT = timedelta(minutes=env.int("LOGIN_ACCOUNT_LOCKOUT_MINUTES", default=60))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="en-us")
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Uploaded media. On one machine the app serves them itself (newsroom/media.py), through
# SecurityMiddleware, so every file carries X-Content-Type-Options: nosniff and the
# site's CSP; a browser never runs an upload as HTML or script. Several app servers
# share media through object storage instead: MEDIA_STORAGE=s3 with
# AWS_STORAGE_BUCKET_NAME, AWS_S3_REGION_NAME, optional AWS_S3_ENDPOINT_URL (any
# S3-compatible store) and AWS_S3_CUSTOM_DOMAIN (the CDN in front of it); credentials come
# from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY through boto3, which must then be installed
# (`pip install boto3`). The bucket or CDN must then send nosniff itself.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    _media_backend = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            "location": env.str("AWS_S3_LOCATION", default="media"),
            # Public, immutable URLs: renditions are never rewritten under the same name.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
    if domain := env.str("AWS_S3_CUSTOM_DOMAIN", default=""):
        MEDIA_URL = f"https://{domain}/"
elif MEDIA_STORAGE == "filesystem":
    _media_backend = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE={MEDIA_STORAGE!r} is not known; use 'filesystem' or 's3'."
    )
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=MEDIA_STORAGE == "filesystem")

STORAGES = {
    "default": _media_backend,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="newsroom@localhost")

# redis://host:6379/N selects Django's own RedisCache (needs the redis package). The key
# prefix keeps this site's keys apart on a shared server.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://newsroom")}
CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="newsroom"))
if issubclass(import_string(CACHES["default"]["BACKEND"]), LocMemCache):
    # Pages keep their pieces (cards of 1-2 KB, article parts) in the cache: Django's
    # default of 300 entries would throw a third of them away every few requests. 5,000
    # entries of pages (15-130 KB) and pieces stay within tens of megabytes a worker.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5_000)

# The edge cache in front of the site (Varnish with xkey, deploy/varnish/default.vcl): the
# address its PURGE requests go to, e.g. http://127.0.0.1:6081. Empty: no edge, no purges.
# With an edge, public pages say s-maxage=EDGE_S_MAXAGE and the edge keeps them until a
# write purges their keys (articles/edge.py); EDGE_GRACE is how long a stale copy may be
# served while the edge fetches a new one.
EDGE_CACHE_URL = env.str("EDGE_CACHE_URL", default="")
EDGE_S_MAXAGE = env.int("EDGE_S_MAXAGE", default=3600)
EDGE_GRACE = env.int("EDGE_GRACE", default=30)

# What the public site says about itself (feeds, JSON-LD, the Google News sitemap).
# Background tasks: Django's Tasks API (the django-tasks backport of Django 6's
# django.tasks). By default tasks are rows in our own database, run by
# `manage.py run_worker` (no other service); TASKS_URL=redis://host:6379/N runs them on
# RQ instead, for sites that already run Redis. See README "Background tasks".
if _TASKS_ON_REDIS:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": TASKS_URL, "DEFAULT_TIMEOUT": 600}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A failed task is tried again after 30 s, then 60 s, 120 s...; the last failure is kept.
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=5)
TASK_RETRY_FIRST_DELAY = env.float("TASK_RETRY_FIRST_DELAY", default=30.0)
# A task running longer than this is taken to have lost its worker and is run again.
TASK_STALLED_AFTER = env.int("TASK_STALLED_AFTER", default=1800)

NEWSROOM = {
    "SITE_NAME": env.str("NEWSROOM_SITE_NAME", default="The Daily Ledger"),
    "SITE_URL": env.str("NEWSROOM_SITE_URL", default="http://127.0.0.1:8000"),
    "LANGUAGE": env.str("NEWSROOM_LANGUAGE", default="en"),
}

# The content API (/api/v1/): whether it answers requests without an API key.
API_ALLOW_ANONYMOUS = env.bool("API_ALLOW_ANONYMOUS", default=True)

# Photo uploads: our own limits, checked before any pixel is decoded (photos/uploads.py).
NEWSROOM_MAX_PIXELS = env.int("NEWSROOM_MAX_PIXELS", default=60_000_000)
NEWSROOM_MAX_UPLOAD_BYTES = env.int("NEWSROOM_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)

# Security headers. HSTS and secure cookies only in production: a local http:// run would
# otherwise lock the browser out of localhost.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preload-ready by default (two years would be the list's ideal; one year is its floor).
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain http by load balancers inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy, name the header it sets, e.g.
# DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (only if the proxy
# always overwrites it; otherwise clients could claim https).
if proxy_header := env.tuple("DJANGO_SECURE_PROXY_SSL_HEADER", default=()):
    SECURE_PROXY_SSL_HEADER = proxy_header

# Content-Security-Policy (django-csp 4). No inline script at all: the article's JSON-LD
# is a data block (type application/ld+json), which script-src does not govern, so it
# carries no nonce and cached pages hold none (a nonce served twice protects nothing).
# Only the admin's form media use the per-request nonce (AdminMediaNonceMiddleware); the
# policy names a nonce only on pages that used one.
# Images may also come from the media origin when media live on a CDN.
_media_origin = [MEDIA_URL.rstrip("/")] if MEDIA_URL.startswith("https://") else []
# The rich-text editor (tiptap inside django-prose-editor 0.28) injects one fixed <style>
# block; its hash allows exactly that block and no other inline style. After upgrading the
# editor, tests/test_production.py's browser test prints the new hash if it changed.
_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, _EDITOR_STYLE_HASH],
        "img-src": [SELF, "data:", *_media_origin],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Request lines are already JSON (newsroom.middleware.RequestLogMiddleware).
        "message": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json_lines": {"class": "logging.StreamHandler", "formatter": "message"},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "newsroom.requests": {"handlers": ["json_lines"], "level": "INFO", "propagate": False},
        # Our request log replaces Django's per-request warnings for 4xx/5xx.
        "django.request": {"level": "ERROR"},
    },
}
