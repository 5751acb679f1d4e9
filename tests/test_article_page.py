"""The public article page: what it shows, who may see it, and what it costs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import rendering
from articles.models import Status
from photos import renditions
from tests.factories import make_article, make_author, make_photo, make_tag

pytestmark = pytest.mark.django_db


# A page the page cache misses, when nothing of it is cached but the menu: the article
# with its section, its stored parts (rendered when it was saved, articles.rendering) and
# the next scheduled time; the related stories.
ARTICLE_PAGE_QUERIES = 2


def article_with(n_authors, n_photos, n_tags):
    lead = make_photo(caption="Lead caption", credit_line="Lead Credit / Agency")
    inline = [
        make_photo(caption=f"Inline {i}", credit_line=f"Person {i} / Org {i}")
        for i in range(n_photos - 1)
    ]
    for photo in [lead, *inline]:
        renditions.ensure_renditions(photo)  # as an upload or import does
    body = "".join(f'<p>Para {p.pk}</p><figure data-photo="{p.pk}"></figure>' for p in inline)
    article = make_article(
        authors=[make_author() for _ in range(n_authors)],
        tags=[make_tag() for _ in range(n_tags)],
        lead_photo=lead,
        body=body,
    )
    rendering.refresh([article.pk])  # as the save's commit does
    return article


def queries_for(client, article):
    client.get("/")  # the site state and menu, shared by every page, are made here
    with CaptureQueriesContext(connection) as captured:
        response = client.get(article.get_absolute_url() + "?fresh")
    assert response.status_code == 200
    return len(captured)


def test_article_page_query_count_does_not_grow_with_authors_photos_and_tags(
    client, django_assert_num_queries
):
    # The lead photo alone, or the lead and four in the body: one load of photos either way.
    small = article_with(n_authors=1, n_photos=1, n_tags=0)
    large = article_with(n_authors=3, n_photos=5, n_tags=10)
    assert queries_for(client, small) == ARTICLE_PAGE_QUERIES
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        response = client.get(large.get_absolute_url())
    html = response.content.decode()
    assert html.count("<figure") == 5 and html.count('rel="author"') == 3


def test_article_page_shows_authors_photos_credits_and_tags(client):
    article = article_with(n_authors=2, n_photos=2, n_tags=1)
    html = client.get(article.get_absolute_url()).content.decode()
    for byline in article.ordered_bylines:
        assert f'href="{byline.author.get_absolute_url()}"' in html
    assert "Lead caption" in html and "Credit: Lead Credit / Agency" in html
    assert "Credit: Person 0 / Org 0" in html
    assert article.tags.get().name in html


def test_draft_answers_404(client):
    article = make_article(status=Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_article_in_review_answers_404(client):
    article = make_article(status=Status.REVIEW)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_article_is_hidden_until_its_time(client):
    article = make_article(published_at=timezone.now() + timedelta(hours=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    article.published_at = timezone.now() - timedelta(seconds=1)
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_wrong_date_or_section_in_url_redirects_to_the_canonical_url(client):
    article = make_article()
    url = article.get_absolute_url().replace(f"/{article.section.slug}/", "/elsewhere/")
    response = client.get(url)
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()


def test_home_lists_published_articles_only(client):
    public = make_article(headline="Public story")
    make_article(headline="Draft story", status=Status.DRAFT)
    html = client.get("/").content.decode()
    assert public.headline in html and "Draft story" not in html


def test_author_page_lists_the_authors_published_articles(client):
    author = make_author(name="Zoë Østergaard", bio="Covers the harbour.")
    make_article(authors=[author], headline="Harbour story")
    make_article(authors=[author], headline="Unfinished", status=Status.DRAFT)
    html = client.get(author.get_absolute_url()).content.decode()
    assert "Zoë Østergaard" in html and "Harbour story" in html and "Unfinished" not in html
