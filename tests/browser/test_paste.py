"""A writer pastes from Word and from Google Docs into the body editor and saves.

The paste is a real paste event, with the clipboard's text/html as those applications
put it there (tests/fixtures/paste/). What is stored must keep the subheads (at our two
levels), lists, links, bold and italic and the tables; images cannot be kept, and the
writer is told so above the editor. Screenshot: test-artifacts/desk/paste.png.
"""

import re
from pathlib import Path

import pytest

from articles.models import Article, Status
from tests.factories import make_article, make_author, make_roles, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "paste"
EDITOR = ".field-body .ProseMirror[contenteditable=true]"

PASTE = """([selector, html]) => {
    const editor = document.querySelector(selector)
    const data = new DataTransfer()
    data.setData("text/html", html)
    data.setData("text/plain", new DOMParser().parseFromString(html, "text/html").body.innerText)
    const event = {clipboardData: data, bubbles: true, cancelable: true}
    editor.dispatchEvent(new ClipboardEvent("paste", event))
}"""


@pytest.fixture
def writers_draft(live_server):
    make_roles()
    writer = make_user("wanda", role="Writer", first_name="Wanda", last_name="Reyes")
    return make_article(
        headline="Council and ferry notes",
        status=Status.DRAFT,
        section=make_section(name="Harbour"),
        authors=[make_author(name="Wanda Reyes", user=writer)],
        created_by=writer,
        body="<p>Notes from the week.</p>",
    )


def paste_and_save(page, base, admin_login, article, fixture, screenshot=None):
    admin_login(page, base, "wanda", PASSWORD)
    page.goto(f"{base}/admin/articles/article/{article.pk}/change/")
    editor = page.locator(EDITOR)
    editor.wait_for(timeout=15_000)
    editor.locator("p", has_text="Notes from the week.").click()
    page.keyboard.press("End")
    # A new empty paragraph: pasted at the end of one, the first block would join it.
    page.keyboard.press("Enter")
    page.evaluate(PASTE, [EDITOR, (FIXTURES / fixture).read_text(encoding="utf-8")])
    notice = page.locator(".body-paste-notice[role=status][aria-live=polite]")
    notice.locator("li").wait_for()
    text = notice.inner_text()
    if screenshot:
        screenshot.parent.mkdir(exist_ok=True)
        page.locator(".field-body").screenshot(path=str(screenshot))
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))
    return text, Article.objects.get(pk=article.pk).body


def assert_no_office_junk(body):
    for junk in ("mso", "o:p", "Mso", "style=", "class=", "<span", "<img", "file:", "data:"):
        assert junk not in body, junk
    assert "·" not in body and "javascript" not in body


def test_word_paste_keeps_structure_and_says_the_images_were_not_kept(
    live_server, writers_draft, page, admin_login, artifacts
):
    notice, body = paste_and_save(
        page,
        live_server.url,
        admin_login,
        writers_draft,
        "word-council-budget.html",
        screenshot=artifacts / "desk" / "paste.png",
    )

    assert "2 images in the pasted text were not kept" in notice
    assert "photo button" in notice
    assert body.startswith("<p>Notes from the week.</p><h2>Harbour council agrees")
    # h1 and h2 are our h2; h3 and h4 our h3.
    assert "<h2>Harbour council agrees a smaller budget</h2>" in body
    assert "<h2>What changes</h2>" in body
    assert "<h3>The vote</h3>" in body
    assert "<h3>Seats by party</h3>" in body
    # Word's list paragraphs are real lists, nested by level, numbered where Word numbered.
    assert (
        "<ul><li><p>The night ferry runs on weekends only</p>"
        "<ul><li><p>from the first of March</p></li></ul></li>"
        "<li><p>The library keeps its <strong>Saturday</strong> hours</p></li></ul>"
    ) in body
    assert (
        "<ol><li><p>First reading passed eleven to four</p></li>"
        "<li><p>Second reading passed nine to six</p></li></ol>"
    ) in body
    assert "<strong>four per cent</strong>" in body
    assert "<em>well past midnight</em>" in body
    assert re.search(r'<a href="https://vennick-harbour\.example/minutes/2026-11"[^>]*>', body)
    assert re.search(r'<a href="mailto:clerk@vennick-harbour\.example"[^>]*>', body)
    # The unsafe link loses its address, not its words.
    assert "not this one." in body
    # The table is kept, with its text.
    table = re.search(r"<table>.*</table>", body).group(0)
    assert "<td><p><strong>Party</strong></p></td>" in table
    assert "<td><p>Harbour Alliance</p></td><td><p>7</p></td>" in table
    assert "A second photo of the chamber:" in body
    assert_no_office_junk(body)


def test_google_docs_paste_keeps_structure_without_making_it_all_bold(
    live_server, writers_draft, page, admin_login
):
    notice, body = paste_and_save(
        page, live_server.url, admin_login, writers_draft, "gdocs-ferry-survey.html"
    )

    assert "1 image in the pasted text was not kept" in notice
    assert "<h2>Ferry riders answer the survey</h2>" in body
    assert "<h2>What riders asked for</h2>" in body
    assert "<h3>How they travel</h3>" in body
    assert "<h3>Answers by pier</h3>" in body
    # Docs' whole-clipboard <b style="font-weight:normal"> is not bold; its styled spans are.
    assert body.count("<strong>") == 3
    assert "<strong>most want an earlier boat</strong>" in body
    assert re.search(r"<em>\s?on weekdays</em>", body)
    assert re.search(
        r'<a href="https://ferries\.example/survey-2026"[^>]*>operator’s report</a>', body
    )
    assert (
        "<ul><li><p>A boat before seven</p><ul><li><p>at least on school days</p></li></ul></li>"
        "<li><p>Bicycle racks on deck</p></li></ul>"
    ) in body
    assert "<ol><li><p>On foot</p></li><li><p>By car</p></li></ol>" in body
    table = re.search(r"<table>.*</table>", body).group(0)
    assert "<strong>Pier</strong>" in table and "<p>North Quay</p>" in table
    assert_no_office_junk(body)
    assert "googleusercontent" not in body


def test_without_table_support_a_table_becomes_its_rows_and_a_notice(
    live_server, writers_draft, page, admin_login
):
    # The cleaning function as an editor without tables would call it.
    admin_login(page, live_server.url, "wanda", PASSWORD)
    page.goto(f"{live_server.url}/admin/articles/article/{writers_draft.pk}/change/")
    page.locator(EDITOR).wait_for(timeout=15_000)
    result = page.evaluate(
        """async (html) => {
            const paste = await import("/static/admin/body-paste.js")
            const cleaned = paste.cleanPastedHTML(html, {tables: false})
            return {...cleaned, notices: paste.pasteNotices(cleaned)}
        }""",
        (FIXTURES / "word-council-budget.html").read_text(encoding="utf-8"),
    )

    assert "<table" not in result["html"]
    assert "<p>Party | Seats</p><p>Harbour Alliance | 7</p>" in result["html"]
    assert result["tablesAsText"] == 1 and result["images"] == 2
    assert result["notices"][1].startswith("1 table in the pasted text was turned into text")

    # Word's List Bullet style names its list only in the stylesheet; a numbered list
    # right after it is a second list, starting where Word's numbering did.
    lists = page.evaluate(
        """async (html) => {
            const paste = await import("/static/admin/body-paste.js")
            return paste.cleanPastedHTML(html).html
        }""",
        (FIXTURES / "word-list-styles.html").read_text(encoding="utf-8"),
    )
    assert lists == (
        "<ul><li>Tide tables at the harbour office</li><li>Permits by post</li></ul>"
        '<ol start="3"><li>Third item, continued from an earlier page</li><li>Fourth item</li></ol>'
    )


def test_a_copy_from_the_editor_itself_is_pasted_as_it_is(
    live_server, writers_draft, page, admin_login
):
    # ProseMirror marks what it copies with data-pm-slice; our photo embeds must survive a
    # cut and paste inside the body, which the Office cleaning would strip of data-photo.
    admin_login(page, live_server.url, "wanda", PASSWORD)
    page.goto(f"{live_server.url}/admin/articles/article/{writers_draft.pk}/change/")
    editor = page.locator(EDITOR)
    editor.wait_for(timeout=15_000)
    editor.locator("p", has_text="Notes from the week.").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    copied = '<figure data-photo="41" data-pm-slice="0 0 []"><figcaption>Quay</figcaption></figure>'
    page.evaluate(PASTE, [EDITOR, copied])
    editor.locator('figure[data-photo="41"]').wait_for()
    assert page.locator(".body-paste-notice li").count() == 0
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))

    body = Article.objects.get(pk=writers_draft.pk).body
    assert '<figure data-photo="41"><figcaption>Quay</figcaption></figure>' in body


def test_a_picture_pasted_alone_goes_to_the_upload_not_the_notice(
    live_server, writers_draft, page, admin_login
):
    # A browser copying a picture gives its file and an <img> in text/html; the file is
    # for the photo upload dialog, so no "not kept" notice contradicts it.
    admin_login(page, live_server.url, "wanda", PASSWORD)
    page.goto(f"{live_server.url}/admin/articles/article/{writers_draft.pk}/change/")
    editor = page.locator(EDITOR)
    editor.wait_for(timeout=15_000)
    editor.locator("p", has_text="Notes from the week.").click()
    page.evaluate(
        """(selector) => {
            const data = new DataTransfer()
            data.setData("text/html", '<meta charset="utf-8"><img src="https://example.org/p.png">')
            const png = new Uint8Array([137, 80, 78, 71])
            data.items.add(new File([png], "p.png", {type: "image/png"}))
            const event = {clipboardData: data, bubbles: true, cancelable: true}
            document.querySelector(selector).dispatchEvent(new ClipboardEvent("paste", event))
        }""",
        EDITOR,
    )
    page.locator("dialog[open]").wait_for()
    assert page.locator(".body-paste-notice li").count() == 0
