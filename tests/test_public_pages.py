from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Correction
from photos.models import Credit
from tests.factories import make_article, make_author, make_photo, make_section, make_tag

pytestmark = pytest.mark.django_db


def test_home_shows_lead_story_then_sections(client):
    news, sport = make_section(name="News", order=1), make_section(name="Sport", order=2)
    older = make_article(
        headline="Council votes", section=news, published_at=timezone.now() - timedelta(hours=5)
    )
    lead = make_article(headline="Harbour reopens", section=sport, lead_photo=make_photo())
    html = client.get("/").content.decode()
    assert 'class="lead-story__headline"' in html
    top = html.index("lead-story__headline")
    assert html.index(lead.headline) > top - 10 and html.index(lead.headline) < html.index("Latest")
    assert f'id="section-{news.slug}"' in html
    assert older.headline in html


def test_home_is_paginated(client):
    section = make_section()
    for n in range(15):
        make_article(
            section=section,
            headline=f"Story {n:02d}",
            authors=[],
            published_at=timezone.now() - timedelta(minutes=n + 1),
        )
    first = client.get("/")
    second = client.get("/?page=2")
    assert "Page 1 of 2" in first.content.decode()
    assert "Story 14" in second.content.decode()
    assert "Story 00" not in second.content.decode()


def test_section_page_lists_its_stories_only(client):
    mine, other = make_section(), make_section()
    a = make_article(section=mine)
    b = make_article(section=other)
    html = client.get(mine.get_absolute_url()).content.decode()
    assert a.headline in html and b.headline not in html


def test_author_page_shows_bio_photo_and_articles(client):
    author = make_author(name="Ana Ruiz", bio="Covers city hall.", photo=make_photo())
    article = make_article(authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    assert "Ana Ruiz" in html and "Covers city hall." in html
    assert 'class="profile__photo"' in html
    assert article.headline in html


def test_tag_page_lists_tagged_stories(client):
    tag = make_tag(name="Elections")
    tagged = make_article(tags=[tag])
    untagged = make_article()
    response = client.get(tag.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert tagged.headline in html and untagged.headline not in html


def test_unknown_section_author_and_tag_answer_404(client):
    for url in ("/section/nope/", "/author/nope/", "/tag/nope/"):
        assert client.get(url).status_code == 404


def test_article_page_shows_byline_dates_figure_tags_and_corrections(client):
    photo = make_photo(caption="The harbour at dawn.", credit_line="Jo Doe / Ledger")
    first, second = make_author(name="Ana Ruiz"), make_author(name="Ben Cho")
    article = make_article(
        authors=[first, second],
        tags=[make_tag(name="Port")],
        lead_photo=photo,
        dek="What changed.",
        substantive_update_at=timezone.now(),
    )
    Correction.objects.create(article=article, text="An earlier version misspelt a name.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "By <a" in html and "Ana Ruiz</a> and <a" in html and "Ben Cho</a>" in html
    assert "Written on" in html and "Updated" in html
    assert "The harbour at dawn." in html and "Credit: Jo Doe / Ledger" in html
    assert ">Port</a>" in html
    assert "An earlier version misspelt a name." in html


def test_article_body_embeds_are_expanded_with_credit(client):
    inline = make_photo(caption="Inline caption.", credit_line="Inline Credit")
    Credit.objects.create(photo=inline, creator="Inline Credit")
    article = make_article(body=f'<p>Before.</p><figure data-photo="{inline.pk}"></figure>')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Inline caption." in html and "Credit: Inline Credit" in html


def test_related_links_show_other_public_stories(client):
    section = make_section()
    article = make_article(section=section)
    sibling = make_article(section=section, headline="Sibling story")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "More stories" in html and sibling.headline in html


def test_error_pages_render_with_notices(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_page_links_keep_the_search_query(client):
    section = make_section()
    for n in range(25):
        make_article(section=section, headline=f"Harbour story {n}", authors=[])
    html = client.get("/search/?q=harbour").content.decode()
    assert "?q=harbour&amp;page=2" in html


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'href="/"' in html


def test_gone_page_names_the_take_down_without_the_story(client):
    from articles.models import Status

    article = make_article(status=Status.ARCHIVED, headline="Withdrawn claim")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 410
    assert "This story has been removed" in html and "taken down" in html
    assert "Withdrawn claim" not in html
    assert '<meta name="robots" content="noindex">' in html
