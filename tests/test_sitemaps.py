import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
import xmlschema
from django.utils import timezone

from tests.conftest import REQUIRE_SHARED, shared_file
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}


def schema(name, *extensions):
    """The sitemaps.org schema, with the extension schemas its <any> elements must match."""
    return xmlschema.XMLSchema(
        [
            shared_file(f"fixtures/sitemaps/{name}"),
            *(shared_file(f"fixtures/sitemaps/{e}") for e in extensions),
        ]
    )


def locations(content):
    return [loc.text for loc in ElementTree.fromstring(content).iter(f"{{{NS['sm']}}}loc")]


@pytest.fixture
def site():
    section, author = make_section(), make_author()
    fresh = make_article(section=section, authors=[author], headline="Fresh & new <story>")
    old = make_article(
        section=section,
        authors=[author],
        published_at=timezone.now() - timedelta(days=5),
        substantive_update_at=timezone.now() - timedelta(days=1),
    )
    return {"section": section, "author": author, "fresh": fresh, "old": old}


def test_sitemap_index_lists_every_sitemap_and_validates(client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    schema("siteindex.xsd").validate(response.content.decode())
    urls = locations(response.content)
    for name in ("articles", "sections", "authors", "news"):
        assert any(url.endswith(f"/sitemap-{name}.xml") for url in urls), name


@pytest.mark.parametrize("name", ["articles", "sections", "authors"])
def test_each_sitemap_validates(client, site, name):
    response = client.get(f"/sitemap-{name}.xml")
    assert response.status_code == 200
    schema("sitemap.xsd", "sitemap-image.xsd").validate(response.content.decode())
    assert locations(response.content)


def test_article_sitemap_names_the_lead_photo(client):
    article = make_article(lead_photo=make_photo())
    make_article()  # without a photo: no image element
    tree = ElementTree.fromstring(client.get("/sitemap-articles.xml").content)
    images = [e.text for e in tree.iter(f"{{{NS['image']}}}loc")]
    assert len(images) == 1 and images[0].endswith(article.lead_photo.image.url)


def test_article_sitemap_lastmod_is_the_substantive_update(client, site):
    tree = ElementTree.fromstring(client.get("/sitemap-articles.xml").content)
    lastmods = {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
        for url in tree.findall("sm:url", NS)
    }
    old_loc = next(loc for loc in lastmods if loc.endswith(site["old"].get_absolute_url()))
    expected = site["old"].substantive_update_at.date().isoformat()
    assert lastmods[old_loc].startswith(expected)


def test_sections_and_authors_are_in_their_sitemaps(client, site):
    assert any(
        u.endswith(site["section"].get_absolute_url())
        for u in locations(client.get("/sitemap-sections.xml").content)
    )
    assert any(
        u.endswith(site["author"].get_absolute_url())
        for u in locations(client.get("/sitemap-authors.xml").content)
    )


def test_news_sitemap_holds_only_the_last_48_hours_and_validates(client, site):
    response = client.get("/sitemap-news.xml")
    content = response.content.decode()
    schema("sitemap.xsd", "sitemap-news.xsd").validate(content)
    urls = locations(response.content)
    assert any(u.endswith(site["fresh"].get_absolute_url()) for u in urls)
    assert not any(u.endswith(site["old"].get_absolute_url()) for u in urls)
    tree = ElementTree.fromstring(response.content)
    news = tree.find("sm:url/news:news", NS)
    assert news.find("news:publication/news:name", NS).text == "The Daily Ledger"
    assert news.find("news:publication/news:language", NS).text == "en"
    assert news.find("news:title", NS).text == "Fresh & new <story>"
    assert news.find("news:publication_date", NS).text.startswith(
        site["fresh"].published_at.date().isoformat()
    )


def test_robots_txt_points_at_the_sitemaps(client, settings, site):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": "https://ledger.example"}
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://ledger.example/sitemap.xml" in text
    assert "Sitemap: https://ledger.example/sitemap-news.xml" in text
    assert "Disallow: /admin/" in text


# With no story in the last 48 hours the news sitemap would be an empty <urlset>, which
# sitemap.xsd refuses: it is left out of the index and robots.txt, and answers 404.


@pytest.fixture
def quiet_days():
    """A site whose newest story is three days old."""
    return make_article(published_at=timezone.now() - timedelta(days=3))


def test_with_no_recent_story_the_index_leaves_out_the_news_sitemap_and_validates(
    client, quiet_days
):
    response = client.get("/sitemap.xml")
    schema("siteindex.xsd").validate(response.content.decode())
    urls = locations(response.content)
    assert not any(url.endswith("/sitemap-news.xml") for url in urls)
    for url in urls:
        listed = client.get(url.removeprefix("http://testserver"))
        schema("sitemap.xsd", "sitemap-image.xsd").validate(listed.content.decode())


def test_with_no_recent_story_the_news_sitemap_answers_404_not_an_empty_urlset(client, quiet_days):
    assert client.get("/sitemap-news.xml").status_code == 404
    text = client.get("/robots.txt").content.decode()
    assert "sitemap-news.xml" not in text and "/sitemap.xml" in text


def test_the_news_sitemap_comes_back_with_the_next_story(client, quiet_days):
    assert client.get("/sitemap-news.xml").status_code == 404
    make_article()
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    schema("sitemap.xsd", "sitemap-news.xsd").validate(response.content.decode())
    assert "sitemap-news.xml" in client.get("/sitemap.xml").content.decode()


# The schemas above come from ../shared; whether their absence skips or fails is a switch.


def test_a_missing_shared_file_skips_unless_the_run_requires_shared(monkeypatch):
    message = "../shared/no/such.xsd is not beside the checkout"
    monkeypatch.delenv(REQUIRE_SHARED, raising=False)
    with pytest.raises(pytest.skip.Exception, match=re.escape(message)):
        shared_file("no/such.xsd")
    monkeypatch.setenv(REQUIRE_SHARED, "1")
    with pytest.raises(pytest.fail.Exception, match=re.escape(message)):
        shared_file("no/such.xsd")


def test_a_shared_file_that_is_there_is_returned_whatever_the_switch(monkeypatch, tmp_path):
    from tests import conftest

    (tmp_path / "here.xsd").write_text("<schema/>")
    monkeypatch.setattr(conftest, "SHARED", tmp_path)
    for required in ("0", "1"):
        monkeypatch.setenv(REQUIRE_SHARED, required)
        assert shared_file("here.xsd") == tmp_path / "here.xsd"
