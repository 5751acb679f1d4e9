"""A writer writes and submits; an editor finds it in the review queue and publishes it.

Everything happens in headless Chromium against the live server, through the admin's
real forms. Screenshots of each step go to test-artifacts/editorial-*.png.
"""

import re

import pytest

from articles.models import Article, AuditEntry, Status
from tests.browser.admin_form import choose, write_body
from tests.factories import make_author, make_roles, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
HEADLINE = "Night ferry returns to the island after two winters"


@pytest.fixture
def newsroom(live_server):
    make_roles()
    writer = make_user("wanda", role="Writer", first_name="Wanda", last_name="Reyes")
    make_author(name="Wanda Reyes", slug="wanda-reyes", user=writer, title="Staff writer")
    editor = make_user("eddie", role="Editor", first_name="Eddie", last_name="Mora")
    make_section(name="Island", slug="island")
    return writer, editor


def test_writer_submits_and_editor_publishes_from_the_review_queue(
    live_server, newsroom, new_page, admin_login, artifacts
):
    base = live_server.url

    # The writer writes the story and submits it.
    writer_page = new_page()
    admin_login(writer_page, base, "wanda", PASSWORD)
    writer_page.goto(f"{base}/admin/articles/article/add/")
    writer_page.fill("#id_headline", HEADLINE)
    writer_page.fill("#id_dek", "The crossing runs nightly again from Friday.")
    choose(writer_page, ".field-section", "Island")
    write_body(
        writer_page,
        "Islanders lined the quay as the first ferry in two winters came in just after midnight.",
    )
    choose(writer_page, "#bylines-0", "Wanda Reyes")
    assert writer_page.locator("button[value=publish]").count() == 0
    writer_page.screenshot(path=artifacts / "editorial-1-writer-form.png", full_page=True)
    writer_page.click("button[value=submit]")
    writer_page.wait_for_selector(".messagelist .success")
    assert "now in review" in writer_page.locator(".messagelist").inner_text()
    writer_page.screenshot(path=artifacts / "editorial-2-submitted.png", full_page=True)

    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Status.REVIEW
    assert article.created_by.username == "wanda"

    # The editor finds it in the review queue and publishes it.
    editor_page = new_page()
    admin_login(editor_page, base, "eddie", PASSWORD)
    editor_page.goto(f"{base}/admin/articles/article/")
    editor_page.click("text=Review queue")
    queue = editor_page.locator("#review-queue")
    assert HEADLINE in queue.inner_text() and "wanda" in queue.inner_text()
    editor_page.screenshot(path=artifacts / "editorial-3-review-queue.png", full_page=True)
    queue.get_by_role("link", name=HEADLINE).click()
    editor_page.click("button[value=publish]")
    editor_page.wait_for_selector(".messagelist .success")
    assert "now published" in editor_page.locator(".messagelist").inner_text()
    editor_page.screenshot(path=artifacts / "editorial-4-published.png", full_page=True)

    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert list(AuditEntry.objects.filter(article=article).values_list("action", flat=True)) == [
        "submit",
        "publish",
    ]

    # The public page shows it.
    reader = new_page()
    reader.goto(base + article.get_absolute_url())
    assert reader.locator("h1").inner_text() == HEADLINE
    assert re.search("first ferry in two winters", reader.content())
    assert "Wanda Reyes" in reader.content()
    reader.screenshot(path=artifacts / "editorial-5-public-page.png", full_page=True)


def test_editor_compares_revisions_and_opens_an_old_one_to_restore(
    live_server, newsroom, page, admin_login, artifacts
):
    from articles import workflow
    from tests.factories import make_article

    _, editor = newsroom
    article = make_article(
        status=Status.REVIEW,
        headline="Tram line opens in spring",
        body="<p>The tram will run every ten minutes.</p>",
    )
    base = live_server.url
    admin_login(page, base, "eddie", PASSWORD)
    change = f"{base}/admin/articles/article/{article.pk}/change/"
    for headline in ("Tram line opens in spring", "Tram line opens in May"):
        page.goto(change)
        page.fill("#id_headline", headline)
        page.click("input[name=_continue]")
        page.wait_for_selector(".messagelist .success")
    workflow.transition(article, "publish", by=editor)

    page.goto(change)
    page.click("text=Revisions: compare and restore")
    page.click("text=Compare with previous")
    diff = page.locator(".revision-diff")
    assert diff.locator("del").first.inner_text() == "spring"
    assert diff.locator("ins").first.inner_text() == "May"
    page.screenshot(path=artifacts / "editorial-6-compare.png", full_page=True)

    page.go_back()
    page.click("text=Restore this text…")
    assert page.input_value("#id_headline") == "Tram line opens in spring"
    page.screenshot(path=artifacts / "editorial-7-restore-form.png", full_page=True)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.headline == "Tram line opens in spring"
    assert article.status == Status.PUBLISHED


# The desk (issue #16): bylines by drag or ↑ ↓, writing aids, a writer's preview after
# submitting, and layouts that fit 1,280 and 390 px. Screenshots in test-artifacts/desk/.

PHONE = {"width": 390, "height": 844}
LONG_HEADLINE = (
    "Council approves the harbour budget after a night of amendments, a walkout and a "
    "recount that left the ferry timetable, the library hours and the new tram line in doubt"
)


def shoot(page, folder, name):
    """The page at 1,280 px, then at 390 px (a phone), full length."""
    folder.mkdir(exist_ok=True)
    page.screenshot(path=folder / f"defects-{name}-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=folder / f"defects-{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_writer_orders_two_bylines_and_reads_the_story_after_submitting(
    live_server, newsroom, page, admin_login, artifacts
):
    make_author(name="Gus Guest", slug="gus-guest")
    base = live_server.url
    desk = artifacts / "desk"
    admin_login(page, base, "wanda", PASSWORD)
    page.goto(f"{base}/admin/articles/article/add/")
    page.fill("#id_headline", HEADLINE)
    assert page.locator(".field-headline .char-counter").inner_text() == f"{len(HEADLINE)} / 70"
    choose(page, ".field-section", "Island")
    write_body(page, "Islanders lined the quay as the first ferry in two winters came in.")
    # The browser's spellcheck underlines typing mistakes in the body.
    assert page.locator(".field-body [contenteditable=true]").get_attribute("spellcheck") != "false"
    assert "13 words · 1 min read" in page.locator(".body-stats").inner_text()
    page.fill("#id_new_tags", "Ferries, Island life")

    # Two bylines: the writer's own, then a guest added with "Add another", then moved up.
    choose(page, "#bylines-0", "Wanda Reyes")
    page.click("#bylines-group .add-row a")
    choose(page, "#bylines-1", "Gus Guest")
    assert page.locator("#bylines-group input[type=number]").count() == 0  # never typed
    page.locator("#bylines-1 .byline-up").click()
    shoot(page, desk, "1-writer-form")
    page.click("button[value=submit]")
    page.wait_for_selector(".messagelist .success")

    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Status.REVIEW
    assert [b.author.name for b in article.ordered_bylines] == ["Gus Guest", "Wanda Reyes"]
    assert sorted(article.tags.values_list("name", flat=True)) == ["Ferries", "Island life"]

    # After submitting, the writer reads it (not edits it) and opens the preview.
    page.goto(f"{base}/admin/articles/article/{article.pk}/change/")
    assert page.locator("#id_headline").count() == 0
    assert "first ferry in two winters" in page.locator(".article-body-read").inner_text()
    assert page.locator("text=View on site").count() == 0  # not public yet
    shoot(page, desk, "2-writer-reads-submitted")
    page.goto(f"{base}/preview/{article.pk}/")
    assert page.locator("h1").inner_text() == HEADLINE
    shoot(page, desk, "3-writer-preview")


def test_desk_pages_fit_1280_and_390_px(live_server, newsroom, page, admin_login, artifacts):
    from django.contrib.auth.models import Permission

    from tests.factories import make_article, make_photo

    _, editor = newsroom
    desk = artifacts / "desk"
    authors = [make_author(name=n) for n in ("Ana Lima", "Bea Osei", "Cai Brandt")]
    for n in range(12):
        make_article(headline=f"{LONG_HEADLINE} ({n})", authors=authors)
    long_one = Article.objects.order_by("pk").first()
    photo = make_photo(title="", caption="Ferry at the quay", credit_line="Lena Hart / Coast Photo")
    photo.credits.create(creator="Lena Hart", organisation="Coast Photo", licence="CC BY 4.0")
    # A flushed database's roles hold the articles app's permissions only.
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="photos"))

    base = live_server.url
    admin_login(page, base, "eddie", PASSWORD)

    # The list: one line per short column, the headline given the room, nothing cut off.
    page.goto(f"{base}/admin/articles/article/")
    row = page.locator("#result_list tbody tr").first
    assert row.locator(".status-badge").bounding_box()["height"] < 30  # one line
    assert row.bounding_box()["height"] < 110  # a 170-character headline in four lines
    for column in ("headline", "status_badge", "section", "author_names", "publication_date"):
        box = row.locator(f".field-{column}").bounding_box()
        assert box["x"] + box["width"] <= 1280 - 250, column  # beside the filters, not cut off
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shoot(page, desk, "4-article-list")
    page.set_viewport_size(PHONE)
    assert page.locator("#changelist-filter").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    # A long headline on the change form stays clear of Preview/History.
    page.goto(f"{base}/admin/articles/article/{long_one.pk}/change/")
    tools = page.locator(".object-tools").bounding_box()
    title = page.locator("#content > h2").bounding_box()
    assert title["y"] + title["height"] <= tools["y"] or tools["y"] + tools["height"] <= title["y"]
    assert page.locator("text=View on site").count() == 1  # a live story
    shoot(page, desk, "5-change-form-long-headline")

    # The photo page fits the screen, credits table included.
    page.goto(f"{base}/admin/photos/photo/{photo.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shoot(page, desk, "6-photo-change")
