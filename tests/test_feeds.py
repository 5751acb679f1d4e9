import html
import re
from xml.etree import ElementTree

import feedparser
import pytest

from photos.models import Credit
from tests.factories import make_article, make_author, make_photo, make_section, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    section = make_section(name="World")
    inline = make_photo(caption="Inline caption.", credit_line="Inline Credit")
    lead = make_photo(caption="Lead caption.", credit_line="Lead Credit")
    Credit.objects.create(photo=lead, creator="Lead Credit")
    return make_article(
        headline="Ports & harbours reopen",
        dek="Ships sail again.",
        section=section,
        authors=[make_author(name="Ana Ruiz"), make_author(name="Ben Cho")],
        lead_photo=lead,
        body=f'<h2>Subhead</h2><p>Full body text.</p><figure data-photo="{inline.pk}"></figure>',
    )


def feed_urls(story):
    author = story.bylines.first().author
    for kind in ("rss", "atom"):
        yield f"/feeds/{kind}/"
        yield f"/section/{story.section.slug}/{kind}/"
        yield f"/author/{author.slug}/{kind}/"


def test_every_feed_parses_without_bozo_and_carries_the_story(client, story):
    for url in feed_urls(story):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        (entry,) = feed.entries
        assert entry.title == "Ports & harbours reopen"
        assert entry.link.endswith(story.get_absolute_url())
        assert "Ships sail again." in entry.summary
        assert entry.published_parsed is not None


def test_every_feed_item_names_all_authors(client, story):
    for url in feed_urls(story):
        entry = feedparser.parse(client.get(url).content).entries[0]
        names = [author.get("name") for author in entry.authors]
        assert names == ["Ana Ruiz", "Ben Cho"], url


def test_every_feed_item_carries_the_lead_image(client, story):
    for url in feed_urls(story):
        entry = feedparser.parse(client.get(url).content).entries[0]
        enclosures = [link for link in entry.links if link.get("rel") == "enclosure"]
        assert enclosures and enclosures[0].href.endswith(story.lead_photo.image.url), url
        assert enclosures[0].type == "image/jpeg"
        assert entry.media_content[0]["url"].endswith(story.lead_photo.image.url)


def test_every_feed_item_has_the_full_body_with_embeds_expanded(client, story):
    for url in feed_urls(story):
        entry = feedparser.parse(client.get(url).content).entries[0]
        body = entry.content[0].value
        assert "Full body text." in body and "Subhead" in body
        assert "Inline caption." in body and "Credit: Inline Credit" in body


def test_feed_body_is_sanitised(client):
    make_article(body='<p onclick="x()">Safe</p><script>alert(1)</script>')
    entry = feedparser.parse(client.get("/feeds/rss/").content).entries[0]
    body = entry.content[0].value
    assert "Safe" in body and "script" not in body and "onclick" not in body


def test_unknown_section_feed_is_404(client):
    assert client.get("/section/nope/rss/").status_code == 404


def raw_contents(content):
    """Item bodies exactly as sent (feedparser drops attributes such as srcset)."""
    tree = ElementTree.fromstring(content)
    names = (
        "{http://purl.org/rss/1.0/modules/content/}encoded",
        "{http://www.w3.org/2005/Atom}content",
    )
    return [element.text for name in names for element in tree.iter(name)]


def test_feed_content_uses_absolute_urls_for_images_and_links(client, settings, story):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": "https://ledger.example"}
    story.body += '<p><a href="/section/world/">More world news</a></p>'
    story.save()
    for url in feed_urls(story):
        (body,) = raw_contents(client.get(url).content)
        assert 'src="https://ledger.example/media/' in body
        assert 'href="https://ledger.example/section/world/"' in body
        assert 'src="/' not in body and 'href="/' not in body
        for srcset in re.findall(r'srcset="([^"]*)"', body):
            assert all(c.strip().startswith("https://ledger.example/") for c in srcset.split(","))


def test_absolute_urls_rewrites_each_srcset_candidate_and_leaves_others(settings):
    from articles.feeds import absolute_urls

    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": "https://ledger.example"}
    html = (
        '<img src="/media/a.jpg" srcset="/media/a-320.jpg 320w, /media/a-640.jpg 640w">'
        '<a href="https://elsewhere.example/x">x</a><a href="//cdn.example/y">y</a>'
        '<a href="mailto:desk@ledger.example">mail</a>'
    )
    assert absolute_urls(html) == (
        '<img src="https://ledger.example/media/a.jpg" srcset="https://ledger.example/media/'
        'a-320.jpg 320w, https://ledger.example/media/a-640.jpg 640w">'
        '<a href="https://elsewhere.example/x">x</a><a href="//cdn.example/y">y</a>'
        '<a href="mailto:desk@ledger.example">mail</a>'
    )


# A name a writer could choose (authors, sections, tags, headlines, deks), hostile to
# readers that render a field as HTML.
HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> & "Q"'


def shown(detail, value):
    """What a feed reader shows for a field: HTML fields are rendered, text is as written."""
    return html.unescape(value) if detail is None or detail.type == "text/html" else value


def test_hostile_names_show_as_written_in_every_field_of_every_feed(client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_NAME": HOSTILE}
    section = make_section(name=HOSTILE, slug="hostile", description=HOSTILE)
    author = make_author(name=HOSTILE, slug="hostile-author")
    make_article(
        headline=HOSTILE,
        dek=HOSTILE,
        section=section,
        authors=[author],
        tags=[make_tag(name=HOSTILE)],
    )
    for url in (
        "/feeds/rss/",
        "/feeds/atom/",
        "/section/hostile/rss/",
        "/section/hostile/atom/",
        "/author/hostile-author/rss/",
        "/author/hostile-author/atom/",
    ):
        raw = client.get(url).content.decode()
        assert "<script>" not in raw and "<img" not in raw, url
        feed = feedparser.parse(raw)
        assert not feed.bozo, (url, feed.bozo_exception)
        channel = feed.feed
        assert HOSTILE in shown(channel.title_detail, channel.title), (url, "channel title")
        assert HOSTILE in shown(channel.subtitle_detail, channel.subtitle), (url, "description")
        (entry,) = feed.entries
        assert shown(entry.title_detail, entry.title) == HOSTILE, (url, "item title")
        assert shown(entry.summary_detail, entry.summary) == HOSTILE, (url, "item description")
        assert [a["name"] for a in entry.authors] == [HOSTILE], (url, "item authors")
        assert {t.term for t in entry.tags} == {HOSTILE}, (url, "item categories")
