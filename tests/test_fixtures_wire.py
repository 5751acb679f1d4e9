"""Our own agency stories (tests/fixtures/wire): one NITF, one NewsML-G2 and one ninjs
item, imported end to end through ``import_articles`` and read back from the database and
the public pages."""

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from articles.models import Article, Author, Status
from photos.models import Photo
from tests.conftest import run_import
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wire"
NITF = FIXTURES / "nordwire-wind-farm.nitf.xml"
NEWSML = FIXTURES / "valley-flood-defences.newsml.xml"
NINJS = FIXTURES / "gdansk-shipyard-crane.ninjs.json"


def one_line(text):
    return " ".join(text.split())


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


def structure(html):
    """(tag, text) of each top-level element of an article body."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [(child.tag, one_line(child.text_content())) for child in root]


def import_one(path, **options):
    out, err, failed = run_import(path, **options)
    assert failed is None, err
    assert "1 created" in out
    return Article.objects.get()


def public_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def assert_page_shows(client, article, *, authors, tags, blocks):
    """The public page shows the headline, dek, date, bylines, tags and body of ``article``."""
    page = public_page(client, article)
    assert texts(page, "//h1") == [article.headline]
    assert texts(page, f"//p[{by_class('article__dek')}]") == [article.dek]
    assert texts(page, f"//p[{by_class('byline')}]/a") == authors
    datetime_attr = page.xpath(f"//p[{by_class('article__dates')}]/time/@datetime")[0]
    assert datetime_attr.startswith(article.published_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert set(texts(page, "//ul[@class='tags']/li")) == set(tags)
    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    assert [(child.tag, one_line(child.text_content())) for child in body] == blocks
    return page


# NITF ------------------------------------------------------------------------------------

NITF_BLOCKS = [
    (
        "p",
        "Fishing crews and the company building a wind farm on the Skarvik Bank signed an "
        "agreement on Saturday that ends eight months of protests at sea.",
    ),
    (
        "p",
        "Under the deal, the operator, Vestvind Energi, will leave two corridors of open water "
        "through the field of 64 turbines, each wide enough for a trawler to turn.",
    ),
    ("h2", "Nets, surveys and a fund"),
    (
        "p",
        "The company will also replace gear damaged during construction and pay for a "
        "three-year survey of the cod spawning grounds, the agreement says.",
    ),
    (
        "blockquote",
        "We did not want to stop the turbines. We wanted to keep fishing between them. "
        "Anders Myhrvold, Skarvik Fishermen's Association",
    ),
    ("p", "The first turbines are due to turn next spring."),
]
NITF_TAGS = ["Renewable energy", "Fishing industry", "offshore wind", "Skarvik Bank"]


def test_nitf_story_keeps_ids_date_people_dateline_subjects_and_body():
    article = import_one(NITF)
    assert (article.source, article.external_id) == ("nitf", "NW-20250412-0087")
    assert article.source_version == 2
    assert article.headline == "Fishermen and wind farm reach deal over Skarvik Bank"
    assert article.dek == (
        "Trawlers keep two corridors through the turbines; the operator pays for new nets and "
        "a survey of the cod grounds."
    )
    assert article.status == Status.PUBLISHED
    assert article.published_at == datetime(2025, 4, 12, 8, 15, tzinfo=UTC)
    # The marked-up people, in order; their job title is not a person.
    assert [b.author.name for b in article.ordered_bylines] == ["Łukasz Wąs", "Ingrid Solhaug"]
    assert not Author.objects.filter(name__icontains="correspondent").exists()
    assert article.dateline == "SKARVIK, Norway"
    assert {t.name for t in article.tags.all()} == set(NITF_TAGS)
    assert structure(article.body) == NITF_BLOCKS
    assert not re.search(r"<(credit|block)[\s>]", article.body)


def test_nitf_story_page_shows_everything(client):
    article = import_one(NITF)
    assert_page_shows(
        client,
        article,
        authors=["Łukasz Wąs", "Ingrid Solhaug"],
        tags=NITF_TAGS,
        blocks=NITF_BLOCKS,
    )


# NewsML-G2 -------------------------------------------------------------------------------

NEWSML_BLOCKS = [
    (
        "p",
        "Hartsford will raise its river walls by 80 centimetres and install two pumping "
        "stations, the town council decided on Monday, a month after the Ambler flooded the "
        "market square.",
    ),
    (
        "p",
        "The April surge, driven by snowmelt and three days of rain, reached the steps of the "
        "town hall and closed the railway line for a week.",
    ),
    ("h2", "Paid for over ten years"),
    (
        "p",
        "The 18-million-euro plan will be paid for by a regional fund and a small rise in "
        "property tax spread over ten years.",
    ),
    (
        "p",
        "“We cannot move the river, so we have to live with it better,” said the mayor, "
        "Beatrix Oyelaran-Voss.",
    ),
    ("p", "Work on the first section of wall, along Mill Lane, starts in September."),
]
NEWSML_TAGS = ["environment", "flood", "Ambler river"]


def test_newsml_story_keeps_guid_version_date_people_dateline_subjects_and_body():
    article = import_one(NEWSML)
    assert (article.source, article.external_id) == (
        "newsml",
        "urn:newsml:nordwire.example:20250602:ambler-flood-defences",
    )
    assert article.source_version == 3
    # The main headline, not the short one.
    assert article.headline == "Hartsford to raise flood walls after spring surge"
    assert article.dek == (
        "The town will spend 18 million euros on walls and pumps after water reached the "
        "market square for the first time since 1968."
    )
    assert article.status == Status.PUBLISHED
    assert article.published_at == datetime(2025, 6, 2, 9, 5, tzinfo=UTC)
    assert [b.author.name for b in article.ordered_bylines] == [
        "Nguyễn Thị Mai",
        "Tomasz Grabowski",
    ]
    assert article.dateline == "HARTSFORD, June 2"
    assert {t.name for t in article.tags.all()} == set(NEWSML_TAGS)
    assert structure(article.body) == NEWSML_BLOCKS
    assert "<title>" not in article.body


def test_newsml_story_page_shows_everything(client):
    article = import_one(NEWSML)
    assert_page_shows(
        client,
        article,
        authors=["Nguyễn Thị Mai", "Tomasz Grabowski"],
        tags=NEWSML_TAGS,
        blocks=NEWSML_BLOCKS,
    )


# ninjs -----------------------------------------------------------------------------------

NINJS_BLOCKS = [
    (
        "p",
        "One of the tall yellow cranes that still stand over the former shipyard in Gdańsk is "
        "to be turned into a viewing platform, the city said on Saturday.",
    ),
    (
        "p",
        "A glass cabin for twelve visitors will be lifted to the top of the 52-metre crane, "
        "which has not moved since the slipway closed in 1996.",
    ),
    ("h3", "Rust, then paint"),
    (
        "p",
        "Engineers will first strip and treat the steel frame. “It is stronger than it looks,” "
        "said the project’s engineer, Agnieszka Żuławska.",
    ),
    ("p", "Tickets will go on sale in the spring."),
]
NINJS_TAGS = ["arts, culture and entertainment", "architecture", "Gdańsk", "shipyards"]


def test_ninjs_story_keeps_guid_date_people_dateline_subjects_body_and_picture():
    article = import_one(NINJS)
    assert (article.source, article.external_id) == ("ninjs", "nordwire-20250719-gdansk-crane")
    assert article.headline == "Gdańsk shipyard crane to become a viewing platform"
    assert article.dek == (
        "The 1970s crane over the old slipway will carry a glass cabin for visitors from next "
        "summer."
    )
    assert article.status == Status.PUBLISHED
    assert article.published_at == datetime(2025, 7, 19, 6, 30, tzinfo=UTC)
    assert [b.author.name for b in article.ordered_bylines] == ["Łukasz Wąs", "Zoë Østergaard"]
    assert article.dateline == "GDAŃSK, Poland"
    assert {t.name for t in article.tags.all()} == set(NINJS_TAGS)
    assert structure(article.body) == NINJS_BLOCKS

    photo = article.lead_photo
    assert photo.is_pending
    assert photo.title == "Crane over the old slipway"
    assert photo.caption == "The crane above the former slipway at dusk on Friday."
    assert photo.alt_text == "A yellow harbour crane against an orange evening sky"
    assert photo.credit_line == "Wiktoria Dąbrowska / Nordwire"
    assert [(c.creator, c.organisation) for c in photo.credits.all()] == [
        ("Wiktoria Dąbrowska", "Nordwire")
    ]
    assert photo.copyright_notice == "© 2025 Nordwire"
    assert photo.source_url == "https://media.nordwire.example/20250719/gdansk-crane.jpg"
    assert (photo.source, photo.external_id) == ("ninjs", "nordwire-20250719-gdansk-crane-photo-1")


def test_ninjs_story_page_shows_everything_with_the_picture_caption_and_credit(client):
    article = import_one(NINJS)
    files_arrive([article.lead_photo])
    page = assert_page_shows(
        client,
        article,
        authors=["Łukasz Wąs", "Zoë Østergaard"],
        tags=NINJS_TAGS,
        blocks=NINJS_BLOCKS,
    )
    lead = page.xpath(f"//figure[{by_class('figure--lead')}]")[0]
    assert texts(lead, f".//*[{by_class('figure__caption')}]") == [
        "The crane above the former slipway at dusk on Friday."
    ]
    assert texts(lead, f".//*[{by_class('figure__credit')}]") == [
        "Credit: Wiktoria Dąbrowska / Nordwire"
    ]


# All three together ----------------------------------------------------------------------


def test_folder_of_wire_files_is_read_by_content_and_a_second_run_changes_nothing(tmp_path):
    # The three stories alone (shapes/ holds files of every shape, broken ones included).
    folder = tmp_path / "wire"
    folder.mkdir()
    for path in (NITF, NEWSML, NINJS):
        shutil.copy(path, folder / path.name)
    out, err, failed = run_import(folder)
    assert failed is None, err
    assert "3 created, 0 updated, 0 unchanged, 0 failed" in out
    assert sorted(Article.objects.values_list("source", flat=True)) == ["newsml", "ninjs", "nitf"]
    # The same person across agencies' items is one author.
    assert Author.objects.get(name="Łukasz Wąs").bylines.count() == 2

    out, err, failed = run_import(folder)
    assert failed is None, err
    assert "0 created, 0 updated, 3 unchanged, 0 failed" in out
    assert Article.objects.count() == 3 and Photo.objects.count() == 1


def test_status_option_holds_wire_stories_back_as_drafts(client):
    article = import_one(NITF, status="draft")
    assert article.status == Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("path", "dateline"),
    [(NITF, "SKARVIK, Norway"), (NEWSML, "HARTSFORD, June 2"), (NINJS, "GDAŃSK, Poland")],
    ids=["nitf", "newsml", "ninjs"],
)
def test_dateline_shows_on_the_public_page(client, path, dateline):
    article = import_one(path)
    page = public_page(client, article)
    article_element = page.xpath("//article")[0]
    body_text = one_line(article.body)
    assert dateline not in body_text  # so the page can only show it from the dateline field
    assert dateline in one_line(article_element.text_content())


# ninjs composites: a story sent with its pictures as one item -------------------------------

COMPOSITE = FIXTURES / "shapes" / "saltmarsh-composite.ninjs.json"
SALTMARSH = "Breach in the Ørby dike lets the sea back onto old farmland"


def test_a_ninjs_composite_is_a_story_with_its_pictures_and_every_part_is_reported():
    out, err, failed = run_import(COMPOSITE, status="published")
    assert failed is None, err
    # Two stories, the video association skipped with its reason: 3 lines for 3 parts.
    assert "2 created, 0 updated, 0 unchanged, 1 skipped, 0 failed" in out
    assert "video association 'video' of ninjs composite" in out
    assert "story from its text 'main', 2 picture(s) placed with their captions" in out

    article = Article.objects.get(external_id="nordwire-20251004-saltmarsh-text")
    assert article.headline == SALTMARSH
    assert article.dek == "A managed breach turns 90 hectares of grazing into saltmarsh."
    assert [b.author.name for b in article.ordered_bylines] == ["Mette Kjærgaard", "Jonas Holm"]
    assert article.source_credit == "Ritzau"
    # The composite's own metadata holds for its text.
    assert article.dateline == "ØRBY, Denmark"
    assert article.published_at == datetime(2025, 10, 4, 7, 15, tzinfo=UTC)
    assert {t.name for t in article.tags.all()} == {"environment", "coastal management"}
    assert article.is_public

    lead = article.lead_photo
    assert (lead.source, lead.external_id) == ("ninjs", "nordwire-20251004-saltmarsh-pic-1")
    assert lead.caption == "Sea water pours through the new gap in the Ørby dike at high tide."
    assert lead.credit_line == "Sofie Lund / Nordwire"
    avocets = Photo.objects.get(external_id="nordwire-20251004-saltmarsh-pic-2")
    assert avocets.caption == "Avocets feed on the flooded field a day after the breach."
    # The lead is above the body; the other picture follows it as a figure.
    assert structure(article.body)[-1] == ("figure", "")
    assert article.body.endswith(f'<figure data-photo="{avocets.pk}"></figure>')
    assert Photo.objects.count() == 3  # two of the saltmarsh, one of the ferry

    # A 2.x composite whose text has no guid of its own: the composite's identifies it.
    ferry = Article.objects.get(external_id="nordwire-20251005-ferry-composite")
    assert ferry.headline == "Ørby ferry gets an electric sister ship"
    assert [b.author.name for b in ferry.ordered_bylines] == ["Jonas Holm"]
    assert structure(ferry.body) == [
        ("p", "The island's second ferry will run on batteries charged at the quay."),
        ("p", "It enters service in May."),
    ]
    assert ferry.lead_photo.caption == "The electric ferry Ørby II at the yard in Hvide Sande."


def test_a_ninjs_composite_page_shows_the_lead_and_the_figures_with_captions(client):
    run_import(COMPOSITE, status="published")
    article = Article.objects.get(headline=SALTMARSH)
    files_arrive(Photo.objects.filter(external_id__startswith="nordwire-20251004"))
    page = public_page(client, article)
    lead = page.xpath(f"//figure[{by_class('figure--lead')}]")[0]
    assert texts(lead, f".//*[{by_class('figure__caption')}]") == [
        "Sea water pours through the new gap in the Ørby dike at high tide."
    ]
    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    figures = body.xpath("./figure")
    assert len(figures) == 1
    assert texts(figures[0], f".//*[{by_class('figure__caption')}]") == [
        "Avocets feed on the flooded field a day after the breach."
    ]
    assert texts(figures[0], f".//*[{by_class('figure__credit')}]") == [
        "Credit: Sofie Lund / Nordwire"
    ]


def test_a_ninjs_composite_imported_again_changes_nothing():
    run_import(COMPOSITE, status="published")
    out, err, failed = run_import(COMPOSITE, status="published")
    assert failed is None, err
    assert "0 created, 0 updated, 2 unchanged, 1 skipped, 0 failed" in out
    assert Article.objects.count() == 2 and Photo.objects.count() == 3


# Entities escaped twice by an agency's system -----------------------------------------------

ENTITIES = FIXTURES / "shapes" / "lakeside-entities.newsml.xml"


def test_entities_are_decoded_once_by_xml_and_again_only_in_an_html_payload(client):
    """XML decodes every element once. An inlineData of type text/html is HTML, so its
    entities are HTML's and the page decodes them; plain-text fields, text/plain data
    and XHTML are text once XML is done with them: an entity the agency escaped twice
    stays the text it sent ("&amp;" shown as such), never decoded a second time."""
    out, err, failed = run_import(ENTITIES, status="published")
    assert failed is None, err
    assert "3 created, 0 updated, 0 unchanged, 0 failed" in out

    concert = Article.objects.get(external_id__endswith="lakeside-concert")
    assert concert.headline == "Rock & roll returns to the Lakeside stage"
    assert concert.dek == "Tickets &amp; times for the Lakeside concert."
    assert [t.name for t in concert.tags.all()] == ["Musiikki &amp; konsertit"]
    page = public_page(client, concert)
    assert texts(page, "//h1") == ["Rock & roll returns to the Lakeside stage"]
    assert texts(page, f"//p[{by_class('article__dek')}]") == [
        "Tickets &amp; times for the Lakeside concert."
    ]
    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    assert texts(body, "./p") == [
        "The band's singer said the harbour was \u201cthe best stage in Finland\u201d.",
        "A sign by the gate read &#39;No glass &amp; no dogs&#39;.",
        "Gates open at 18 < 19, the organisers joked.",
    ]

    tickets = Article.objects.get(external_id__endswith="lakeside-tickets")
    assert tickets.headline == "Lakeside tickets: prices &amp; sales"
    page = public_page(client, tickets)
    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    # HTML sent as escaped text: its entities (&euro;, &amp;, &#49;) are HTML's own.
    assert texts(body, "./p") == [
        "Tickets cost \u20ac25 & children go free.",
        "Sales open on Friday at 10.",
    ]

    buses = Article.objects.get(external_id__endswith="lakeside-buses")
    page = public_page(client, buses)
    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    assert texts(body, "./p") == [
        "Buses run every ten minutes from the market square & the station.",
        'The timetable says &amp; where it means "and".',
    ]
