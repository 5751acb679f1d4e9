"""Nothing a reader may not see shows up on any public surface."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from api.models import ApiKey
from articles.models import Status
from sharing.models import ShareLink
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


# The content API and preview share links ------------------------------------------------


def api_urls(world):
    """Every API address, with every filter, for the world's section, author and tag."""
    since = (timezone.now() - timedelta(days=1)).isoformat()
    lists = [
        "/api/v1/articles",
        f"/api/v1/articles?section={world['section'].slug}",
        f"/api/v1/articles?author={world['author'].slug}",
        f"/api/v1/articles?tag={world['tag'].slug}",
    ]
    lists += [f"{lists[0]}?since={quote(since)}", f"{lists[0]}?updated_since={quote(since)}"]
    return lists + [f"/api/v1/articles/{world['public'].pk}"]


def test_hidden_stories_are_not_in_any_api_answer(client, world):
    for url in api_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_only_public(response.content, world)
    for article in world["hidden"]:
        response = client.get(f"/api/v1/articles/{article.pk}")
        assert response.status_code == 404
        assert article.headline not in response.content.decode()


def test_hidden_stories_are_not_in_the_api_with_an_ordinary_key(client, world):
    key = ApiKey(name="Partner")
    secret = key.new_secret()
    key.save()
    for url in api_urls(world):
        assert_only_public(client.get(url, HTTP_X_API_KEY=secret).content, world)


def test_an_embargo_key_sees_scheduled_stories_and_nothing_else_hidden(client, world):
    key = ApiKey(name="Agency", allow_embargoed=True)
    secret = key.new_secret()
    key.save()
    draft, review, scheduled, archived = world["hidden"]
    text = client.get("/api/v1/articles", HTTP_X_API_KEY=secret).content.decode()
    assert scheduled.headline in text
    for article in (draft, review, archived):
        assert article.headline not in text and article.slug not in text
        response = client.get(f"/api/v1/articles/{article.pk}", HTTP_X_API_KEY=secret)
        assert response.status_code == 404


def test_the_api_lists_no_section_author_or_tag_known_only_from_hidden_stories(client, world):
    section, author, tag = make_section(), make_author(), make_tag()
    make_article(section=section, authors=[author], tags=[tag], status=Status.DRAFT)
    for url, hidden in (
        ("/api/v1/sections", section),
        ("/api/v1/authors", author),
        ("/api/v1/tags", tag),
    ):
        assert hidden.slug not in client.get(url).content.decode(), url


def test_a_share_link_shows_its_own_story_and_nothing_else_hidden(client, world):
    draft, review, scheduled, archived = world["hidden"]
    link = ShareLink.objects.create(article=draft)
    page = client.get(link.get_absolute_url()).content.decode()
    assert draft.headline in page
    for other in (review, scheduled, archived):
        assert other.headline not in page and other.slug not in page
    # A link whose story was taken down, or that is forged, shows nothing of it.
    gone = ShareLink.objects.create(article=archived)
    assert archived.headline not in client.get(gone.get_absolute_url()).content.decode()
    forged = link.get_absolute_url().replace(":", "x:", 1)
    assert draft.headline not in client.get(forged).content.decode()
