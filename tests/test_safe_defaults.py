"""Defaults that fail safe: production mode unless asked, no demo logins on a real site,
nothing from the benchmarks in the site's own addresses."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from tests.factories import make_roles

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a-test-secret-that-is-long-and-random-enough-9f3k2j5h7g1q8w4e6r0t"


def python(code, **env):
    """Run ``code`` in a fresh process whose environment has no DJANGO_DEBUG at all."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_when_the_variable_is_not_set():
    result = python(
        "from django.conf import settings; print(settings.DEBUG)", DJANGO_SECRET_KEY=SECRET
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_without_the_variable_or_a_secret_key_the_site_refuses_to_start():
    result = python("from django.conf import settings; settings.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_demo_accounts_are_refused_in_production_mode(tmp_path):
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('create_demo_accounts')"
    )
    result = python(code, DJANGO_SECRET_KEY=SECRET, DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert result.returncode != 0
    assert "production mode" in result.stderr
    assert "editor-demo" not in result.stdout + result.stderr


@pytest.mark.django_db
def test_demo_accounts_are_refused_beside_real_accounts(settings):
    settings.DEBUG = True
    make_roles()
    User.objects.create_user("night-editor", password="chosen-by-her-not-printed")
    with pytest.raises(CommandError, match="real accounts"):
        call_command("create_demo_accounts", stdout=StringIO())
    assert not User.objects.filter(username__in=["editor", "writer"]).exists()


@pytest.mark.django_db
def test_running_the_demo_accounts_again_keeps_a_changed_password(settings):
    settings.DEBUG = True
    make_roles()
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    assert "editor-demo-2026" in out.getvalue()
    editor = User.objects.get(username="editor")
    assert editor.check_password("editor-demo-2026") and editor.groups.get().name == "Editor"
    editor.set_password("a-password-of-her-own")
    editor.save()

    again = StringIO()
    call_command("create_demo_accounts", stdout=again)
    assert User.objects.get(username="editor").check_password("a-password-of-her-own")
    assert "editor-demo-2026" not in again.getvalue()


@pytest.mark.django_db
def test_the_benchmark_floor_is_not_an_address_of_the_site(client):
    assert client.get("/_bench/floor/").status_code == 404


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_the_benchmark_settings_mount_the_floor_beside_the_site(client):
    assert client.get("/_bench/floor/no/such/page/").status_code == 502
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_the_demo_logins_name_the_address_the_site_is_served_at(settings):
    # make run HOST=127.0.0.1:8765 sets NEWSROOM_SITE_URL; the logins pointed at :8000.
    settings.DEBUG = True
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": "http://127.0.0.1:8765"}
    make_roles()
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    assert "Demo logins for http://127.0.0.1:8765/admin/" in out.getvalue()
