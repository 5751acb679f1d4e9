"""A writer pastes from Word and from Google Docs into the body editor and saves.

The paste is a real paste event, with the clipboard's text/html as those applications
put it there (tests/fixtures/paste/). What is stored must keep the subheads (at our two
levels), lists, links, bold and italic and the tables; images cannot be kept, and the
writer is told so above the editor. Any other HTML (Gmail, a web page) keeps its
paragraphs and lines apart: nothing pasted joins two words. Screenshot:
test-artifacts/desk/paste.png.
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


def open_draft(page, base, admin_login, article):
    """The writer's draft open in the editor, the caret in its first paragraph."""
    admin_login(page, base, "wanda", PASSWORD)
    page.goto(f"{base}/admin/articles/article/{article.pk}/change/")
    editor = page.locator(EDITOR)
    editor.wait_for(timeout=15_000)
    editor.locator("p", has_text="Notes from the week.").click()
    return editor


def open_new_paragraph(page, base, admin_login, article):
    editor = open_draft(page, base, admin_login, article)
    # On a busy machine a key pressed before the editor has the caret is lost: wait for it
    # in the text, then at the end of the line.
    page.wait_for_function(
        "(el) => el.contains(document.activeElement)", arg=editor.element_handle()
    )
    page.keyboard.press("End")
    page.wait_for_function(
        "() => { const s = getSelection();"
        " return s.anchorNode && s.anchorOffset === s.anchorNode.textContent.length }"
    )
    # A new empty paragraph: pasted at the end of one, the first block would join it.
    page.keyboard.press("Enter")
    return editor


def paste_into_new_paragraph(page, base, admin_login, article, html):
    open_new_paragraph(page, base, admin_login, article)
    page.evaluate(PASTE, [EDITOR, html])


def save(page, article):
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))
    return Article.objects.get(pk=article.pk).body


def paste_and_save(page, base, admin_login, article, fixture, screenshot=None):
    html = (FIXTURES / fixture).read_text(encoding="utf-8")
    paste_into_new_paragraph(page, base, admin_login, article, html)
    notice = page.locator(".body-paste-notice[role=status][aria-live=polite]")
    notice.locator("li").wait_for()
    text = notice.inner_text()
    if screenshot:
        screenshot.parent.mkdir(exist_ok=True)
        page.locator(".field-body").screenshot(path=str(screenshot))
    return text, save(page, article)


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


# Google Docs puts a copy of part of one paragraph on the clipboard without a <p>: the
# line break between the runs is all that parts them.
DOCS_RUNS_AND_A_BREAK = (
    '<meta charset="utf-8"><b style="font-weight:normal;" '
    'id="docs-internal-guid-0b7e2c41-7fff-4a10-9d2e-5c6b7a8f9e01">'
    '<span style="font-size:11pt;font-family:Arial,sans-serif;font-weight:400;'
    'white-space:pre-wrap;">Alpha</span><br />'
    '<span style="font-size:11pt;font-family:Arial,sans-serif;font-weight:400;'
    'white-space:pre-wrap;">Beta</span></b>'
)


@pytest.mark.parametrize(
    ("html", "pasted"),
    [
        pytest.param(
            "<div>First paragraph here.</div><div>Second paragraph here.</div>",
            "<p>First paragraph here.</p><p>Second paragraph here.</p>",
            id="divs-are-paragraphs",
        ),
        pytest.param(
            "<div>Line one<br>Line two</div>",
            "<p>Line one<br>Line two</p>",
            id="a-break-in-a-div-is-a-line-break",
        ),
        pytest.param(
            DOCS_RUNS_AND_A_BREAK,
            "<p>Alpha</p><p>Beta</p>",
            id="a-top-level-break-is-a-paragraph-break",
        ),
        pytest.param(
            "<blockquote><div>Quoted first.</div><div>Quoted second.</div></blockquote>",
            "<blockquote><p>Quoted first.</p><p>Quoted second.</p></blockquote>",
            id="divs-in-a-quote",
        ),
    ],
)
def test_pasted_paragraphs_and_lines_stay_apart(
    live_server, writers_draft, page, admin_login, html, pasted
):
    paste_into_new_paragraph(page, live_server.url, admin_login, writers_draft, html)
    last_words = re.sub(r"<[^>]+>", " ", pasted).split()[-1]
    page.locator(EDITOR, has_text=last_words).wait_for()

    assert save(page, writers_draft) == "<p>Notes from the week.</p>" + pasted


def test_a_gmail_paste_keeps_its_lines_and_the_quoted_mail(
    live_server, writers_draft, page, admin_login
):
    # Gmail writes a line per <div>, a blank line as <div><br></div>, and a soft line
    # break as <br>; the quoted mail is a blockquote of the same.
    html = (FIXTURES / "gmail-night-ferry.html").read_text(encoding="utf-8")
    paste_into_new_paragraph(page, live_server.url, admin_login, writers_draft, html)
    page.locator(EDITOR, has_text="And from which pier?").wait_for()
    body = save(page, writers_draft)

    assert body.startswith(
        "<p>Notes from the week.</p><p>Hi Wanda,</p>"
        "<p>The night ferry is back on Friday.<br>It leaves North Quay at 23:40.</p>"
        "<p>Best,</p><p>Piet</p><p>On Mon, 30 Nov 2026 at 09:12, Wanda Reyes &lt;"
    )
    assert body.endswith(
        "&gt; wrote:</p><blockquote><p>When does the night ferry start again?</p>"
        "<p>And from which pier?</p></blockquote>"
    )
    # Gmail's blank lines are spacing between paragraphs, not empty paragraphs.
    assert "<p></p>" not in body and "<p><br></p>" not in body


def test_a_web_page_paste_keeps_each_block_a_paragraph(
    live_server, writers_draft, page, admin_login
):
    # A news page laid out in <div>s, <section>s and a <figure>, as the browser copies it.
    html = (FIXTURES / "web-harbour-wall.html").read_text(encoding="utf-8")
    paste_into_new_paragraph(page, live_server.url, admin_login, writers_draft, html)
    notice = page.locator(".body-paste-notice li")
    notice.wait_for()
    assert "1 image in the pasted text was not kept" in notice.inner_text()
    body = save(page, writers_draft)

    assert body == (
        "<p>Notes from the week.</p><h2>Harbour wall repairs begin</h2>"
        "<p>By Ada Lin · 30 November 2026</p>"
        "<p>Work on the north wall starts on Monday.</p>"
        "<p>The quay stays open<br>but the steps are closed.</p>"
        "<p>The north wall at low tide.</p>"
        "<p>Contractors expect to finish by spring.</p>"
    )


def test_words_copied_from_a_line_join_the_paragraph_they_are_pasted_into(
    live_server, writers_draft, page, admin_login
):
    # The cleaning puts loose text in a paragraph; pasted inside a sentence it must still
    # continue that sentence, not start a new paragraph.
    open_new_paragraph(page, live_server.url, admin_login, writers_draft)
    page.keyboard.type("Morning: ")
    html = "<meta charset='utf-8'><span style=\"color: rgb(34, 34, 34);\">high tide at 06:12</span>"
    page.evaluate(PASTE, [EDITOR, html])
    page.keyboard.type(", low at noon.")
    page.locator(EDITOR, has_text="low at noon.").wait_for()

    assert save(page, writers_draft) == (
        "<p>Notes from the week.</p><p>Morning: high tide at 06:12, low at noon.</p>"
    )


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
    # A cell's paragraphs and lines are parted, not joined, in its row's text.
    cell_lines = page.evaluate(
        """async (html) => {
            const paste = await import("/static/admin/body-paste.js")
            return paste.cleanPastedHTML(html, {tables: false}).html
        }""",
        "<table><tr><td><div>North</div><div>Quay</div></td><td>812<br>riders</td></tr></table>",
    )
    assert cell_lines == "<p>North Quay | 812 riders</p>"

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
    editor = open_new_paragraph(page, live_server.url, admin_login, writers_draft)
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
    open_draft(page, live_server.url, admin_login, writers_draft)
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
