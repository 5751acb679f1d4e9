"""The sitemaps we serve, checked against the sitemaps.org protocol and Google's News
extension by our own rules (no schema files needed): namespaces, required elements, W3C
dates, absolute addresses that answer, and nothing readers cannot see."""

import re
from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Status
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), the forms the protocol allows.
W3C_DATETIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
MAX_NEWS_URLS = 1_000
MAX_LOC = 2_048


def q(namespace, name):
    return f"{{{namespace}}}{name}"


def fetch_xml(client, path):
    """The document at ``path``, after checking what every sitemap response must be."""
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].split(";")[0].strip() in ("application/xml", "text/xml")
    content = response.content
    assert len(content) <= MAX_BYTES
    assert content.lstrip().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    content.decode("utf-8")  # the protocol requires UTF-8
    return ElementTree.fromstring(content)


def children(element):
    return [child.tag for child in element]


def check_loc(client, loc):
    """An entry's <loc>: absolute, on this site, escaped, short enough, and answering 200."""
    text = loc.text or ""
    assert text == text.strip() and len(text) <= MAX_LOC
    parts = urlsplit(text)
    assert parts.scheme in ("http", "https") and parts.netloc == "testserver", text
    assert " " not in text
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, text
    return parts.path


def check_lastmod(element):
    lastmod = element.find(q(SM, "lastmod"))
    if lastmod is not None:
        assert W3C_DATETIME.match(lastmod.text or ""), lastmod.text
    return lastmod


def check_urlset(client, root, extensions=()):
    """A <urlset>: its <url>s hold a <loc> first, then the optional protocol elements."""
    assert root.tag == q(SM, "urlset")
    urls = list(root)
    assert len(urls) <= MAX_URLS
    allowed = {q(SM, "loc"), q(SM, "lastmod"), q(SM, "changefreq"), q(SM, "priority")}
    allowed |= {q(ns, name) for ns, name in extensions}
    paths = []
    for url in urls:
        assert url.tag == q(SM, "url")
        tags = children(url)
        assert tags[0] == q(SM, "loc") and tags.count(q(SM, "loc")) == 1
        assert set(tags) <= allowed, tags
        paths.append(check_loc(client, url[0]))
        check_lastmod(url)
        changefreq = url.find(q(SM, "changefreq"))
        if changefreq is not None:
            assert changefreq.text in {
                "always",
                "hourly",
                "daily",
                "weekly",
                "monthly",
                "yearly",
                "never",
            }
        priority = url.find(q(SM, "priority"))
        if priority is not None:
            assert 0.0 <= float(priority.text) <= 1.0
    assert len(paths) == len(set(paths)), "an address is listed twice"
    return paths


@pytest.fixture
def site():
    """Public stories, and the kinds of article no sitemap may list."""
    now = timezone.now()
    news, culture = make_section(name="News", slug="news"), make_section(name="Culture")
    zoe = make_author(name="Zoë Østergaard", slug="zoe-ostergaard")
    lukasz = make_author(name="Łukasz Wąs", slug="lukasz-was")
    return {
        "fresh": make_article(
            headline="Harbour & Quay: Night Ferry <Returns>",
            section=news,
            authors=[zoe, lukasz],
            lead_photo=make_photo(),
            published_at=now - timedelta(hours=2),
        ),
        "yesterday": make_article(
            section=culture, authors=[lukasz], published_at=now - timedelta(hours=30)
        ),
        "old": make_article(
            section=news,
            authors=[zoe],
            published_at=now - timedelta(days=9),
            substantive_update_at=now - timedelta(days=3),
        ),
        "draft": make_article(section=news, authors=[zoe], status=Status.DRAFT),
        "review": make_article(section=news, authors=[zoe], status=Status.REVIEW),
        "scheduled": make_article(
            section=culture, authors=[lukasz], published_at=now + timedelta(hours=5)
        ),
        "taken_down": make_article(section=news, authors=[zoe], status=Status.ARCHIVED),
        "noindex": make_article(section=news, authors=[zoe], noindex=True),
        "elsewhere": make_article(
            section=news, authors=[zoe], canonical_url="https://elsewhere.example/story/"
        ),
    }


PUBLIC = ("fresh", "yesterday", "old")
HIDDEN = ("draft", "review", "scheduled", "taken_down", "noindex", "elsewhere")


def test_index_lists_every_sitemap_with_an_absolute_address_that_answers(client, site):
    root = fetch_xml(client, "/sitemap.xml")
    assert root.tag == q(SM, "sitemapindex")
    listed = []
    for entry in root:
        assert entry.tag == q(SM, "sitemap")
        tags = children(entry)
        assert tags[0] == q(SM, "loc") and set(tags) <= {q(SM, "loc"), q(SM, "lastmod")}
        check_lastmod(entry)
        loc = entry[0].text
        parts = urlsplit(loc)
        assert parts.scheme in ("http", "https") and parts.netloc == "testserver", loc
        listed.append(parts.path)
        # Each one is itself a valid urlset.
        check_urlset(
            client, fetch_xml(client, parts.path), extensions=[(IMAGE, "image"), (NEWS, "news")]
        )
    assert {"/sitemap-articles.xml", "/sitemap-news.xml"} <= set(listed)
    assert {"/sitemap-sections.xml", "/sitemap-authors.xml"} <= set(listed)


def test_articles_sitemap_lists_exactly_the_public_articles(client, site):
    root = fetch_xml(client, "/sitemap-articles.xml")
    paths = check_urlset(client, root, extensions=[(IMAGE, "image")])
    assert sorted(paths) == sorted(site[name].get_absolute_url() for name in PUBLIC)
    for name in HIDDEN:
        assert site[name].get_absolute_url() not in paths, name


def test_articles_sitemap_lastmod_is_a_w3c_date_of_the_last_substantive_change(client, site):
    root = fetch_xml(client, "/sitemap-articles.xml")
    lastmods = {
        urlsplit(url.find(q(SM, "loc")).text).path: url.find(q(SM, "lastmod")).text for url in root
    }
    assert all(W3C_DATETIME.match(value) for value in lastmods.values())
    old = site["old"]
    assert lastmods[old.get_absolute_url()].startswith(
        old.substantive_update_at.strftime("%Y-%m-%dT%H:%M:%S")
    )
    fresh = site["fresh"]
    assert lastmods[fresh.get_absolute_url()].startswith(
        fresh.published_at.strftime("%Y-%m-%dT%H:%M:%S")
    )


def test_articles_sitemap_names_the_lead_photo_with_an_absolute_image_address(client, site):
    root = fetch_xml(client, "/sitemap-articles.xml")
    images = {}
    for url in root:
        path = urlsplit(url.find(q(SM, "loc")).text).path
        for image in url.findall(q(IMAGE, "image")):
            assert children(image)[0] == q(IMAGE, "loc")
            images.setdefault(path, []).append(image.find(q(IMAGE, "loc")).text)
    fresh = site["fresh"]
    assert list(images) == [fresh.get_absolute_url()]
    (image_loc,) = images[fresh.get_absolute_url()]
    parts = urlsplit(image_loc)
    assert parts.scheme in ("http", "https") and parts.netloc == "testserver"
    assert parts.path == fresh.lead_photo.image.url


def test_news_sitemap_holds_the_last_two_days_with_publication_date_and_title(client, site):
    root = fetch_xml(client, "/sitemap-news.xml")
    paths = check_urlset(client, root, extensions=[(NEWS, "news")])
    assert len(paths) <= MAX_NEWS_URLS
    assert sorted(paths) == sorted(site[n].get_absolute_url() for n in ("fresh", "yesterday"))

    by_path = {}
    for url in root:
        (news,) = url.findall(q(NEWS, "news"))
        # Google's News extension: publication (name, language), publication_date, title.
        assert children(news) == [
            q(NEWS, "publication"),
            q(NEWS, "publication_date"),
            q(NEWS, "title"),
        ]
        publication = news.find(q(NEWS, "publication"))
        assert children(publication) == [q(NEWS, "name"), q(NEWS, "language")]
        assert publication.find(q(NEWS, "name")).text == settings.NEWSROOM["SITE_NAME"]
        assert re.fullmatch(
            r"[a-z]{2,3}(-[A-Za-z]{2,4})?", publication.find(q(NEWS, "language")).text
        )
        date = news.find(q(NEWS, "publication_date")).text
        assert W3C_DATETIME.match(date) and "T" in date, date
        by_path[urlsplit(url.find(q(SM, "loc")).text).path] = news

    fresh = site["fresh"]
    news = by_path[fresh.get_absolute_url()]
    # Escaped in the XML, read back exactly.
    assert news.find(q(NEWS, "title")).text == "Harbour & Quay: Night Ferry <Returns>"
    assert news.find(q(NEWS, "publication_date")).text.startswith(
        fresh.published_at.strftime("%Y-%m-%dT%H:%M:%S")
    )


def test_sections_sitemap_lists_sections_and_authors_sitemap_only_public_bylines(client, site):
    sections = check_urlset(client, fetch_xml(client, "/sitemap-sections.xml"))
    assert site["fresh"].section.get_absolute_url() in sections
    assert site["yesterday"].section.get_absolute_url() in sections

    authors = check_urlset(client, fetch_xml(client, "/sitemap-authors.xml"))
    assert sorted(authors) == sorted(
        {b.author.get_absolute_url() for name in PUBLIC for b in site[name].bylines.all()}
    )
    hidden_only = make_author(name="Nguyễn Thị Mai", slug="nguyen-thi-mai")
    make_article(authors=[hidden_only], status=Status.DRAFT)
    authors = check_urlset(client, fetch_xml(client, "/sitemap-authors.xml"))
    assert hidden_only.get_absolute_url() not in authors


def test_a_story_leaves_the_sitemaps_when_it_is_taken_down(client, site):
    fresh = site["fresh"]
    assert fresh.get_absolute_url() in check_urlset(
        client, fetch_xml(client, "/sitemap-articles.xml"), extensions=[(IMAGE, "image")]
    )
    fresh.status = Status.ARCHIVED
    fresh.save()
    articles = check_urlset(
        client, fetch_xml(client, "/sitemap-articles.xml"), extensions=[(IMAGE, "image")]
    )
    news = check_urlset(client, fetch_xml(client, "/sitemap-news.xml"), extensions=[(NEWS, "news")])
    assert fresh.get_absolute_url() not in articles
    assert fresh.get_absolute_url() not in news


def test_robots_txt_names_the_index_and_the_news_sitemap(client, site):
    text = client.get("/robots.txt").content.decode()
    sitemap_lines = [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.lower().startswith("sitemap:")
    ]
    paths = {urlsplit(url).path for url in sitemap_lines}
    assert {"/sitemap.xml", "/sitemap-news.xml"} <= paths
    for url in sitemap_lines:
        assert urlsplit(url).scheme in ("http", "https")
