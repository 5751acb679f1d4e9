"""Nothing a reader may not see shows up on any public surface."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Status
from tests.factories import make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """One public story and four hidden ones sharing its section, author and tag."""
    section, author, tag = make_section(), make_author(), make_tag()
    common = {
        "section": section,
        "authors": [author],
        "tags": [tag],
        "body": "<p>Zebracrossing harbour news.</p>",
    }
    public = make_article(headline="Public zebracrossing story", **common)
    hidden = [
        make_article(headline="Draft zebracrossing story", status=Status.DRAFT, **common),
        make_article(headline="Review zebracrossing story", status=Status.REVIEW, **common),
        make_article(
            headline="Scheduled zebracrossing story",
            status=Status.PUBLISHED,
            published_at=timezone.now() + timedelta(hours=3),
            **common,
        ),
        make_article(headline="Taken down zebracrossing story", status=Status.ARCHIVED, **common),
    ]
    return {"section": section, "author": author, "tag": tag, "public": public, "hidden": hidden}


def assert_only_public(content, world):
    text = content.decode()
    assert world["public"].headline in text or world["public"].get_absolute_url() in text
    for article in world["hidden"]:
        assert article.headline not in text
        assert article.slug not in text


def test_hidden_stories_are_not_on_home(client, world):
    assert_only_public(client.get("/").content, world)


def test_hidden_stories_are_not_on_section_page(client, world):
    assert_only_public(client.get(world["section"].get_absolute_url()).content, world)


def test_hidden_stories_are_not_on_author_page(client, world):
    assert_only_public(client.get(world["author"].get_absolute_url()).content, world)


def test_hidden_stories_are_not_on_tag_page(client, world):
    assert_only_public(client.get(world["tag"].get_absolute_url()).content, world)


def test_hidden_stories_are_not_in_search(client, world):
    assert_only_public(client.get("/search/?q=zebracrossing").content, world)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_hidden_stories_are_not_in_any_feed(client, world, kind):
    urls = [
        f"/feeds/{kind}/",
        f"/section/{world['section'].slug}/{kind}/",
        f"/author/{world['author'].slug}/{kind}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_only_public(response.content, world)


def test_hidden_stories_are_not_in_sitemaps(client, world):
    assert_only_public(client.get("/sitemap-articles.xml").content, world)


def test_hidden_stories_are_not_in_news_sitemap(client, world):
    assert_only_public(client.get("/sitemap-news.xml").content, world)


def test_hidden_stories_are_not_in_related_links_or_json_ld(client, world):
    other = make_article(section=world["section"], tags=[world["tag"]])
    html = client.get(other.get_absolute_url()).content.decode()
    json_ld = html.split("application/ld+json")[1].split("</script>")[0]
    assert world["public"].headline in html  # it is a related story
    for article in world["hidden"]:
        assert article.headline not in html
        assert article.slug not in json_ld


def test_hidden_stories_pages_are_not_public(client, world):
    draft, review, scheduled, archived = world["hidden"]
    for article in (draft, review, scheduled):
        assert client.get(article.get_absolute_url()).status_code == 404
    response = client.get(archived.get_absolute_url())
    assert response.status_code == 410
    assert archived.headline not in response.content.decode()


def test_author_with_only_hidden_stories_is_not_in_author_sitemap(client):
    hidden_author = make_author()
    make_article(authors=[hidden_author], status=Status.DRAFT)
    make_article()
    assert hidden_author.slug not in client.get("/sitemap-authors.xml").content.decode()


def test_a_section_with_nothing_published_is_not_in_the_menu(client):
    shown = make_section(name="Harbour")
    make_article(section=shown)
    coming = make_section(name="Election night")
    make_article(section=coming, status=Status.DRAFT)
    make_article(section=coming, published_at=timezone.now() + timedelta(hours=3))
    page = client.get("/").content.decode()
    assert "Harbour" in page and shown.get_absolute_url() in page
    assert "Election night" not in page and coming.get_absolute_url() not in page


def test_an_author_or_tag_with_nothing_published_has_no_page(client):
    author, tag = make_author(name="Nadia Quill"), make_tag(name="Merger talks")
    draft = make_article(authors=[author], tags=[tag], status=Status.DRAFT)
    assert client.get(author.get_absolute_url()).status_code == 404
    assert client.get(tag.get_absolute_url()).status_code == 404
    # The same addresses answer once a story of theirs is out.
    draft.status = Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    assert client.get(author.get_absolute_url()).status_code == 200
    assert client.get(tag.get_absolute_url()).status_code == 200
