"""Settings read from the environment: production mode, databases, cache and media storage.

Each case starts a fresh Python process with its own environment, because settings are
read once at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Enough for production mode; each test adds or removes what it is about.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-test-secret-that-is-long-and-random-enough-9f3k2j5h7g1q8w4e6r0t",
    "DJANGO_ALLOWED_HOSTS": "news.example.com",
}

# Variables a developer's shell or .env might carry into the child process.
CONFIG_VARS = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "CACHE_URL",
    "MEDIA_STORAGE",
    "DJANGO_SECURE_PROXY_SSL_HEADER",
    "DATABASE_POOL_TIMEOUT",
    # Set by browser tests in this process; check --deploy rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def child_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    # Explicitly empty, so a DJANGO_SECRET_KEY in a local .env cannot leak in.
    # Debug mode unless a test says otherwise: most cases are about one other variable.
    env.update(
        {
            "DJANGO_SECRET_KEY": "",
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        }
    )
    env.update(overrides)
    return env


def run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in(names, **env):
    """The named settings as a fresh process sees them (JSON-friendly)."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, "
        "default=str))"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_mode_refuses_to_start_without_secret_key():
    result = run(["manage.py", "check"], **{**PRODUCTION, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_starts_without_secret_key():
    result = run(["manage.py", "check"], DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_passes_in_production_mode():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_in_debug_mode():
    """The check above can fail: in debug mode the same command reports problems."""
    env = {**PRODUCTION, "DJANGO_DEBUG": "1"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on in deployment


def test_production_mode_sets_hsts_secure_cookies_and_hashed_static_files():
    found = settings_in(
        [
            "SECURE_HSTS_SECONDS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_SSL_REDIRECT",
            "SECURE_CONTENT_TYPE_NOSNIFF",
            "SECURE_REFERRER_POLICY",
            "STORAGES",
            "SECURE_PROXY_SSL_HEADER",
        ],
        **PRODUCTION,
    )
    assert found["SECURE_HSTS_SECONDS"] >= 31536000
    assert found["SESSION_COOKIE_SECURE"] and found["CSRF_COOKIE_SECURE"]
    assert found["SECURE_SSL_REDIRECT"] and found["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert found["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert found["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert found["SECURE_PROXY_SSL_HEADER"] is None


def test_proxy_ssl_header_comes_from_the_environment():
    found = settings_in(
        ["SECURE_PROXY_SSL_HEADER"],
        **PRODUCTION,
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_csp_allows_no_inline_script_except_by_nonce():
    found = settings_in(["CONTENT_SECURITY_POLICY"], **PRODUCTION)
    directives = found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'", "csp.constants.NONCE"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def test_postgres_url_uses_the_connection_pool_without_persistent_connections():
    found = settings_in(
        ["DATABASES", "DATABASE_POOL_TIMEOUT"],
        DATABASE_URL="postgres://u@db.example.com:5432/news",
        DATABASE_POOL_TIMEOUT="2.5",
    )
    default = found["DATABASES"]["default"]
    assert default["CONN_MAX_AGE"] == 0
    # Django passes check=ConnectionPool.check_connection to the pool when this is on.
    assert default["CONN_HEALTH_CHECKS"] is True
    pool = default["OPTIONS"]["pool"]
    assert pool["timeout"] == 2.5 and pool["min_size"] >= 1 and pool["max_size"] >= 1


def test_pooled_postgres_settings_open_a_pool_that_checks_connections():
    """Django builds the psycopg pool from our OPTIONS without complaint."""
    code = (
        "import django; django.setup(); from django.db import connection; "
        "pool = connection.pool; "
        "print(type(pool).__name__, type(pool._pool).__name__, pool.timeout, "
        "pool._check is not None)"
    )
    result = run(
        ["-c", code],
        DATABASE_URL="postgres://u@db.example.com:5432/news",
        DATABASE_POOL_TIMEOUT="2.5",
    )
    assert result.returncode == 0, result.stderr
    # psycopg's pool, seen through the wrapper that fails at once when nothing listens.
    assert result.stdout.split()[-4:] == ["FailFastPool", "ConnectionPool", "2.5", "True"]


def test_sqlite_has_no_pool_and_no_replica_by_default():
    found = settings_in(["DATABASES", "DATABASE_ROUTERS"])
    assert set(found["DATABASES"]) == {"default"}
    assert "pool" not in found["DATABASES"]["default"]["OPTIONS"]
    assert found["DATABASE_ROUTERS"] == []


def test_replica_url_adds_a_mirrored_replica_and_the_router():
    found = settings_in(
        ["DATABASES", "DATABASE_ROUTERS"],
        DATABASE_URL="postgres://u@primary.example.com/news",
        DATABASE_REPLICA_URL="postgres://u@replica.example.com/news",
    )
    replica = found["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.example.com"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert "pool" in replica["OPTIONS"] and replica["CONN_MAX_AGE"] == 0
    assert found["DATABASE_ROUTERS"] == ["newsroom.routers.ReplicaRouter"]


def test_cache_url_selects_redis_with_a_key_prefix():
    found = settings_in(["CACHES"], CACHE_URL="redis://127.0.0.1:6379/5")
    cache = found["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/5"
    assert cache["KEY_PREFIX"] == "newsroom"


def test_redis_cache_stores_and_reads_back():
    """A real round trip through Redis, on a database number of our own."""
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        "cache.set('settings-test', {'a': 1}, 30); print(cache.get('settings-test')); "
        "cache.delete('settings-test')"
    )
    result = run(["-c", code], CACHE_URL="redis://127.0.0.1:6379/5")
    if "ConnectionError" in result.stderr or "Connection refused" in result.stderr:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "{'a': 1}"


def test_media_storage_s3_switches_the_default_storage():
    found = settings_in(
        ["STORAGES", "MEDIA_URL", "SERVE_MEDIA", "CONTENT_SECURITY_POLICY"],
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="ledger-media",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_S3_CUSTOM_DOMAIN="media.example.com",
    )
    default = found["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "ledger-media"
    assert default["OPTIONS"]["region_name"] == "eu-west-1"
    assert default["OPTIONS"]["querystring_auth"] is False
    assert found["MEDIA_URL"] == "https://media.example.com/"
    assert found["SERVE_MEDIA"] is False
    img_src = found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert "https://media.example.com" in img_src


def test_media_storage_defaults_to_local_files_served_by_the_app():
    found = settings_in(["STORAGES", "SERVE_MEDIA"])
    assert found["STORAGES"]["default"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )
    assert found["SERVE_MEDIA"] is True


def test_unknown_media_storage_is_refused_with_a_clear_error():
    result = run(["manage.py", "check"], MEDIA_STORAGE="ftp")
    assert result.returncode != 0
    assert "MEDIA_STORAGE='ftp' is not known" in result.stderr


def test_s3_without_a_bucket_is_refused():
    result = run(["manage.py", "check"], MEDIA_STORAGE="s3")
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr
