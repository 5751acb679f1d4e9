"""Our own WordPress exports (tests/fixtures/wordpress), imported end to end through
``import_articles`` and read back from the database and the public pages."""

from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from articles.models import Article, ArticleRedirect, Author, Section, Status, Tag
from photos.models import Photo
from tests.conftest import run_import

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wordpress"
CLASSIC = FIXTURES / "classic-site.xml"
BLOCKS = FIXTURES / "block-editor.xml"

KEEPER = "The Last Keeper of Skarvik Light"
DANCERS = "Folk Dancers Fill the Fish Market"
FERRY = "Ferry Timetable Changes for the Summer"
BREAKWATER = "Council Weighs a Second Breakwater"
OTTERS = "Otters Return to the Ambler After Forty Years"

OTTER_PARAGRAPHS = [
    "Volunteers counting birds on the Ambler found something else in the mud below "
    "Hartsford weir this winter: the five-toed prints of an otter.",
    "It is the first confirmed sighting on the river since 1985, when the last otters were "
    "seen near the old tannery at Cobb's Mill.",
    "The tannery closed in 2002, and a decade of work on the sewage outfalls upstream has "
    "brought trout and minnows back to the middle reaches.",
    "The Ambler Rivers Trust has asked walkers to report three things:",
    "The trust will lead a dawn walk from Hartsford bridge on the first Saturday of April.",
]
OTTER_HEADINGS = ["Cleaner water, more fish", "Where to look"]
OTTER_LIST = [
    "tracks or droppings on the banks,",
    "fish remains on rocks mid-stream,",
    "and any animal seen in the water at dusk.",
]
OTTER_QUOTE = (
    "One otter is a visitor. Two otters are a family, and then we have to protect the "
    "whole stretch."
)


def one_line(text):
    return " ".join(text.split())


def fragment(html):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def texts(tree, xpath):
    return [one_line(e.text_content()) for e in tree.xpath(xpath)]


def by_class(name):
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def public_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def imported(*paths, **options):
    out, err, failed = run_import(*paths, **options)
    assert failed is None, err
    return out


# The classic-editor site ---------------------------------------------------------------


def test_classic_export_gives_its_posts_with_their_statuses_and_no_page():
    out = imported(CLASSIC)
    assert "4 created, 0 updated, 0 unchanged, 0 failed" in out
    statuses = dict(Article.objects.values_list("headline", "status"))
    assert statuses == {
        KEEPER: Status.PUBLISHED,
        DANCERS: Status.PUBLISHED,
        FERRY: Status.DRAFT,
        BREAKWATER: Status.REVIEW,
    }
    assert not Article.objects.filter(headline="About The Harbour Light").exists()
    assert set(Article.objects.values_list("source", flat=True)) == {"wordpress"}
    assert Article.objects.get(headline=KEEPER).external_id == "https://harbourlight.example/?p=10"


def test_each_post_is_credited_to_its_own_author_by_display_name():
    imported(CLASSIC)
    bylines = {
        article.headline: [(b.author.name, b.author.email) for b in article.ordered_bylines]
        for article in Article.objects.all()
    }
    assert bylines == {
        KEEPER: [("Zoë Østergaard", "zoe@harbourlight.example")],
        DANCERS: [("Nguyễn Thị Mai", "mai@harbourlight.example")],
        FERRY: [("Łukasz Wąs", "lukasz@harbourlight.example")],
        BREAKWATER: [("Łukasz Wąs", "lukasz@harbourlight.example")],
    }
    assert Author.objects.count() == 3


def test_published_post_keeps_date_slug_dek_section_tags_and_featured_image():
    imported(CLASSIC)
    article = Article.objects.get(headline=KEEPER)
    assert article.published_at == datetime(2024, 5, 18, 7, 30, tzinfo=UTC)
    assert article.slug == "the-last-keeper-of-skarvik-light"
    assert article.dek == (
        "After thirty-five years, Skarvik's lighthouse keeper hands her lamp to the machines."
    )
    # The first category is the section (with WordPress's slug), the others become tags.
    assert (article.section.name, article.section.slug) == ("Coast & Harbour", "coast")
    assert {t.name for t in article.tags.all()} == {"lighthouses", "Skarvik", "History"}
    assert not Section.objects.filter(name="History").exists()

    lead = article.lead_photo
    assert lead.caption == (
        "Henrikke Vall on the gallery of Skarvik Light, where she has worked since 1989."
    )
    assert lead.alt_text == "A woman in a wool jumper on a lighthouse gallery"
    assert lead.source_url == (
        "https://harbourlight.example/wp-content/uploads/2024/05/keeper-portrait.jpg"
    )
    assert lead.is_pending


def test_caption_shortcode_becomes_an_embedded_photo_with_caption_and_credit():
    imported(CLASSIC)
    article = Article.objects.get(headline=KEEPER)
    stairs = Photo.objects.get(source_url__endswith="/keeper-stairs.jpg")
    assert stairs.caption == "The keeper climbs 212 steps to the lamp room each morning."
    assert stairs.credit_line == "Halvard Brekke / The Harbour Light"
    assert [(c.creator, c.organisation) for c in stairs.credits.all()] == [
        ("Halvard Brekke", "The Harbour Light")
    ]
    assert stairs.alt_text == "A spiral iron staircase seen from below"

    body = fragment(article.body)
    assert [(child.tag, child.get("data-photo")) for child in body] == [
        ("p", None),
        ("figure", str(stairs.pk)),
        ("h2", None),
        ("p", None),
        ("p", None),
        ("p", None),
    ]
    assert texts(body, "./h2") == ["A lamp that never went out"]
    assert texts(body, ".//strong") == ["solar-powered lantern"]
    assert "[caption" not in article.body and "Photo:" not in article.body


def test_caption_attribute_form_and_removed_gallery_are_handled_and_reported():
    out = imported(CLASSIC)
    assert "removed shortcodes: [gallery]" in out
    article = Article.objects.get(headline=DANCERS)
    dancers = Photo.objects.get(source_url__endswith="/dancers.jpg")
    assert dancers.caption == "Dancers from Østby in the long hall of the fish market."
    assert dancers.credit_line == "Łukasz Wąs / The Harbour Light"
    assert dancers.alt_text == "Two rows of dancers in embroidered waistcoats"
    assert f'<figure data-photo="{dancers.pk}">' in article.body
    assert "[gallery" not in article.body
    assert (
        texts(fragment(article.body), "./p")[-1] == "Next year's gathering will be held in Mossvik."
    )
    assert (article.section.name, [t.name for t in article.tags.all()]) == (
        "Culture",
        ["folk dance"],
    )


def test_published_post_page_shows_everything_the_post_holds(client):
    imported(CLASSIC)
    article = Article.objects.get(headline=KEEPER)
    page = public_page(client, article)

    assert texts(page, "//h1") == [KEEPER]
    assert texts(page, f"//p[{by_class('article__dek')}]") == [article.dek]
    assert texts(page, f"//p[{by_class('byline')}]/a") == ["Zoë Østergaard"]
    assert page.xpath(f"//p[{by_class('article__dates')}]/time/@datetime")[0].startswith(
        "2024-05-18T07:30:00"
    )
    assert texts(page, f"//p[{by_class('article__section')}]") == ["Coast & Harbour"]
    assert set(texts(page, "//ul[@class='tags']/li")) == {"lighthouses", "Skarvik", "History"}

    lead = page.xpath(f"//figure[{by_class('figure--lead')}]")[0]
    assert texts(lead, f".//*[{by_class('figure__caption')}]") == [
        "Henrikke Vall on the gallery of Skarvik Light, where she has worked since 1989."
    ]
    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    assert [child.tag for child in body] == ["p", "figure", "h2", "p", "p", "p"]
    assert texts(body, "./p")[2] == (
        '"People think it is lonely," Vall said. "It is the least lonely job on the coast. '
        'Every boat out there knows you."'
    )
    figure = body.xpath("./figure")[0]
    assert texts(figure, f".//*[{by_class('figure__caption')}]") == [
        "The keeper climbs 212 steps to the lamp room each morning."
    ]
    assert texts(figure, f".//*[{by_class('figure__credit')}]") == [
        "Credit: Halvard Brekke / The Harbour Light"
    ]
    for tag in article.tags.all():
        assert client.get(tag.get_absolute_url()).status_code == 200


def test_draft_and_pending_posts_are_not_public(client):
    imported(CLASSIC)
    for headline in (FERRY, BREAKWATER):
        article = Article.objects.get(headline=headline)
        assert client.get(article.get_absolute_url()).status_code == 404


def test_old_wordpress_addresses_are_kept_for_the_article():
    imported(CLASSIC)
    article = Article.objects.get(headline=KEEPER)
    assert set(article.redirects.values_list("old_path", flat=True)) == {
        "/2024/05/18/the-last-keeper-of-skarvik-light/",
        "/?p=10",
    }
    # Two for each published post; a draft's only address is its ?p= one.
    assert ArticleRedirect.objects.count() == 6


@pytest.mark.xfail(
    strict=True,
    reason="imported WordPress addresses are stored but only article-shaped paths answer 301",
)
def test_old_wordpress_addresses_answer_301_to_the_article(client):
    imported(CLASSIC)
    article = Article.objects.get(headline=KEEPER)
    for old in ("/2024/05/18/the-last-keeper-of-skarvik-light/", "/?p=10"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"].endswith(article.get_absolute_url())


def test_page_becomes_an_article_only_when_asked():
    imported(CLASSIC, include_pages=True)
    page = Article.objects.get(headline="About The Harbour Light")
    assert page.slug == "about"
    assert "weekly paper for the villages of the Skarvik coast" in page.body
    assert Article.objects.count() == 5


def test_second_import_of_the_site_changes_nothing():
    imported(CLASSIC)
    before = {a.pk: a.version for a in Article.objects.all()}
    out = imported(CLASSIC)
    assert "0 created, 0 updated, 4 unchanged" in out
    assert {a.pk: a.version for a in Article.objects.all()} == before
    assert Photo.objects.count() == 3 and Tag.objects.count() == 4


# The block-editor post -------------------------------------------------------------------


def test_block_editor_post_brings_every_paragraph_and_heading_in_order():
    imported(BLOCKS)
    article = Article.objects.get()
    assert article.headline == OTTERS
    assert article.status == Status.PUBLISHED
    assert article.published_at == datetime(2025, 3, 21, 9, 15, tzinfo=UTC)
    assert [b.author.name for b in article.ordered_bylines] == ["Nguyễn Thị Mai"]
    assert article.section.name == "Environment"
    assert {t.name for t in article.tags.all()} == {"otters", "rivers"}

    body = fragment(article.body)
    paragraphs = [t for t in texts(body, "./p") if t]
    assert paragraphs == OTTER_PARAGRAPHS
    assert texts(body, "./h3") == OTTER_HEADINGS
    # Headings sit between the paragraphs they were written between.
    flow = [
        (e.tag, one_line(e.text_content()))
        for e in body
        if e.tag in ("p", "h3") and one_line(e.text_content())
    ]
    assert [t for _tag, t in flow] == [
        OTTER_PARAGRAPHS[0],
        OTTER_PARAGRAPHS[1],
        OTTER_HEADINGS[0],
        OTTER_PARAGRAPHS[2],
        OTTER_PARAGRAPHS[3],
        OTTER_HEADINGS[1],
        OTTER_PARAGRAPHS[4],
    ]


def test_block_editor_list_quote_and_image_arrive_and_no_block_comment_leaks(client):
    imported(BLOCKS)
    article = Article.objects.get()
    assert "wp:" not in article.body and "<!--" not in article.body

    body = fragment(article.body)
    assert texts(body, "./ul/li") == OTTER_LIST
    quote = body.xpath("./blockquote")
    assert len(quote) == 1
    assert texts(quote[0], "./p") == [OTTER_QUOTE]
    assert "Femi Adeyemi-Hart, Ambler Rivers Trust" in one_line(quote[0].text_content())

    photo = Photo.objects.get()
    assert photo.alt_text == "Paw prints in the mud of a riverbank"
    assert photo.source_url.endswith("/2025/03/otter-tracks.jpg")
    assert photo.external_id == "https://valleypost.example/?attachment_id=201"
    assert f'data-photo="{photo.pk}"' in article.body

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "wp:" not in html
    page_text = one_line(lxml.html.fromstring(response.content).text_content())
    for text in [*OTTER_PARAGRAPHS, *OTTER_HEADINGS, *OTTER_LIST, OTTER_QUOTE]:
        assert text in page_text
    assert "Otter tracks below Hartsford weir in February." in page_text


@pytest.mark.xfail(
    strict=True,
    reason="autop does not take <!-- wp:... --> lines as block starts: empty <p> and stray <br>",
)
def test_block_editor_markup_adds_no_empty_paragraphs_or_line_breaks():
    imported(BLOCKS)
    body = fragment(Article.objects.get().body)
    assert not body.xpath(".//br")
    assert all(one_line(p.text_content()) for p in body.xpath(".//p"))
    assert [child.tag for child in body] == [
        "p",
        "p",
        "h3",
        "p",
        "figure",
        "p",
        "ul",
        "blockquote",
        "h3",
        "p",
    ]


@pytest.mark.xfail(
    strict=True,
    reason="a wp:image block's <figcaption> stays loose in the body, not the photo's caption",
)
def test_block_editor_image_caption_and_credit_belong_to_the_photo():
    imported(BLOCKS)
    article = Article.objects.get()
    photo = Photo.objects.get()
    assert photo.caption == "Otter tracks below Hartsford weir in February."
    assert photo.credit_line == "Ruairí Delacroix / Ambler Rivers Trust"
    figures = fragment(article.body).xpath(".//figure")
    assert [f.get("data-photo") for f in figures] == [str(photo.pk)]
