"""The article form's bylines at 1,280 and 390 px: each author's whole name readable on a
desk screen, and on a phone every byline a card (handle and arrows, author, role, delete)
with nothing pushed off the side.

Screenshots go to test-artifacts/desk/bylines-1280.png and bylines-390.png.
"""

import pytest

from articles.models import Status
from tests.factories import make_article, make_author, make_roles, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
NAMES = ("François Lefèvre-Delacroix", "Kwame Asante-Mensah")


@pytest.fixture
def article(live_server):
    make_roles()
    make_user("eddie", role="Editor")
    authors = [make_author(name=name) for name in NAMES]
    return make_article(headline="Harbour budget", status=Status.DRAFT, authors=authors)


def saved_rows(page):
    """The bylines already on the article (the blank "add" row has no Delete box)."""
    return page.locator("#bylines-group tbody tr.form-row.has_original")


def shows_all(locator):
    """Whether the element shows all of its text, none of it cut off."""
    return locator.evaluate("el => el.scrollWidth <= el.clientWidth")


def within(box, width):
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def overlap(a, b):
    """Whether two boxes share any area."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def assert_label_readable(row, name, width):
    """The saved byline's label ("<author> (Writer)") is whole, on screen and uncovered."""
    label = row.locator("td.original p")
    assert label.inner_text().strip() == f"{name} (Writer)"
    assert label.evaluate(
        "el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight"
    )
    box = label.bounding_box()
    assert within(box, width), name
    for field in (".select2-container", "select[name$='-role']", "input[name$='-DELETE']"):
        assert not overlap(box, row.locator(field).bounding_box()), (name, field)


def test_bylines_read_at_1280_and_stack_as_cards_at_390(
    live_server, article, page, admin_login, artifacts
):
    folder = artifacts / "desk"
    folder.mkdir(exist_ok=True)
    admin_login(page, live_server.url, "eddie", PASSWORD)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator("#bylines-group .byline-move").first.wait_for()  # the ordering script ran
    group = page.locator("#bylines-group")
    rows = saved_rows(page)
    assert rows.count() == 2

    # A desk screen: each author's name whole, in its select and in the row's label of
    # the saved byline, which no field covers (Django draws it under the select).
    for i, name in enumerate(NAMES):
        row = rows.nth(i)
        rendered = row.locator(".select2-selection__rendered")
        assert rendered.inner_text() == name
        assert shows_all(rendered), name
        assert_label_readable(row, name, 1280)
    group.screenshot(path=folder / "bylines-1280.png")

    # A tablet beside the app menu: the group no wider than its box either.
    page.set_viewport_size({"width": 800, "height": 844})
    assert group.evaluate("el => el.scrollWidth <= el.clientWidth")

    # A phone: no sideways scroll of the page or of the group; each byline's Role and
    # Delete on screen, and its author's name neither cut off nor under another field.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert group.evaluate("el => el.scrollWidth <= el.clientWidth")
    for i, name in enumerate(NAMES):
        row = rows.nth(i)
        role = row.locator("select[name$='-role']")
        delete = row.locator("input[type=checkbox][name$='-DELETE']")
        author = row.locator(".select2-container")
        for control in (role, delete, author, row.locator(".byline-move")):
            assert within(control.bounding_box(), 390), (name, control)
        assert shows_all(row.locator(".select2-selection__rendered")), name
        assert not overlap(author.bounding_box(), role.bounding_box()), name
        assert_label_readable(row, name, 390)
    first, second = (rows.nth(i).bounding_box() for i in range(2))
    assert first["y"] + first["height"] <= second["y"]  # one card after the other
    group.screenshot(path=folder / "bylines-390.png")
