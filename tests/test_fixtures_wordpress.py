"""Our own WordPress exports (tests/fixtures/wordpress), imported end to end through
``import_articles`` and read back from the database and the public pages."""

import re
from datetime import UTC, datetime
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from articles.models import Article, ArticleRedirect, Author, Section, Status, Tag
from photos.models import Photo
from tests.conftest import run_import
from tests.factories import image_bytes

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


def files_arrive(photos):
    """Give each pending photo its file, as when the source's images are fetched: a page
    shows a photo with its caption only once its image is there."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    for photo in photos:
        photo.image.save("arrived.jpg", SimpleUploadedFile("arrived.jpg", image_bytes()))


def by_class(name):
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def public_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


# Items read with the posts that use them, not items of their own: photos, Co-Authors
# Plus guest authors, reusable blocks.
SUPPORTING = {"attachment", "guest-author", "wp_block"}


def items_read(path):
    """The items of an export the report must account for, counted from the file."""
    tree = lxml.etree.parse(str(path), lxml.etree.XMLParser(resolve_entities=False, recover=True))
    types = [
        next(
            (
                "".join(child.itertext()).strip()
                for child in item
                if isinstance(child.tag, str)
                and re.match(r"\{https?://wordpress\.org/export/[^}]*\}post_type$", child.tag)
            ),
            "post",
        )
        for item in tree.iter("item")
    ]
    return sum(1 for t in types if t not in SUPPORTING)


def report_counts(out):
    summary = out.strip().splitlines()[-1]
    return {action: int(n) for n, action in re.findall(r"(\d+) (\w+)", summary)}


def imported(*paths, **options):
    """Import as an operator would; the report must add up to the items read."""
    out, err, failed = run_import(*paths, **options)
    assert failed is None, err
    counts = report_counts(out)
    assert sum(counts.values()) == sum(items_read(p) for p in paths), out
    return out


# The classic-editor site ---------------------------------------------------------------


def test_classic_export_gives_its_posts_with_their_statuses_and_no_page():
    out = imported(CLASSIC)
    assert "4 created, 0 updated, 0 unchanged, 1 skipped, 0 failed" in out
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
    # The gallery's photos are not in the export: said, not dropped silently.
    assert "gallery: 2 photo(s) not in the file, left out" in out
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
    files_arrive(Photo.objects.all())
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

    files_arrive([photo])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "wp:" not in html
    page_text = one_line(lxml.html.fromstring(response.content).text_content())
    for text in [*OTTER_PARAGRAPHS, *OTTER_HEADINGS, *OTTER_LIST, OTTER_QUOTE]:
        assert text in page_text
    assert "Otter tracks below Hartsford weir in February." in page_text


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


def test_block_editor_image_caption_and_credit_belong_to_the_photo():
    imported(BLOCKS)
    article = Article.objects.get()
    photo = Photo.objects.get()
    assert photo.caption == "Otter tracks below Hartsford weir in February."
    assert photo.credit_line == "Ruairí Delacroix / Ambler Rivers Trust"
    figures = fragment(article.body).xpath(".//figure")
    assert [f.get("data-photo") for f in figures] == [str(photo.pk)]


# A block-editor newsroom: every block, co-authors, names in any script --------------------

NEWSROOM = FIXTURES / "block-newsroom.xml"
STRUCTURES = FIXTURES / "classic-structures.xml"
MERGED = FIXTURES / "merged-export.xml"
DREDGING = "Dredging the Carrow Channel: Who Pays & Who Gains"
ASAICHI = "港の朝市、再開へ"


def test_every_block_type_lands_as_our_structure():
    imported(NEWSROOM, status="published")
    article = Article.objects.get(headline=DREDGING)
    assert "wp:" not in article.body and "<!--" not in article.body
    body = fragment(article.body)
    assert not body.xpath(".//br")
    assert all(one_line(p.text_content()) for p in body.xpath(".//p"))
    assert [child.tag for child in body] == [
        "p",
        "h2",  # the block's h1: our top subhead level
        "p",
        "h2",
        "h4",
        "table",
        "figure",
        "ol",
        "blockquote",
        "figure",  # the gallery's two photos
        "figure",
        "p",  # the embed, as a link
        "hr",
        "p",  # the columns' paragraphs
        "p",
        "h5",
        "p",  # audio, video: links
        "p",
        "h6",
        "p",  # the reusable block's paragraph
        "p",  # the button
        "p",  # the html block
        "p",  # the plugin's block
        "ol",  # the footnotes
    ]
    assert texts(body, "./table//td")[:2] == ["Carrow Point", "6.1 m"]
    assert texts(body, "./ol[1]/li") == [
        "Dredge the whole channel,",
        "dredge the inner reach only,",
        "or do nothing.",
    ]
    links = {a.get("href") for a in body.xpath(".//a")}
    assert {
        "https://video.example/watch/carrow-survey",
        "https://tidewater.example/wp-content/uploads/2025/06/board-meeting.mp3",
        "https://tidewater.example/wp-content/uploads/2025/06/channel.mp4",
        "https://tidewater.example/consultation/",
    } <= links
    text = one_line(body.text_content())
    for kept in (
        "Tide times are set by the harbour office",
        "For: the ferry company",
        "Consultation closes on 30 June.",
        "Should the channel be dredged?",
        "The board last dredged the channel in 1995.",
    ):
        assert kept in text


def test_blocks_not_kept_as_they_were_are_named_in_the_report():
    out = imported(NEWSROOM, status="published")
    line = next(x for x in out.splitlines() if DREDGING in x)
    for said in (
        "gallery: 2 photo(s) placed as figures",
        "embed kept as a link",
        "audio kept as a link",
        "video kept as a link",
        "blocks kept as their inner HTML: ",
        "reusable block",
        "columns",
        "buttons",
        " html",
        "unknown blocks kept as their HTML: tidewater/poll",
        "dynamic blocks left out",
        "latest-posts",
    ):
        assert said in line


def test_image_and_gallery_blocks_are_photos_with_their_captions_and_credit():
    imported(NEWSROOM, status="published")
    article = Article.objects.get(headline=DREDGING)
    mudflats = Photo.objects.get(external_id="https://tidewater.example/?attachment_id=301")
    assert mudflats.caption == "Mudflats at low water below Carrow Point."
    assert mudflats.credit_line == "Ines Varga / Tidewater Courier"
    assert mudflats.alt_text == "Grey mud shining under a low sun"
    heron = Photo.objects.get(external_id="https://tidewater.example/?attachment_id=302")
    dredger = Photo.objects.get(external_id="https://tidewater.example/?attachment_id=303")
    figures = fragment(article.body).xpath("./figure")
    assert [f.get("data-photo") for f in figures] == [str(p.pk) for p in (mudflats, heron, dredger)]
    assert texts(fragment(article.body), "./figure/figcaption")[1:] == [
        "A heron waits on the old channel marker.",
        "The last dredger to work the channel, in 1995.",
    ]


def test_co_authors_plus_bylines_in_order_by_their_display_names():
    imported(NEWSROOM, status="published")
    dredging = Article.objects.get(headline=DREDGING)
    assert [b.author.name for b in dredging.ordered_bylines] == [
        "Odile Marchetti",
        "渡辺 健二",
        "Tomás Ferreira",
    ]
    guest = Author.objects.get(name="Tomás Ferreira")
    assert guest.bio == "Tomás writes on boats & the people who mend them."
    asaichi = Article.objects.get(headline=ASAICHI)
    assert [b.author.name for b in asaichi.ordered_bylines] == [
        "渡辺 健二",
        "יעל כהן",
        "Александра Петрова",
    ]


def test_names_in_any_script_are_distinct_objects_with_working_addresses(client):
    imported(NEWSROOM, status="published")
    dredging = Article.objects.get(headline=DREDGING)
    asaichi = Article.objects.get(headline=ASAICHI)
    names = ["港", "浚渫", "ميناء", "порт", "λιμάνι", "נמל", "朝市", "Secrets & Lies"]
    tags = {t.name: t for t in Tag.objects.all()}
    assert sorted(tags) == sorted(names)
    assert len({t.slug for t in tags.values()}) == len(names)
    assert {t.name for t in asaichi.tags.all()} == {"港", "朝市"}
    for tag in tags.values():
        page = client.get(tag.get_absolute_url())
        assert page.status_code == 200, tag.name
        content = page.content.decode()
        assert "Dredging the Carrow Channel" in content or ASAICHI in content
    people = Author.objects.filter(bylines__article__in=[dredging, asaichi]).distinct()
    assert people.count() == 5 and len({a.slug for a in people}) == 5
    for person in people:
        assert client.get(person.get_absolute_url()).status_code == 200, person.name
    assert asaichi.section.name == "地域"
    assert client.get(asaichi.section.get_absolute_url()).status_code == 200
    assert client.get(asaichi.get_absolute_url()).status_code == 200


def test_entities_are_decoded_once(client):
    imported(NEWSROOM, status="published")
    article = Article.objects.get(headline=DREDGING)
    assert article.dek == "Pilots & fishers want it; the bird reserve does not."
    assert Tag.objects.filter(name="Secrets & Lies").exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "&amp;amp;" not in html and "Who Pays &amp; Who Gains" in html


def test_private_password_draft_pending_and_trashed_posts_are_never_public(client):
    out = imported(NEWSROOM, status="published")
    statuses = dict(Article.objects.values_list("headline", "status"))
    assert statuses["Board minutes (members only)"] == Status.DRAFT
    assert statuses["Staff rota for July"] == Status.DRAFT
    assert statuses["Regatta preview (unfinished)"] == Status.DRAFT
    assert statuses["Lifeboat crew honoured"] == Status.REVIEW
    assert "Old ferry fares" not in statuses
    assert "password-protected on WordPress: imported as a draft, never public" in out
    assert "private on WordPress: imported as a draft, never public" in out
    assert "Old ferry fares  (in WordPress's trash" in out
    for headline, status in statuses.items():
        if status != Status.PUBLISHED:
            article = Article.objects.get(headline=headline)
            assert client.get(article.get_absolute_url()).status_code == 404
    for old in ("/?p=330", "/?p=331", "/2025/06/16/board-minutes/"):
        assert client.get(old).status_code == 404


def test_an_unusual_namespace_imports_and_a_foreign_wp_prefix_is_not_wordpress():
    imported(NEWSROOM, status="published")
    # The item also carries <wp:status> of another namespace ("trash") and a
    # <ruta:status>: neither is WordPress's.
    assert Article.objects.get(headline=DREDGING).status == Status.PUBLISHED


def test_classic_content_follows_wordpress_paragraph_rules():
    imported(STRUCTURES)
    body = fragment(Article.objects.get(headline="Allotment Show Results").body)
    assert [child.tag for child in body] == [
        "h2",
        "p",
        "p",
        "table",
        "p",
        "ul",
        "h5",
        "dl",
        "h6",
        "address",
        "p",
    ]
    # One <br> for the one line break inside a paragraph, one in the address; none
    # before the table or inside the list and the table; no empty paragraphs.
    assert len(body.xpath("./p/br")) == 1 and len(body.xpath("./address/br")) == 1
    assert not body.xpath("./table//br | ./ul//br | ./dl//br")
    assert all(one_line(p.text_content()) for p in body.xpath("./p"))
    assert texts(body, "./dl/dt") == ["Staging"]
    assert texts(body, "./ul/li") == ["giant leeks", "heritage beans"]


def test_a_merged_export_never_merges_two_posts_and_stays_put_on_re_import():
    out = imported(MERGED)
    assert "post id 9 is used by another post of this file: imported apart" in out
    assert "the same post again" in out
    first = dict(Article.objects.values_list("external_id", "headline"))
    assert sorted(first.values()) == [
        "Harbour Dues Rise",
        "North Quay Reopens",
        "Pier Lights Repaired",
        "South Beach Clean-up Draws Hundreds",
    ]
    for _run in range(2):
        again = imported(MERGED)
        assert "0 created, 0 updated, 4 unchanged, 1 skipped, 0 failed" in again
        assert dict(Article.objects.values_list("external_id", "headline")) == first


def test_every_recorded_old_address_of_an_import_answers(client):
    imported(NEWSROOM, status="published")
    imported(STRUCTURES, include_pages=True)
    imported(CLASSIC)
    imported(BLOCKS)
    imported(MERGED)
    redirects = list(ArticleRedirect.objects.select_related("article"))
    paths = {r.old_path for r in redirects}
    for expected in (
        "/?p=123",
        "/?page_id=7",
        "/2013/01/11/allotment-show-results/",
        "/2025/06/15/港の朝市/",
    ):
        assert expected in paths
    assert len(redirects) > 20
    for redirect in redirects:
        response = client.get(redirect.old_path)
        if redirect.article.is_public:
            assert response.status_code == 301, redirect.old_path
            assert response["Location"] == redirect.article.get_absolute_url()
            assert client.get(response["Location"]).status_code == 200
        else:
            assert response.status_code == 404, redirect.old_path


# Galleries placed on the page; terms of taxonomies we do not have --------------------------

GALLERY = FIXTURES / "gallery-series.xml"
GIG = "Gig rowers launch the boat they built over the winter"
FOG = "Fog keeps the ferry in port for a third day"


@pytest.fixture
def uploads(tmp_path):
    """A local copy of the site's wp-content/uploads with the galleries' four photos."""
    root = tmp_path / "uploads"
    for name in (
        "2025/04/kittiwake-slipway.jpg",
        "2025/04/kittiwake-crew.jpg",
        "2025/05/fog-quay.jpg",
        "2025/05/fog-ferry.jpg",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(image_bytes())
    return root


def figure_captions(client, article):
    """(stored figures' photo ids, the page's figure captions) of ``article``'s body."""
    stored = fragment(article.body).xpath("./figure")
    page = public_page(client, article)
    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    captions = texts(body, f"./figure//*[{by_class('figure__caption')}]")
    return [f.get("data-photo") for f in stored], captions, body


def test_a_gallery_shortcode_places_its_photos_as_figures_with_their_captions(client, uploads):
    out = imported(GALLERY, status="published", media_root=str(uploads))
    assert "gallery: 2 photo(s) placed as figures" in out
    article = Article.objects.get(headline=GIG)
    slipway = Photo.objects.get(external_id="https://brindlebay.example/?attachment_id=401")
    crew = Photo.objects.get(external_id="https://brindlebay.example/?attachment_id=402")
    # The attachment's caption (its excerpt, markup taken out) and alternative text.
    assert slipway.caption == "Kittiwake slides down the North Quay slipway at high water."
    assert slipway.alt_text == "A long wooden rowing boat on a stone slipway"
    assert "[gallery" not in article.body
    # In the body where the shortcode stood: between the second and the last paragraph.
    assert [child.tag for child in fragment(article.body)] == ["p", "p", "figure", "figure", "p"]
    ids, captions, body = figure_captions(client, article)
    assert ids == [str(slipway.pk), str(crew.pk)]
    assert captions == [
        "Kittiwake slides down the North Quay slipway at high water.",
        "The first crew: six rowers and a cox, all club members since the autumn.",
    ]
    assert "[gallery" not in body.text_content()
    assert len(body.xpath("./figure//img")) == 2


def test_a_gallery_block_places_its_photos_as_figures_with_their_captions(client, uploads):
    out = imported(GALLERY, status="published", media_root=str(uploads))
    line = next(x for x in out.splitlines() if FOG in x)
    assert "gallery: 2 photo(s) placed as figures" in line
    article = Article.objects.get(headline=FOG)
    quay = Photo.objects.get(external_id="https://brindlebay.example/?attachment_id=411")
    ferry = Photo.objects.get(external_id="https://brindlebay.example/?attachment_id=412")
    assert [child.tag for child in fragment(article.body)] == ["p", "figure", "figure", "p"]
    assert "wp:" not in article.body and "blocks-gallery" not in article.body
    ids, captions, _body = figure_captions(client, article)
    assert ids == [str(quay.pk), str(ferry.pk)]
    # The caption written in the block wins over the attachment's (which one lacks).
    assert captions == [
        "The North Quay at nine in the morning.",
        "The ferry at its berth, engines off.",
    ]
    assert ferry.caption == "The ferry at its berth, engines off."


def test_terms_of_other_taxonomies_are_reported_not_dropped_silently():
    out = imported(GALLERY, status="published")
    gig = next(x for x in out.splitlines() if GIG in x)
    assert (
        "terms of other taxonomies not imported: series: Working Waterfront; "
        "location: North Quay; post_format: Gallery" in gig
    )
    fog = next(x for x in out.splitlines() if FOG in x)
    assert "terms of other taxonomies not imported: location: North Quay" in fog
    # Neither a section nor a tag: the site's sections and tags are what it had as such.
    assert set(Section.objects.values_list("name", flat=True)) == {"Harbour"}
    assert set(Tag.objects.values_list("name", flat=True)) == {"boatbuilding"}
