import json
import re

import pytest
from PIL import Image

from photos import renditions
from photos.models import Credit
from tests.factories import make_article, make_author, make_photo, make_tag

pytestmark = pytest.mark.django_db

SITE = "https://ledger.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": SITE}


@pytest.fixture
def article():
    photo = make_photo(
        caption="The quay.",
        credit_line="Jo Doe / Ledger Photo",
        copyright_notice="© 2026 Ledger Photo",
    )
    Credit.objects.create(
        photo=photo,
        creator="Jo Doe",
        organisation="Ledger Photo",
        licence="CC BY 4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
    )
    renditions.ensure_renditions(photo)  # as an upload or import does
    return make_article(
        headline="Harbour </script><script>alert(1)</script> reopens",
        dek="Ships & ferries sail again.",
        lead_photo=photo,
        tags=[make_tag(name="Port")],
        authors=[make_author(name="Ana Ruiz"), make_author(name="Ben Cho")],
    )


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_article_page_has_canonical_and_description(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{SITE}{article.get_absolute_url()}">' in html
    assert '<meta name="description" content="Ships &amp; ferries sail again.">' in html


def test_open_graph_and_twitter_image_is_1200_by_630(client, article, media_root):
    html = client.get(article.get_absolute_url()).content.decode()
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og.startswith(SITE + "/media/")
    assert f'<meta name="twitter:image" content="{og}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    with Image.open(media_root / og.split("/media/", 1)[1]) as image:
        assert image.size == (1200, 630)


def test_json_ld_is_escaped_so_the_headline_cannot_close_the_script(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    block = html.split("application/ld+json")[1].split("</script>")[0]
    assert "<script>" not in block and "\\u003c/script\\u003e" in block
    assert json_ld(html)["headline"].startswith("Harbour </script>")


def test_json_ld_has_every_news_article_property(client, article):
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    url = SITE + article.get_absolute_url()
    assert data["@type"] == "NewsArticle"
    assert data["description"] == "Ships & ferries sail again."
    assert data["mainEntityOfPage"]["@id"] == url
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"]
    assert [(a["name"], a["url"]) for a in data["author"]] == [
        (b.author.name, SITE + b.author.get_absolute_url()) for b in article.ordered_bylines
    ]
    assert data["publisher"]["name"] == "The Daily Ledger"
    assert data["publisher"]["logo"]["url"].startswith(SITE + "/static/")
    ratios = sorted(round(i["width"] / i["height"], 2) for i in data["image"])
    assert ratios == [1.0, 1.33, 1.78]
    for image in data["image"]:
        assert image["url"].startswith(SITE + "/media/")
        assert image["creditText"] == "Jo Doe / Ledger Photo"
        assert image["copyrightNotice"] == "© 2026 Ledger Photo"
        assert image["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_json_ld_without_a_photo_still_parses_and_omits_images(client):
    article = make_article()
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["headline"] == article.headline and "image" not in data


def test_photo_without_renditions_yet_does_not_break_the_page(client):
    article = make_article(lead_photo=make_photo())
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "image" not in json_ld(response.content.decode())
    assert '<meta name="twitter:card" content="summary">' in response.content.decode()


def test_json_ld_is_a_data_block_without_a_nonce(client, article):
    # Never run, so outside script-src; a nonce here would be cached and served to all.
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<script type="application/ld\+json">', html)
    assert "nonce=" not in html


def test_publisher_logo_file_exists(client):
    from django.contrib.staticfiles import finders

    path = finders.find("img/logo.png")
    with Image.open(path) as image:
        assert image.size == (600, 60)
