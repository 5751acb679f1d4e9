"""The plain-text importer: the sample story, idempotency, bad input and dry runs."""

from datetime import date

import pytest
from django.utils import timezone

from articles.importers.formats.plaintext import parse_text
from articles.importers.parsed import ParseError
from articles.models import Article, AuditEntry, Author, Status
from photos.models import Photo
from tests.conftest import run_import, shared_file
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db

SAMPLE = "samples/petro-trump-meeting.txt"

ARTICLE = """\
Harbour Council Approves Night Ferry

Written on 03/02/2026
Mireille Océane, Tomás Ibáñez and Kwame Mensah

The night ferry at the east pier. Credit: Lena Fischer / Harbour Authority.

The council voted on Tuesday to run a ferry after midnight.

“It changes how people get home,” said the mayor.

What happens next

The first crossing is planned for April.

Crew at work.
Deckhands prepare the ramp. Credit: Ade Bello, Coast Daily / Ruth Kim / Port News.
"""


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def body_paragraph_count(article):
    return article.body.count("<p>")


# The sample story -----------------------------------------------------------------------


def test_sample_story_imports_with_every_element():
    out, err, failed = run_import(shared_file(SAMPLE), status="published")
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Colombia’s Petro Sets Date for Trump Meeting in the US"
    assert timezone.localtime(article.published_at).date() == date(2026, 1, 15)
    assert [b.author.name for b in article.ordered_bylines] == ["Josep Freixes"]
    lead = article.lead_photo
    assert lead.caption == (
        "Colombian President Gustavo Petro announced that the date of his meeting with his "
        "U.S. counterpart, Donald Trump, will be Feb. 3."
    )
    assert lead.credit_line == "Ovidio González / Presidency of Colombia"
    assert lead.is_pending
    assert article.body.count("<h2>") == 2
    assert "<h2>Colombia’s Petro sets date for Trump meeting in the US</h2>" in article.body
    assert "<h2>Expectations and challenges of the Washington meeting</h2>" in article.body
    inline = Photo.objects.exclude(pk=lead.pk).get()
    assert f'<figure data-photo="{inline.pk}">' in article.body
    assert inline.title == "Donald Trump & Gustavo Petro."
    assert inline.alt_text == "Donald Trump & Gustavo Petro"
    assert inline.caption.startswith("Relations between Donald Trump and Gustavo Petro")
    assert inline.credit_line == (
        "Molly Riley, The White House / Andrea Puentes / Presidency of Colombia"
    )
    assert body_paragraph_count(article) == 18
    assert article.status == Status.PUBLISHED


def test_sample_paragraphs_are_kept_in_order_and_verbatim():
    path = shared_file(SAMPLE)
    run_import(path, status="published")
    article = Article.objects.get()
    text = path.read_text(encoding="utf-8")
    paragraphs = [
        block.strip()
        for block in text.split("\n\n")
        if block.strip() and "Credit:" not in block and len(block.strip()) > 120
    ]
    positions = [article.body.index(p.replace("&", "&amp;")) for p in paragraphs]
    assert positions == sorted(positions)
    assert "“decisive”" in article.body and "“narco leader,”" in article.body


def test_sample_public_page_shows_every_element_in_order(client):
    run_import(shared_file(SAMPLE), status="published")
    article = Article.objects.get()
    page = client.get(article.get_absolute_url()).content.decode()
    # The order that matters is the reader's: within the story, not in the <head> metadata.
    html = page[page.index("<article") : page.index("</article>")]
    landmarks = [
        "Colombia’s Petro Sets Date for Trump Meeting in the US</h1>",
        'rel="author">Josep Freixes</a>',
        "Published",
        "January 15, 2026",
        "Colombian President Gustavo Petro announced",
        "Credit: Ovidio González / Presidency of Colombia",
        "The president of Colombia, Gustavo Petro, has made official",
        "<h2>Colombia’s Petro sets date for Trump meeting in the US</h2>",
        # The line before the caption is the photo's description (alt text), in its place.
        "Donald Trump &amp; Gustavo Petro",
        "Relations between Donald Trump and Gustavo Petro during the first year",
        "Credit: Molly Riley, The White House / Andrea Puentes / Presidency of Colombia",
        "<h2>Expectations and challenges of the Washington meeting</h2>",
        "The countdown to Feb. 3 has begun",
    ]
    positions = [html.index(text) for text in landmarks]
    assert positions == sorted(positions)
    assert html.count("<figure") == 2


def test_importing_the_sample_twice_changes_nothing():
    run_import(shared_file(SAMPLE), status="published")
    before = Article.objects.get()
    audit_rows = AuditEntry.objects.count()
    out, _err, failed = run_import(shared_file(SAMPLE), status="published")
    assert failed is None
    assert "unchanged" in out and "0 created, 0 updated, 1 unchanged, 0 failed" in out
    after = Article.objects.get()
    assert (after.pk, after.version, after.updated_at) == (
        before.pk,
        before.version,
        before.updated_at,
    )
    assert Photo.objects.count() == 2 and AuditEntry.objects.count() == audit_rows


# Our own article shape ------------------------------------------------------------------


def test_three_authors_subheads_and_multi_part_credit_are_parsed():
    parsed = parse_text(ARTICLE, name="ferry")
    assert [a.name for a in parsed.authors] == ["Mireille Océane", "Tomás Ibáñez", "Kwame Mensah"]
    assert parsed.lead_photo.credit_line == "Lena Fischer / Harbour Authority"
    assert "<h2>What happens next</h2>" in parsed.body
    assert parsed.photos[0].credit_line == "Ade Bello, Coast Daily / Ruth Kim / Port News"
    assert parsed.photos[0].alt_text == "Crew at work"
    assert "<p>“It changes how people get home,” said the mayor.</p>" in parsed.body


@pytest.mark.parametrize(
    "byline,names",
    [
        ("Ana Ruiz", ["Ana Ruiz"]),
        ("Ana Ruiz and Li Wei", ["Ana Ruiz", "Li Wei"]),
        ("Ana Ruiz, Li Wei and Zoë Østergaard", ["Ana Ruiz", "Li Wei", "Zoë Østergaard"]),
    ],
)
def test_bylines_of_one_two_and_three_authors(byline, names):
    parsed = parse_text(f"Headline\nWritten on 01/02/2026\n{byline}\n\nText.", name="x")
    assert [a.name for a in parsed.authors] == names


def test_photo_files_beside_the_text_are_attached_in_caption_order(tmp_path):
    path = write(tmp_path, "ferry.txt", ARTICLE)
    (tmp_path / "ferry.jpg").write_bytes(image_bytes(size=(80, 60)))
    (tmp_path / "ferry-1.jpg").write_bytes(image_bytes(size=(40, 30)))
    _out, err, failed = run_import(path)
    assert failed is None, err
    article = Article.objects.get()
    assert (article.lead_photo.width, article.lead_photo.height) == (80, 60)
    inline = Photo.objects.exclude(pk=article.lead_photo.pk).get()
    assert (inline.width, inline.height) == (40, 30)
    assert (tmp_path / "media" / inline.image.name).exists() or inline.image.storage.exists(
        inline.image.name
    )


def test_status_option_goes_through_the_workflow_with_audit_rows(tmp_path):
    run_import(write(tmp_path, "ferry.txt", ARTICLE), status="published")
    article = Article.objects.get()
    assert article.status == Status.PUBLISHED
    assert list(article.audit_entries.values_list("action", flat=True)) == ["submit", "publish"]


def test_section_option_puts_the_article_in_that_section(tmp_path):
    run_import(write(tmp_path, "ferry.txt", ARTICLE), section="Local")
    assert Article.objects.get().section.name == "Local"


def test_a_changed_file_updates_the_same_article(tmp_path):
    path = write(tmp_path, "ferry.txt", ARTICLE)
    run_import(path)
    path.write_text(ARTICLE.replace("April", "May"), encoding="utf-8")
    out, _err, _failed = run_import(path)
    assert "1 updated" in out
    assert Article.objects.count() == 1 and "May" in Article.objects.get().body
    assert Author.objects.count() == 3


# Bad input ------------------------------------------------------------------------------

BAD_FILES = {
    "empty.txt": (b"", "the file is empty"),
    "no-headline.txt": (b"Written on 01/02/2026\nAna Ruiz\n\nText.\n", "no headline"),
    "binary.txt": (bytes(range(256)) * 40, "binary file"),
    "bad-date.txt": (b"Headline\nWritten on 13/45/2026\nAna Ruiz\n\nText.\n", "invalid date"),
    "huge.txt": (
        b"Headline\nWritten on 01/02/2026\nAna Ruiz\n\n" + b"Word " * 1_100_000,
        "at most 2 MB",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_gets_a_clear_error_and_the_others_still_import(tmp_path, name):
    content, reason = BAD_FILES[name]
    bad = write(tmp_path, name, content)
    good = write(tmp_path, "good.txt", ARTICLE)
    out, err, failed = run_import(bad, good)
    assert failed is not None, "the run must exit non-zero"
    assert "failed" in err and name in err and reason in err
    assert "1 created" in out and "1 failed" in out
    assert Article.objects.count() == 1


def test_bad_date_error_names_the_line(tmp_path):
    bad = write(tmp_path, "bad-date.txt", BAD_FILES["bad-date.txt"][0])
    _out, err, _failed = run_import(bad)
    assert "bad-date.txt:2" in err


def test_cp1252_file_is_read_with_its_accents(tmp_path):
    text = "Café Owners Meet\n\nWritten on 02/03/2026\nJosé Núñez\n\n“Prices rose,” she said.\n"
    path = write(tmp_path, "cafe.txt", text, encoding="cp1252")
    _out, err, failed = run_import(path)
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Café Owners Meet"
    assert article.bylines.get().author.name == "José Núñez"
    assert "“Prices rose,” she said." in article.body


def test_utf8_bom_and_crlf_file_imports_cleanly(tmp_path):
    path = write(tmp_path, "bom.txt", "\ufeff" + ARTICLE.replace("\n", "\r\n"))
    _out, err, failed = run_import(path)
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Harbour Council Approves Night Ferry"
    assert "\r" not in article.body and "\ufeff" not in article.headline


def test_a_header_without_a_date_line_imports_with_a_note():
    parsed = parse_text("Headline\nAna Ruiz\nMore text here.\n", name="x", path="story.txt")
    assert parsed.headline == "Headline" and parsed.published_at is None
    assert [a.name for a in parsed.authors] == ["Ana Ruiz"]
    assert parsed.body == "<p>More text here.</p>"
    assert parsed.notes == ["no 'Written on' date line"]


def test_a_header_without_a_byline_imports_with_a_note():
    parsed = parse_text(
        "Headline\nWritten on 03/02/2026\n\nThe council met on Tuesday.\n", name="x"
    )
    assert parsed.authors == [] and parsed.published_at is not None
    assert parsed.body == "<p>The council met on Tuesday.</p>"
    assert parsed.notes == ["no byline"]


def test_a_malformed_date_line_is_still_refused_naming_its_line():
    with pytest.raises(ParseError) as error:
        parse_text("Headline\nWritten on 2026-03-02\nAna Ruiz\nMore\n", name="x", path="s.txt")
    assert error.value.line == 2 and "Written on" in error.value.reason


def test_an_article_without_authors_shows_no_by_line(tmp_path, client):
    path = write(tmp_path, "teaser.txt", "Lantern Boats Return\n\nForty boats drifted by.\n")
    out, err, failed = run_import(path, status="published")
    assert failed is None, err
    assert "no 'Written on' date line; no byline" in out
    page = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert "Forty boats drifted by." in page
    assert 'class="byline"' not in page and ">By <" not in page


def test_utf16_file_with_a_byte_order_mark_is_read(tmp_path):
    path = write(tmp_path, "utf16.txt", ARTICLE, encoding="utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    out, err, failed = run_import(path)
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Harbour Council Approves Night Ferry"
    assert [b.author.name for b in article.ordered_bylines][1] == "Tomás Ibáñez"


def test_failed_photo_file_leaves_nothing_half_written(tmp_path):
    path = write(tmp_path, "ferry.txt", ARTICLE)
    (tmp_path / "ferry.jpg").write_bytes(image_bytes())
    (tmp_path / "ferry-1.jpg").write_bytes(b"<html>not a photo</html>")
    _out, err, failed = run_import(path)
    assert failed is not None and "ferry.txt" in err
    assert Article.objects.count() == 0 and Photo.objects.count() == 0
    media = tmp_path / "media"
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, "ferry.txt", ARTICLE)
    (tmp_path / "ferry.jpg").write_bytes(image_bytes())
    out, _err, failed = run_import(path, dry_run=True, status="published")
    assert failed is None and "Dry run" in out and "1 created" in out
    assert Article.objects.count() == 0 and Photo.objects.count() == 0
    assert Author.objects.count() == 0 and AuditEntry.objects.count() == 0
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


def test_folder_import_reads_every_text_file(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    write(folder, "a.txt", ARTICLE)
    write(folder, "b.txt", ARTICLE.replace("Night Ferry", "Day Ferry"))
    out, _err, failed = run_import(folder)
    assert failed is None and "2 created" in out
    assert Article.objects.count() == 2
