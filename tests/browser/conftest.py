"""Shared Playwright fixtures for the browser tests in this folder.

Fixtures
--------
``browser``
    In tests/conftest.py, so tests elsewhere can use it too: a headless Chromium (the
    Debian package at /usr/bin/chromium, never a downloaded build), once per module.
``page``
    A fresh browser context and page per test (1280×900, 10 s default timeout, so one
    test's cookies never leak into the next). If the test fails, a full-page screenshot
    is saved as test-artifacts/failures/<test name>.png before the page closes.
``new_page``
    A factory for extra pages, each in its own context, for tests with two people (a
    writer and an editor); all are closed after the test.
``artifacts``
    The test-artifacts/ folder (git-ignored), created if needed: save screenshots there
    and look at them.
``admin_login``
    ``admin_login(page, base_url, username, password)`` logs in through the admin's
    real login form and waits for the admin index.

Browser tests also need a server: use pytest-django's ``live_server`` and mark the test
``pytest.mark.browser`` with ``pytest.mark.django_db(transaction=True)``. A transactional
test starts from a flushed database, so call ``tests.factories.make_roles()`` first if
the test needs the Writer and Editor groups.
"""

import contextlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1280, "height": 900}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so ``page`` can tell a failed test.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def artifacts():
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def new_page(browser, request, artifacts):
    contexts = []

    def open_page():
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page

    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        failures = artifacts / "failures"
        failures.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for i, context in enumerate(contexts):
            for j, open_one in enumerate(context.pages):
                # A page that cannot be captured must not hide the test's real failure.
                with contextlib.suppress(Exception):
                    open_one.screenshot(path=failures / f"{name}-{i}-{j}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def _login(page, base_url, username, password):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


@pytest.fixture
def shots(artifacts):
    """Screenshots of the desk at 1,280 and 390 px, in test-artifacts/desk/."""
    folder = artifacts / "desk"
    folder.mkdir(exist_ok=True)

    def shoot(page, name):
        """``name`` at each width, full page; the page is left at 1,280 px."""
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    return shoot


@pytest.fixture
def admin_login():
    return _login
