"""The article list as editors read it at 1,280 and 390 px, and a draft saved before its
section is chosen, in the real admin form.

Screenshots go to test-artifacts/desk/list-*.png and draft-without-section-*.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Status
from tests.browser.admin_form import choose, write_body
from tests.factories import make_article, make_author, make_roles, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
LONG_HEADLINE = (
    "Council approves the harbour budget after a night of amendments, a walkout and a "
    "recount that left the ferry timetable in doubt"
)


@pytest.fixture
def newsroom(live_server):
    make_roles()
    writer = make_user("wanda", role="Writer", first_name="Wanda", last_name="Reyes")
    make_author(name="Wanda Reyes", slug="wanda-reyes", user=writer)
    editor = make_user("eddie", role="Editor", first_name="Eddie", last_name="Mora")
    make_section(name="Island", slug="island")
    return writer, editor


def fits(locator):
    """Whether the element shows all of its text (nothing cut off or hidden)."""
    return locator.evaluate("el => el.scrollWidth <= el.clientWidth + 1")


def test_a_writer_saves_a_draft_before_choosing_its_section(
    live_server, newsroom, page, admin_login, shots
):
    base = live_server.url
    admin_login(page, base, "wanda", PASSWORD)
    page.goto(f"{base}/admin/articles/article/add/")
    # The body's editor opens at a writing height, not one line tall.
    body = page.locator(".field-body [contenteditable=true]").first
    body.wait_for()
    height = body.evaluate("el => el.getBoundingClientRect().height")
    assert height >= 250
    page.fill("#id_headline", "Harbour plan: first notes")
    write_body(page, "Notes from the quay, section to be decided.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    article = Article.objects.get(headline="Harbour plan: first notes")
    assert article.section is None and article.status == Status.DRAFT

    # Submitting asks for the section, next to the field, and keeps the draft a draft.
    page.locator("button[value=submit]").click()
    error = page.locator(".field-section .errorlist")
    error.wait_for()
    assert error.inner_text() == "Choose a section before submitting it for review."
    shots(page, "draft-without-section-refused")
    article.refresh_from_db()
    assert article.status == Status.DRAFT

    choose(page, ".field-section", "Island")
    page.locator("button[value=submit]").click()
    page.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.status == Status.REVIEW and article.section.name == "Island"


def test_the_article_list_reads_at_1280_and_390_px(live_server, newsroom, page, admin_login, shots):
    authors = [make_author(name=n) for n in ("Ana Lima", "Bea Osei", "Cai Brandt")]
    world = make_section(name="World affairs and diplomacy")
    for n in range(8):
        make_article(headline=f"{LONG_HEADLINE} ({n})", authors=authors, section=world)
    make_article(
        headline="Ferry timetable for the winter",
        published_at=timezone.now() + timedelta(days=2),
        authors=authors[:1],
    )
    make_article(headline="Quay notes", status=Status.DRAFT, section=None, authors=authors[1:2])

    base = live_server.url
    admin_login(page, base, "eddie", PASSWORD)
    page.goto(f"{base}/admin/articles/article/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 10
    line = rows.first.locator(".field-publication_date").evaluate(
        "el => parseFloat(getComputedStyle(el).lineHeight) || 16"
    )
    for i in range(rows.count()):
        row = rows.nth(i)
        date = row.locator(".field-publication_date")
        assert fits(date), date.inner_text()  # the whole date and time
        assert row.locator(".status-badge").bounding_box()["height"] < 30  # one line
        # Three authors in at most two lines, not a tower.
        assert row.locator(".list-authors").bounding_box()["height"] <= 2 * line + 2
        # A long headline in at most three lines.
        assert row.bounding_box()["height"] <= 3 * line + 24
        for column in ("headline", "status_badge", "section", "author_names"):
            box = row.locator(f".field-{column}").bounding_box()
            assert box["x"] + box["width"] <= 1280 - 200, column  # beside the filters
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    scheduled = page.locator("#result_list tbody tr", has_text="Ferry timetable for the winter")
    assert scheduled.locator(".status-badge").inner_text() == "Scheduled"
    assert page.locator("#changelist-filter a", has_text="No section yet").count() == 1
    shots(page, "list")

    # A phone: the filters above the list, every choice on screen and big enough to tap.
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    choices = page.locator("#changelist-filter li a")
    assert choices.count() >= 10
    for i in range(choices.count()):
        box = choices.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["height"] >= 30
    page.locator("#changelist-filter a", has_text="No section yet").click()
    page.wait_for_url("**section__isnull=True**")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "Quay notes" in page.locator("#result_list").inner_text()
