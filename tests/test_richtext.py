"""The article body keeps only the allow-list, whatever path it came in by."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import richtext
from articles.importers.parsed import ParsedArticle, ParsedAuthor, ParsedPhoto
from articles.importers.writer import save_parsed
from articles.models import Article, Status
from tests.factories import form_data

from .factories import make_article, make_photo

pytestmark = pytest.mark.django_db

HOSTILE = [
    '<p><a href="JaVaScRiPt:alert(101)">mixed case link</a></p>',
    '<p><a href="java\tscript:alert(102)">tab link</a></p>',
    '<p><a href="jav&#x09;ascript:alert(103)">encoded tab link</a></p>',
    '<p><img src="x" onerror="alert(104)">broken image text</p>',
    '<p onmouseover="alert(105)">paragraph with handler</p>',
    "<script>alert(106)</script>",
    '<iframe src="https://evil.example/frame"></iframe>',
    '<svg onload="alert(107)"><circle r="4"></circle></svg>',
    '<p style="background:url(javascript:alert(108))">styled paragraph</p>',
    '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxMDkpPC9zY3JpcHQ+">data link</a></p>',
    '<p><img src="data:image/svg+xml,%3Csvg onload=alert(110)%3E">data image</p>',
    '<form action="https://evil.example/"><input name="password"></form>',
]
SURVIVING_TEXT = [
    "mixed case link",
    "tab link",
    "paragraph with handler",
    "styled paragraph",
    "data link",
]


def hostile_body(photo):
    embed = (
        f'<figure data-photo="{photo.pk}" onclick="alert(111)"><figcaption>'
        f'<img src=x onerror="alert(112)">Per-use caption</figcaption></figure>'
    )
    return "".join(HOSTILE) + embed


def assert_nothing_hostile(page):
    lowered = page.lower()
    for marker in [
        "alert(",
        "javascript:",
        "onerror=",
        "onload=",
        "onmouseover=",
        "onclick=",
        "<iframe",
        "<svg",
        "data:text/html",
        "data:image",
        "url(",
        "evil.example",
        'name="password"',
    ]:
        assert marker not in lowered, marker


def body_of(page):
    start = page.index('class="article__body"')
    return page[start : page.index("</div>", start)]


def test_sanitize_keeps_the_editors_markup():
    html = (
        "<h2>Sub</h2><h3>Small</h3><p><strong>b</strong> <em>i</em> "
        '<a href="https://example.org/x">link</a> <a href="mailto:desk@example.org">m</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>q</p></blockquote>"
        '<figure data-photo="7"><figcaption>Cap</figcaption></figure>'
    )
    cleaned = richtext.sanitize(html)
    for kept in [
        "<h2>Sub</h2>",
        "<h3>Small</h3>",
        "<strong>b</strong>",
        "<em>i</em>",
        'href="https://example.org/x"',
        'href="mailto:desk@example.org"',
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote>",
        '<figure data-photo="7"><figcaption>Cap</figcaption></figure>',
    ]:
        assert kept in cleaned, kept


def test_hostile_body_posted_in_the_admin_never_reaches_the_public_page(admin_client, client):
    photo = make_photo(caption="Library caption", credit_line="Jane Roe / Ledger Photo")
    article = make_article(headline="Harbour reopens")
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = admin_client.get(url)
    response = admin_client.post(url, form_data(page, body=hostile_body(photo)))
    assert response.status_code == 302, response.context and response.context["errors"]
    stored = Article.objects.get(pk=article.pk).body
    assert_nothing_hostile(stored)

    public = client.get(article.get_absolute_url()).content.decode()
    assert_nothing_hostile(public)
    body = body_of(public)
    for text in SURVIVING_TEXT:
        assert text in body
    assert "<picture>" in public and "Per-use caption" in public
    assert "Credit: Jane Roe / Ledger Photo" in public


def test_hostile_body_from_an_import_never_reaches_the_public_page(client):
    parsed = ParsedArticle(
        headline="Imported with tricks",
        source="test-feed",
        external_id="tricks-1",
        body="".join(HOSTILE) + '<figure data-photo-ref="0"><figcaption onclick="alert(113)">'
        "Imported caption</figcaption></figure>",
        published_at=timezone.now() - timedelta(hours=2),
        authors=[ParsedAuthor(name="Wire Desk")],
        photos=[ParsedPhoto(caption="From the wire", credit_line="AFP")],
    )
    outcome = save_parsed(parsed, status=Status.PUBLISHED)
    assert_nothing_hostile(outcome.article.body)
    public = client.get(outcome.article.get_absolute_url()).content.decode()
    assert_nothing_hostile(public)
    for text in SURVIVING_TEXT:
        assert text in body_of(public)


def test_hostile_body_saved_from_code_is_cleaned_too():
    article = make_article(body="".join(HOSTILE))
    assert_nothing_hostile(Article.objects.get(pk=article.pk).body)


def test_embed_of_a_deleted_photo_is_dropped(client):
    photo = make_photo()
    article = make_article(body=f'<p>Before.</p><figure data-photo="{photo.pk}"></figure>')
    photo.delete()
    body = body_of(client.get(article.get_absolute_url()).content.decode())
    assert "Before." in body and "<figure" not in body


def test_embed_shows_library_caption_when_no_per_use_caption(client):
    photo = make_photo(caption="Library caption", credit_line="AFP")
    article = make_article(body=f'<figure data-photo="{photo.pk}"></figure>')
    body = body_of(client.get(article.get_absolute_url()).content.decode())
    assert "Library caption" in body and "Credit: AFP" in body


def test_article_admin_body_uses_the_rich_text_editor(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "data-django-prose-editor-configurable" in page
    assert "photo-embed.js" in page
    assert "PhotoEmbed" in page


# --- bounds on depth and size -------------------------------------------------------------

DEEP = "<b><i>" * 5_000 + "text"


def test_deeply_nested_unclosed_markup_is_refused_with_a_clear_message():
    with pytest.raises(richtext.BodyRejected, match="nests tags .* deep"):
        richtext.sanitize(DEEP)
    with pytest.raises(richtext.BodyRejected, match="too long"):
        richtext.sanitize("<p>" + "word " * 250_000 + "</p>")
    # Ordinary bodies, unclosed paragraphs and list items included, pass.
    ordinary = "<p>one<p>two<ul><li>a<li><b><i>b</i></b></ul>" * 2_000
    assert richtext.sanitize(ordinary).startswith("<p>one</p>")


def test_a_too_deep_body_is_a_form_error_in_the_admin(admin_client):
    article = make_article(headline="Harbour reopens")
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = admin_client.get(url)
    response = admin_client.post(url, form_data(page, body=DEEP))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert "nests tags" in errors[0]
    assert Article.objects.get(pk=article.pk).body == article.body


def test_a_too_deep_body_fails_its_import_item_with_the_reason():
    parsed = ParsedArticle(
        headline="Pasted badly",
        source="test-feed",
        external_id="deep-1",
        body=DEEP,
        published_at=timezone.now() - timedelta(hours=2),
        authors=[ParsedAuthor(name="Wire Desk")],
    )
    with pytest.raises(richtext.BodyRejected, match="nests tags"):
        save_parsed(parsed, status=Status.DRAFT)
    assert not Article.objects.filter(external_id="deep-1").exists()
