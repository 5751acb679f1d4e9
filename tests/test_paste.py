"""Word and Google Docs HTML that reaches the server as it was copied (an import, a form
posted without the editor's paste cleaning): the sanitiser keeps the text and structure,
not the applications' markup. The browser's side is tests/browser/test_paste.py."""

import re
from pathlib import Path

import pytest

from articles import richtext
from articles.models import Article, Status
from tests.factories import make_article, post_change

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "paste"
WORD = (FIXTURES / "word-council-budget.html").read_text(encoding="utf-8")
DOCS = (FIXTURES / "gdocs-ferry-survey.html").read_text(encoding="utf-8")


def tight(html):
    """``html`` with runs of white space as one space and none between tags: the source
    files' line breaks are not what is checked."""
    return re.sub(r">\s+<", "><", " ".join(html.split())).strip()


def test_word_html_keeps_its_text_and_subheads_without_office_markup():
    body = tight(richtext.sanitize(WORD))

    # Heading 1 would be a second page title; it is a subhead, not loose text.
    assert "<h2>Harbour council agrees a smaller budget</h2>" in body
    assert "<h2>What changes</h2>" in body and "<h3>The vote</h3>" in body
    # Imported bodies keep h4-h6 (WordPress structure), so the sanitiser does too.
    assert "<h4>Seats by party</h4>" in body
    assert "<b>four per cent</b>" in body and "<i>well past midnight</i>" in body
    assert 'href="https://vennick-harbour.example/minutes/2026-11"' in body
    assert "<td><p><b>Party</b></p></td>" in body
    assert "<td><p>Harbour Alliance</p></td>" in body and "this one</a>." in body
    # Without the editor's cleaning, Word's list markers stay as text: nothing is lost.
    assert "1.&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; First reading passed eleven to four" in body
    for junk in ("mso", "Mso", "o:p", "style", "class=", "<img", "file:", "data:", "[if"):
        assert junk not in body, junk
    assert "<html" not in body and "Style Definitions" not in body


def test_google_docs_wrapper_does_not_make_the_whole_body_bold():
    body = tight(richtext.sanitize(DOCS))

    assert body.startswith("<h2>Ferry riders answer the survey</h2><p>Of the 1,240 riders")
    assert "docs-internal-guid" not in body
    assert "<h2>What riders asked for</h2>" in body
    assert "<h5>Answers by pier</h5>" in body
    assert "googleusercontent" not in body and "<img" not in body


def test_a_body_heading_1_is_a_subhead_with_its_attributes_cleaned():
    assert richtext.sanitize('<h1 style="color:red" class="x">Ferry</h1><p>a &lt;h1&gt;</p>') == (
        "<h2>Ferry</h2><p>a &lt;h1&gt;</p>"
    )
    assert richtext.sanitize("<H1>Upper</H1 >") == "<h2>Upper</h2>"


def test_a_bold_run_tagged_like_the_docs_wrapper_inside_text_stays_closed():
    # The wrapper's end tag is left to the parser: nothing after it becomes bold.
    body = richtext.sanitize(
        '<b style="font-weight:normal;" id="docs-internal-guid-1"><p>One <b>two</b></p></b>'
        "<p>three</p>"
    )
    assert body == "<p>One <b>two</b></p><p>three</p>"


def test_word_html_posted_in_the_admin_is_stored_with_subheads(admin_client):
    article = make_article(status=Status.DRAFT, body="<p>Before.</p>")

    response = post_change(admin_client, article, body=WORD)

    assert response.status_code == 302
    body = tight(Article.objects.get(pk=article.pk).body)
    assert body.startswith("<h2>Harbour council agrees a smaller budget</h2>")
    assert "mso" not in body and "<img" not in body
