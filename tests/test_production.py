"""Production behaviour: health check, database outages, request log, headers, CSP,
media serving, login lockout and the gunicorn configuration."""

import json
import logging
import os
import re
import runpy
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django import forms
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.urls import include
from django.urls import path as url_path
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import prose_editor_admin_media

from newsroom.errors import server_error
from newsroom.middleware import AdminMediaNonceMiddleware
from tests.factories import make_article, make_user, run_django_script

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "newsroom" / "gunicorn.conf.py"
ARTIFACTS = ROOT / "test-artifacts"


def csp_nonce(response):
    """The nonce in the response's policy, or None when the page used none."""
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return match.group(1) if match else None


# --- /healthz -------------------------------------------------------------------------


def test_healthz_is_ok_with_one_query_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


# A real outage: PostgreSQL settings pointing at a port where nothing listens, so every
# connection attempt is refused, as while the server restarts.
OUTAGE_SCRIPT = """
import json
import django
django.setup()
from django.test import Client

client = Client(raise_request_exception=False)
found = {}
for method, path, data in [
    ("get", "/healthz", None),
    ("get", "/", None),
    ("post", "/admin/login/", {"username": "someone", "password": "secret"}),
]:
    response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    found[path] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode()[:300],
    }
print(json.dumps(found))
"""


def test_site_answers_503_not_500_while_the_database_is_unreachable():
    found = run_django_script(
        OUTAGE_SCRIPT,
        without=("DATABASE_URL", "CACHE_URL"),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="outage-test-secret-key-long-enough-to-be-realistic-123456",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
        DATABASE_POOL_TIMEOUT="1",
    )
    assert found["/healthz"]["status"] == 503
    assert json.loads(found["/healthz"]["body"])["status"] == "unavailable"
    for path in ("/", "/admin/login/"):
        assert found[path]["status"] == 503, (path, found[path])
        assert found[path]["retry_after"] == "10"
        assert "Temporarily unavailable" in found[path]["body"]


# The pool after its connections die (as in a database restart): the next request must
# get a fresh connection, not the dead one. Connections are cut with
# pg_terminate_backend, found by an application_name of their own.
KILLED_CONNECTIONS_SCRIPT = """
import json, os
from wsgiref.util import setup_testing_defaults
import psycopg
from django.core.wsgi import get_wsgi_application

# Through the WSGI handler, as gunicorn calls it: connections go back to the pool at
# the end of each request (the test Client would keep one for the whole run).
app = get_wsgi_application()

def get(path):
    environ = {"PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    status = []
    body = app(environ, lambda s, headers: status.append(s))
    b"".join(body)
    body.close()
    return int(status[0].split()[0])

found = {"before": get("/healthz")}
with psycopg.connect(os.environ["ADMIN_DSN"], autocommit=True) as admin:
    killed = admin.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name = 'newsroom-pool-test'"
    ).fetchone()[0]
found["killed"] = killed
found["after"] = [get("/healthz") for _ in range(3)]
print(json.dumps(found))
"""


@pytest.mark.postgres
def test_pool_replaces_connections_the_server_has_cut():
    url = os.environ["DATABASE_URL"]
    found = run_django_script(
        KILLED_CONNECTIONS_SCRIPT,
        without=("CACHE_URL",),
        DATABASE_URL=url + ("&" if "?" in url else "?") + "application_name=newsroom-pool-test",
        ADMIN_DSN=url.replace("postgres://", "postgresql://", 1).split("?")[0],
    )
    assert found["before"] == 200
    assert found["killed"] >= 1
    # Without the pool's check on checkout the first of these would meet the dead
    # connection and fail.
    assert found["after"] == [200, 200, 200]


def test_server_error_handler_turns_a_database_error_into_503():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"


def test_server_error_handler_keeps_other_errors_as_500():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


# --- request log ----------------------------------------------------------------------


def request_lines(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "newsroom.requests"]


def test_each_request_is_logged_as_one_json_line(client, caplog):
    article = make_article()
    with caplog.at_level(logging.INFO, logger="newsroom.requests"):
        client.get(article.get_absolute_url())
        client.get("/no-such-page/")
    first, second = request_lines(caplog)
    assert first["method"] == "GET" and first["path"] == article.get_absolute_url()
    assert first["status"] == 200 and first["user"] == "anonymous"
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert second["status"] == 404


def test_request_log_names_the_logged_in_user(client, caplog):
    user = make_user(is_superuser=True)
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="newsroom.requests"):
        client.get("/admin/")
    (line,) = request_lines(caplog)
    assert line["user"] == user.pk and line["status"] == 200


# --- headers, CSP ---------------------------------------------------------------------


def test_public_pages_send_the_security_headers(client):
    response = client.get(make_article().get_absolute_url())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_csp_forbids_inline_script_and_the_json_ld_is_a_data_block(client):
    response = client.get(make_article().get_absolute_url())
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the article page has its JSON-LD block"
    for tag in scripts:
        # A data block is never run, so script-src does not apply and it needs no nonce.
        assert 'type="application/ld+json"' in tag or "src=" in tag, tag


def test_cached_pages_hold_no_nonce_and_their_policy_names_none(client):
    """A nonce in cached bytes would be served to every reader: it would protect nothing."""
    url = make_article().get_absolute_url()
    for response in (client.get(url), client.get(url)):
        assert "nonce" not in response.content.decode()
        assert csp_nonce(response) is None


def test_admin_form_media_render_with_the_csp_nonce():
    """The rich-text editor's inline import map would be blocked without the nonce."""
    request = RequestFactory().get("/admin/articles/article/add/")
    CSPMiddleware(lambda r: None).process_request(request)
    template = engines["django"].from_string("{{ media }}")
    response = TemplateResponse(request, template, {"media": prose_editor_admin_media})
    AdminMediaNonceMiddleware(lambda r: response).process_template_response(request, response)
    html = response.render().content.decode()
    nonce = str(request.csp_nonce)
    assert f'<script type="importmap" nonce="{nonce}">' in html
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<script\b[^>]*>", html))


def test_admin_pages_render_under_the_policy(client):
    client.force_login(make_user(is_superuser=True))
    for url in ("/admin/", "/admin/articles/article/", "/admin/articles/article/add/"):
        response = client.get(url)
        assert response.status_code == 200, url
        nonce = csp_nonce(response)
        for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
            assert "src=" in tag or f'nonce="{nonce}"' in tag, (url, tag)


# --- media ----------------------------------------------------------------------------


def test_uploaded_media_are_served_with_nosniff_and_the_policy(client, media_root):
    (media_root / "photos").mkdir()
    (media_root / "photos" / "note.txt").write_text("<script>alert(1)</script>")
    response = client.get("/media/photos/note.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "script-src" in response["Content-Security-Policy"]


def test_media_paths_cannot_escape_the_media_folder(client, media_root):
    (media_root.parent / "secret.txt").write_text("outside")
    for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/..%2fsecret.txt"):
        response = client.get(path)
        assert response.status_code in (400, 404), path
        assert b"outside" not in response.content


# --- login protection -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real logins, with a cheap hasher: the lockout is what is tested, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_five_failed_logins_lock_out_even_the_right_password(client):
    make_user("ed")
    for _ in range(4):
        assert admin_login(client, "ed", "wrong-password").status_code == 200
    # The fifth failure reaches AXES_FAILURE_LIMIT and is itself answered with the lockout.
    assert admin_login(client, "ed", "wrong-password").status_code == 429
    response = admin_login(client, "ed", "a-long-test-password")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_successful_login_resets_the_failure_count(client):
    make_user("ed")
    for _ in range(4):
        admin_login(client, "ed", "wrong-password")
    assert admin_login(client, "ed", "a-long-test-password").status_code == 302
    client.logout()
    for _ in range(4):
        admin_login(client, "ed", "wrong-password")
    assert admin_login(client, "ed", "a-long-test-password").status_code == 302


def test_lockout_is_per_username_so_colleagues_at_the_same_address_can_log_in(client):
    make_user("ed")
    make_user("jo")
    for _ in range(5):
        admin_login(client, "ed", "wrong-password")
    assert admin_login(client, "jo", "a-long-test-password").status_code == 302


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901234", "edward-smith"])
def test_password_validators_refuse_weak_passwords(password):
    user = make_user("edward-smith", first_name="Edward", last_name="Smith")
    with pytest.raises(ValidationError):
        validate_password(password, user)


# --- gunicorn -------------------------------------------------------------------------


def gunicorn_conf(monkeypatch, **env):
    for name in [n for n in os.environ if n.startswith("GUNICORN_")] + ["DATABASE_POOL_TIMEOUT"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_workers_follow_the_cpu_count(monkeypatch):
    conf = gunicorn_conf(monkeypatch)
    assert conf["workers"] == 2 * (os.cpu_count() or 1) + 1
    assert conf["timeout"] > django_settings.DATABASE_POOL_TIMEOUT


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    conf = gunicorn_conf(
        monkeypatch, GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="20", GUNICORN_BIND="0.0.0.0:9000"
    )
    assert (conf["workers"], conf["timeout"], conf["bind"]) == (3, 20, "0.0.0.0:9000")


def test_gunicorn_refuses_a_pool_timeout_not_below_its_own(monkeypatch):
    with pytest.raises(SystemExit, match="must be below GUNICORN_TIMEOUT"):
        gunicorn_conf(monkeypatch, GUNICORN_TIMEOUT="10", DATABASE_POOL_TIMEOUT="10")


# --- the admin and the rich-text editor in a real browser, under the policy ------------


class EditorForm(forms.Form):
    body = ProseEditorFormField()


def editor_page(request):
    # Rendered like an admin form: the editor's media go in the "media" context variable.
    form = EditorForm()
    template = engines["django"].from_string(
        "<!doctype html><html><head>{{ media }}</head><body><form>{{ form }}</form></body></html>"
    )
    return TemplateResponse(request, template, {"media": form.media, "form": form})


# This module doubles as a URLconf for the browser test: the site plus one editor page.
urlpatterns = [
    url_path("editor-under-csp/", editor_page),
    url_path("", include("newsroom.urls")),
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_and_rich_text_editor_work_under_the_policy(browser, live_server, settings):
    settings.ROOT_URLCONF = __name__
    User.objects.create_superuser("chief", "chief@example.com", "a-long-test-password")
    make_article()
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    # DateTimeShortcuts.js adds the "Today" links: proof that the admin's scripts ran.
    page.locator(".datetimeshortcuts").first.wait_for(state="attached")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-under-csp.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.locator("#changelist").wait_for()

    page.goto(f"{live_server.url}/editor-under-csp/")
    # The editor is an ES module found through the inline import map (nonce'd).
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.wait_for(timeout=10000)
    editor.click()
    page.keyboard.type("Typed under CSP")
    assert "Typed under CSP" in editor.inner_text()
    page.screenshot(path=str(ARTIFACTS / "editor-under-csp.png"))

    violations = [p for p in problems if "Content Security Policy" in p]
    assert violations == []
    assert [p for p in problems if "favicon" not in p and "404" not in p] == []


def test_form_media_on_a_page_carry_the_nonce_of_its_policy(client, settings):
    settings.ROOT_URLCONF = __name__
    response = client.get("/editor-under-csp/")
    nonce = csp_nonce(response)
    assert nonce
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()


def test_gunicorn_recycles_workers_rarely_with_jitter_and_by_memory(monkeypatch):
    conf = gunicorn_conf(monkeypatch)
    # At 2,000 a busy server restarted a worker every few seconds (bench/RESULTS.md).
    assert conf["max_requests"] >= 20_000
    assert conf["max_requests_jitter"] >= conf["max_requests"] // 10

    class Worker:
        pid, alive = 1, True
        log = logging.getLogger("gunicorn-test")

    worker = Worker()
    conf["post_request"](worker, None, {}, None)
    assert worker.alive  # a test process is far below the default 1 GB
    conf = gunicorn_conf(monkeypatch, GUNICORN_MAX_WORKER_MEMORY_MB="1")
    conf["post_request"](worker, None, {}, None)
    assert not worker.alive
