"""Our own plain-text stories (tests/fixtures/plaintext), imported end to end through
``import_articles`` and read back from the database and the public pages."""

import json
import shutil
from datetime import datetime, time
from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.models import Article, Author, Byline, Section, Status
from photos.models import Photo
from tests.conftest import run_import
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "plaintext"
TIDEWATER = FIXTURES / "tidewater-library.txt"
GLASSWORKS = FIXTURES / "glassworks-furnace.txt"
CHOIR = FIXTURES / "choir-ferry.txt"
MALFORMED = FIXTURES / "malformed-date.txt"
TEASER = FIXTURES / "lantern-boats-teaser.txt"
NO_DATE = FIXTURES / "quay-market-no-date.txt"
UTF16 = FIXTURES / "ferry-timetable-utf16.txt"

TIDEWATER_AUTHORS = ["Zoë Østergaard", "Łukasz Wąs", "Nguyễn Thị Mai"]


def blocks(path, encoding="utf-8"):
    """The file's blank-line separated blocks, each on one line: the story as written."""
    text = path.read_bytes().decode(encoding).removeprefix("\ufeff").replace("\r\n", "\n")
    return [" ".join(block.split("\n")) for block in text.strip().split("\n\n")]


def one_line(text):
    return " ".join(text.split())


def body_blocks(html):
    """(tag, text) of each top-level element of an article body."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [(child.tag, one_line(child.text_content())) for child in root]


def imported(*paths, **options):
    out, err, failed = run_import(*paths, **options)
    assert failed is None, err
    return out


def public_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def texts(tree, xpath):
    return [one_line(e.text_content()) for e in tree.xpath(xpath)]


def by_class(name):
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def noon(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 12, 0), timezone.get_current_timezone())


# The full story: three authors, lead photo, subheads, an inline photo -----------------------


def test_story_with_every_element_lands_in_the_database():
    out = imported(TIDEWATER, status="published")
    assert "1 created" in out
    article = Article.objects.get()
    b = blocks(TIDEWATER)

    assert article.headline == "Tidewater Library Reopens After Two-Year Restoration"
    assert article.published_at == noon(2025, 9, 14)
    assert article.status == Status.PUBLISHED
    assert article.source == "text" and article.external_id == "tidewater-library"
    assert [byline.author.name for byline in article.ordered_bylines] == TIDEWATER_AUTHORS
    assert [byline.position for byline in article.ordered_bylines] == [0, 1, 2]
    assert {byline.role for byline in article.ordered_bylines} == {Byline.Role.WRITER}
    assert Author.objects.count() == 3
    assert article.section.name == "News"

    lead = article.lead_photo
    assert lead.caption == (
        "Readers queue outside the restored library on Harbour Street on Saturday morning."
    )
    assert lead.credit_line == "Ines Marlowe / Tidewater Gazette"
    assert lead.is_pending
    assert [(c.creator, c.organisation) for c in lead.credits.all()] == [
        ("Ines Marlowe", "Tidewater Gazette")
    ]

    inline = Photo.objects.exclude(pk=lead.pk).get()
    assert inline.title == "The restored reading room."
    assert inline.alt_text == "The restored reading room"
    assert inline.caption == (
        "Volunteers return the last crates of local history books to the shelves on Friday evening."
    )
    assert inline.credit_line == (
        "Pál Kővári, Harbour Photo Club / Idris Oyelaran / Tidewater Municipal Archive"
    )
    assert [(c.position, c.creator, c.organisation) for c in inline.credits.all()] == [
        (0, "Pál Kővári", "Harbour Photo Club"),
        (1, "Idris Oyelaran", "Tidewater Municipal Archive"),
    ]

    # Every paragraph and subhead, in the file's order, word for word; the photo in its place.
    assert body_blocks(article.body) == [
        ("p", b[2]),
        ("p", b[3]),
        ("p", b[4]),
        ("h2", "A reading room built from salvaged oak"),
        ("p", b[6]),
        ("figure", ""),
        ("p", b[8]),
        ("h2", "What comes next"),
        ("p", b[10]),
    ]
    assert f'<figure data-photo="{inline.pk}"></figure>' in article.body
    assert "“We told people to keep them safe, and they did,”" in article.body
    assert "TIDEWATER — The Harbour Street library" in article.body


def test_story_page_shows_headline_date_bylines_photos_subheads_and_paragraphs(client):
    imported(TIDEWATER, status="published")
    article = Article.objects.get()
    page = public_page(client, article)
    b = blocks(TIDEWATER)

    assert texts(page, "//h1") == ["Tidewater Library Reopens After Two-Year Restoration"]
    written = page.xpath(f"//p[{by_class('article__dates')}]/time")[0]
    assert written.get("datetime").startswith("2025-09-14T12:00:00")
    assert one_line(written.text_content()) == "September 14, 2025, 12:00 UTC"

    byline_links = page.xpath(f"//p[{by_class('byline')}]/a")
    assert [one_line(a.text_content()) for a in byline_links] == TIDEWATER_AUTHORS
    expected_urls = [b_.author.get_absolute_url() for b_ in article.ordered_bylines]
    assert [a.get("href") for a in byline_links] == expected_urls
    assert one_line(page.xpath(f"//p[{by_class('byline')}]")[0].text_content()) == (
        "By Zoë Østergaard, Łukasz Wąs and Nguyễn Thị Mai"
    )

    lead = page.xpath(f"//figure[{by_class('figure--lead')}]")
    assert len(lead) == 1
    assert texts(lead[0], f".//*[{by_class('figure__caption')}]") == [
        "Readers queue outside the restored library on Harbour Street on Saturday morning."
    ]
    assert texts(lead[0], f".//*[{by_class('figure__credit')}]") == [
        "Credit: Ines Marlowe / Tidewater Gazette"
    ]

    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    assert [child.tag for child in body] == ["p", "p", "p", "h2", "p", "figure", "p", "h2", "p"]
    assert texts(body, "./p") == [b[2], b[3], b[4], b[6], b[8], b[10]]
    assert texts(body, "./h2") == ["A reading room built from salvaged oak", "What comes next"]
    figure = body.xpath("./figure")[0]
    # The line before the caption describes the photo: its alt text, not a label in the page.
    assert figure.xpath(".//img/@alt | .//*[@role='img']/@aria-label") == [
        "The restored reading room"
    ]
    assert not figure.xpath(f".//*[{by_class('figure__title')}]")
    assert texts(figure, f".//*[{by_class('figure__caption')}]") == [
        "Volunteers return the last crates of local history books to the shelves on Friday evening."
    ]
    assert texts(figure, f".//*[{by_class('figure__credit')}]") == [
        "Credit: Pál Kővári, Harbour Photo Club / Idris Oyelaran / Tidewater Municipal Archive"
    ]

    data = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
    graph = data.get("@graph", [data]) if isinstance(data, dict) else data
    news = next(node for node in graph if node.get("@type") == "NewsArticle")
    assert news["headline"] == article.headline
    assert [a["name"] for a in news["author"]] == TIDEWATER_AUTHORS
    assert news["datePublished"].startswith("2025-09-14T12:00:00")


def test_each_author_page_lists_the_story(client):
    imported(TIDEWATER, status="published")
    for author in Author.objects.all():
        response = client.get(author.get_absolute_url())
        assert response.status_code == 200
        page = lxml.html.fromstring(response.content)
        assert author.name in one_line(page.text_content())
        assert "Tidewater Library Reopens After Two-Year Restoration" in one_line(
            page.text_content()
        )


# Encodings, line ends and photo files ------------------------------------------------------


def test_photo_files_beside_the_story_are_attached_in_caption_order(client, tmp_path):
    story = tmp_path / GLASSWORKS.name
    shutil.copy(GLASSWORKS, story)
    sizes = {"": (64, 48), "-1": (80, 60), "-2": (96, 72)}
    for suffix, size in sizes.items():
        (tmp_path / f"glassworks-furnace{suffix}.jpg").write_bytes(image_bytes(size=size))
    imported(story, status="published")

    article = Article.objects.get()
    lead = article.lead_photo
    assert not lead.is_pending and (lead.width, lead.height) == (64, 48)
    ids = [
        int(i)
        for i in lxml.html.fragment_fromstring(article.body, create_parent="div").xpath(
            "//figure/@data-photo"
        )
    ]
    inline = [Photo.objects.get(pk=pk) for pk in ids]
    assert [(p.width, p.height) for p in inline] == [(80, 60), (96, 72)]
    assert [p.alt_text for p in inline] == ["Finished pieces cooling", "The east hall in 1932"]

    page = public_page(client, article)
    body = page.xpath(f"//div[{by_class('article__body')}]")[0]
    assert [img.get("alt") for img in body.xpath(".//img")] == [
        "Finished pieces cooling",
        "The east hall in 1932",
    ]
    lead_figure = page.xpath(f"//figure[{by_class('figure--lead')}]")[0]
    assert len(lead_figure.xpath(".//img")) == 1


def test_utf8_story_with_bom_and_crlf_keeps_every_character(client):
    imported(GLASSWORKS, status="published")
    article = Article.objects.get()
    b = blocks(GLASSWORKS)

    assert article.headline == "Glassworks in the Old Mill Lights Its Furnace Again"
    assert article.published_at == noon(2026, 3, 7)
    assert [byline.author.name for byline in article.ordered_bylines] == [
        "Nguyễn Thị Mai",
        "Benedikt Schrøder",
    ]
    assert "\r" not in article.body and "\ufeff" not in article.headline
    assert body_blocks(article.body) == [
        ("p", b[2]),
        ("p", b[3]),
        ("h2", "Bottles, then bowls"),
        ("p", b[5]),
        ("figure", ""),
        ("p", b[7]),
        ("figure", ""),
        ("p", b[9]),
    ]
    assert article.lead_photo.caption == (
        "Apprentice Ottilie Brandvold gathers molten glass on a blowpipe at the mill on Thursday."
    )
    archive = Photo.objects.get(title="The east hall in 1932.")
    assert archive.credit_line == "Marta Ruiz-Vela, CC BY-SA 4.0, Wikimedia Commons"
    credit = archive.credits.get()
    assert credit.creator == "Marta Ruiz-Vela"
    assert credit.licence == "CC BY-SA 4.0"
    assert credit.licence_url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert credit.platform == "Wikimedia Commons"

    # A page shows a photo with its credit once its file is there (it came without one).
    archive.image.save("east-hall.jpg", SimpleUploadedFile("east-hall.jpg", image_bytes()))
    page = public_page(client, article)
    assert "Credit: Marta Ruiz-Vela, CC BY-SA 4.0, Wikimedia Commons" in texts(
        page, f"//*[{by_class('figure__credit')}]"
    )


def test_windows_1252_story_keeps_accents_quotes_and_ellipsis(client):
    imported(CHOIR, status="published")
    article = Article.objects.get()
    b = blocks(CHOIR, encoding="cp1252")

    assert article.headline == "Harbour Choir Sings on the Night Ferry"
    assert article.published_at == noon(2025, 11, 2)
    assert [byline.author.name for byline in article.ordered_bylines] == [
        "Zoë Østergaard",
        "Joaquín Ibarra",
    ]
    assert article.lead_photo is None
    assert body_blocks(article.body) == [("p", b[1]), ("p", b[2]), ("p", b[3])]
    assert "sheet music… and a thermos" in article.body
    assert "Søren Månsson" in article.body
    assert "— twenty-two minutes —" in article.body

    page = public_page(client, article)
    assert texts(page, f"//div[{by_class('article__body')}]/p")[-1] == (
        "“Nobody asked for a refund,” he said."
    )


# The folder, the malformed file, status, section and re-runs ------------------------------


def test_folder_import_fails_the_malformed_file_alone_and_exits_non_zero():
    out, err, failed = run_import(FIXTURES, status="published")

    assert failed is not None and "1 item(s) failed" in str(failed)
    assert "malformed-date.txt:2" in err and "invalid date" in err
    assert "6 created, 0 updated, 0 unchanged, 1 failed" in out
    assert set(Article.objects.values_list("headline", flat=True)) == {
        "Tidewater Library Reopens After Two-Year Restoration",
        "Glassworks in the Old Mill Lights Its Furnace Again",
        "Harbour Choir Sings on the Night Ferry",
        "Lantern Boats Return to the Canal",
        "Quay Market Moves Indoors for the Winter",
        "Ferry Timetable Printed in Four Languages",
    }
    assert not Author.objects.filter(name="Perpetua Olawale").exists()
    # One author in two stories is one profile with two bylines.
    assert Author.objects.get(name="Zoë Østergaard").bylines.count() == 2
    assert Author.objects.get(name="Nguyễn Thị Mai").bylines.count() == 2
    assert Author.objects.count() == 8  # and Ilse Navarro, Mara Lindqvist, Joel Ekberg


def test_without_status_the_story_is_a_draft_readers_cannot_see(client):
    imported(TIDEWATER)
    article = Article.objects.get()
    assert article.status == Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404


def test_section_option_files_the_story_and_its_section_page_lists_it(client):
    imported(TIDEWATER, status="published", section="Culture")
    article = Article.objects.get()
    assert article.section == Section.objects.get(name="Culture")
    assert f"/{article.section.slug}/2025/09/14/" in article.get_absolute_url()
    response = client.get(article.section.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in one_line(lxml.html.fromstring(response.content).text_content())


def test_second_run_changes_nothing_and_a_status_change_updates_in_place():
    imported(TIDEWATER)
    first = Article.objects.get()
    photos = set(Photo.objects.values_list("pk", flat=True))

    out = imported(TIDEWATER)
    assert "0 created, 0 updated, 1 unchanged" in out

    out = imported(TIDEWATER, status="published")
    assert "1 updated" in out
    article = Article.objects.get()
    assert article.pk == first.pk and article.status == Status.PUBLISHED
    assert set(Photo.objects.values_list("pk", flat=True)) == photos
    assert Author.objects.count() == 3


def test_teaser_without_date_or_byline_imports_with_a_note(tmp_path):
    teaser = tmp_path / "lantern-teaser.txt"
    teaser.write_text(
        "Lantern Boats Return to the Canal\n\n"
        "Forty paper boats with candles drifted down the canal on Friday night.\n",
        encoding="utf-8",
    )
    out, err, failed = run_import(teaser)
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Lantern Boats Return to the Canal"
    assert "Forty paper boats" in article.body
    assert "lantern-teaser" in out


def test_story_dates_are_noon_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/Oslo"
    imported(TIDEWATER)
    published = timezone.localtime(Article.objects.get().published_at)
    assert published.date().isoformat() == "2025-09-14"
    assert published.time() == time(12)


def test_teaser_fixture_without_date_or_byline_imports_with_what_it_has(client):
    out, err, failed = run_import(TEASER, status="published")
    assert failed is None, err
    assert "no 'Written on' date line; no byline" in out
    article = Article.objects.get()
    assert article.headline == "Lantern Boats Return to the Canal"
    assert not article.bylines.exists()
    page = public_page(client, article)
    assert not page.xpath(f"//*[{by_class('byline')}]")  # no "By " followed by nothing
    assert texts(page, f"//div[{by_class('article__body')}]/p")[0].startswith("Forty paper boats")


def test_story_without_a_date_line_keeps_its_byline_and_says_the_date_was_missing():
    out, err, failed = run_import(NO_DATE)
    assert failed is None, err
    assert "no 'Written on' date line" in out and "no byline" not in out
    article = Article.objects.get()
    assert [b.author.name for b in article.ordered_bylines] == ["Ilse Navarro"]
    assert article.body.startswith("<p>The Saturday market on the quay")


def test_utf16_story_with_a_byte_order_mark_is_read():
    out, err, failed = run_import(UTF16)
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Ferry Timetable Printed in Four Languages"
    assert [b.author.name for b in article.ordered_bylines] == ["Mara Lindqvist", "Joel Ekberg"]
    assert "Åsa Nieminen" in article.body and "Sámi" in article.body
