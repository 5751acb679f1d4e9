"""NITF, NewsML-G2 and ninjs: the agency fixtures, versions, embargoes, status and encodings."""

import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Article, Author, Status
from photos.models import Photo
from tests.conftest import run_import, shared_file

pytestmark = pytest.mark.django_db


def imported(relative, **options):
    out, err, failed = run_import(shared_file(f"fixtures/wire/{relative}"), **options)
    assert failed is None, err
    return Article.objects.get()


def names(article):
    return [b.author.name for b in article.bylines.select_related("author").order_by("position")]


def tag_names(article):
    return set(article.tags.values_list("name", flat=True))


# --- NITF: the raw values listed in wire/EXPECTED.md, section E ---------------------------

NITF = {
    # file: (hl1, people in the byline, dateline, subject tags, a passage of the body)
    "aap.xml": (
        "The main stories on today's 1900 ABC TV news",
        ["John Doe"],
        "Sydney",
        {"law enforcement", "investigation"},
        "1A) More extreme weather forecast over the next few days the <br>fire situation",
    ),
    "ap-nitf.xml": (
        "Can trading pollution like stocks help fight climate change?",
        ["BERNARD CONDON"],
        "NEW YORK",
        set(),
        "<p>NEW YORK (AP) — The gas produced by hog manure",
    ),
    "nitf-fishing.xml": (
        "Weather and Tide Updates for Norfolk",
        ["Alan Karben"],
        "Newport News, VA",
        {"Weather", "Statistics", "Fishing Industry", "fishing"},
        "The weather was superb today in Norfolk, Virginia.",
    ),
    "pa1.xml": (
        "PA SPORT TRIVIA (OCTOBER 14)",
        [],
        "",
        # Its subjects are bare codes: kept as subject codes, never as public tags.
        {"Trivia (Oct 14)"},
        "<p>1878: Two local teams took part in the first football match under floodlights",
    ),
}


@pytest.mark.parametrize("name", sorted(NITF))
def test_nitf_fixture_gives_headline_byline_dateline_subjects_and_body(name):
    headline, people, dateline, subjects, passage = NITF[name]
    article = imported(f"nitf/{name}", format="nitf")
    assert article.headline == headline
    assert names(article) == people
    assert article.dateline == dateline
    assert subjects <= tag_names(article)
    assert passage in article.body
    assert "body.content" not in article.body and "<byttl" not in article.body


def test_nitf_ids_and_dates_come_from_docdata():
    article = imported("nitf/aap.xml")
    assert article.source == "nitf" and article.external_id == "AAP.115314987.5417374"
    # date.issue is 20131020T192751+1100: kept as that instant.
    assert article.published_at == datetime(2013, 10, 20, 8, 27, 51, tzinfo=UTC)
    assert article.dek == "The main stories on today's 1900 ABC TV news"
    assert article.is_public


def test_canceled_nitf_item_is_never_public():
    out, _err, _failed = run_import(shared_file("fixtures/wire/nitf/nitf-fishing.xml"))
    article = Article.objects.get()
    assert article.status == Status.DRAFT and not article.is_public
    assert not article.audit_entries.filter(action="publish").exists()
    assert "pubstatus canceled: never public" in out


NITF_TEMPLATE = """<?xml version="1.0" encoding="{declared}"?>
<nitf><head><docdata><doc-id id-string="{doc_id}"/>
<date.issue norm="20250301T080000Z"/>{release}</docdata></head>
<body><body.head><hedline><hl1>{headline}</hl1></hedline>
<byline>By Åsa Berg, Tomás Ibáñez and Kwame Mensah</byline>
<dateline><location>{dateline}</location></dateline></body.head>
<body.content><p>{paragraph}</p><pre>Team      P  W
Harbour   3  2</pre></body.content></body></nitf>
"""


def nitf_file(
    tmp_path,
    *,
    declared="UTF-8",
    encoding="utf-8",
    doc_id="ours.1",
    release="",
    headline="Zürich café wins “best” award",
    dateline="ZÜRICH",
    paragraph="Crème brûlée — naïve façade.",
):
    text = NITF_TEMPLATE.format(
        declared=declared,
        doc_id=doc_id,
        release=release,
        headline=headline,
        dateline=dateline,
        paragraph=paragraph,
    )
    path = tmp_path / f"{doc_id}.xml"
    path.write_bytes(text.encode(encoding))
    return path


def test_byline_with_several_people_gives_several_authors_and_pre_is_kept(tmp_path):
    run_import(nitf_file(tmp_path))
    article = Article.objects.get()
    assert names(article) == ["Åsa Berg", "Tomás Ibáñez", "Kwame Mensah"]
    assert "<pre>Team      P  W\nHarbour   3  2</pre>" in article.body


@pytest.mark.parametrize(
    "declared, encoding",
    [("ISO-8859-1", "utf-8"), ("UTF-8", "cp1252"), ("ISO-8859-1", "cp1252"), ("UTF-8", "utf-8")],
)
def test_wrong_declared_encoding_still_gives_the_right_characters(tmp_path, declared, encoding):
    _out, err, failed = run_import(nitf_file(tmp_path, declared=declared, encoding=encoding))
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Zürich café wins “best” award"
    assert article.dateline == "ZÜRICH"
    assert "Crème brûlée — naïve façade." in article.body


def test_future_embargo_schedules_the_article(tmp_path):
    when = timezone.now() + timedelta(days=2)
    release = f'<date.release norm="{when.strftime("%Y%m%dT%H%M%S")}+0000"/>'
    run_import(nitf_file(tmp_path, release=release))
    article = Article.objects.get()
    assert article.is_scheduled and not article.is_public
    assert article.published_at == when.replace(microsecond=0)


# --- NewsML-G2 -----------------------------------------------------------------------------


def test_newsml_reuters_item_gives_headline_subjects_and_body():
    article = imported("newsml-g2/reuters-gold-L4N1FL0N0.xml", format="newsml")
    assert article.headline == "PRECIOUS-Gold rises as Trump policy fuels safe haven demand"
    assert {
        "MCC:OEC",
        "N2:COM",
        "N2:CDTY",
        "N2:US",
        "N2:ASIA",
        "N2:PREMTL",
        "N2:GOL",
        "N2:PALL",
    } <= set(article.subject_codes.split())
    # The file names none of these concepts: no raw code becomes a public tag.
    assert not any(":" in tag for tag in tag_names(article))
    assert article.body.startswith("<p>(Adds comments, detail)")
    assert article.external_id == "tag:reuters.com,0000:newsml_L4N1FL0N0"
    assert article.source_version == 1132689232
    assert article.dateline == ""


def test_newsml_iptc_example_gives_author_dateline_and_embargo():
    article = imported("newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml")
    assert article.headline == 'Fed to halt QE to avert "bubble"'
    assert names(article) == ["Meredith Jameson"]
    assert article.dateline == "Berlin"
    assert {"economy, business and finance", "labour market"} <= tag_names(article)
    # embargoed 2016-10-23T12:00:00Z is the publication date.
    assert article.published_at == datetime(2016, 10, 23, 12, 0, tzinfo=UTC)
    assert article.external_id == "urn:newsml:acmenews.com:20161018:US-FINANCE-FED"


def test_newsml_stt_item_keeps_subheads_and_dateline():
    article = imported("newsml-g2/stt_newsml_test.xml")
    assert article.headline == (
        "Parliament passed the Alcohol Act and the government gained confidence*** TRANSLATED ***"
    )
    assert "<h2>Also the unemployment law went through</h2>" in article.body
    assert article.dateline == "Helsinki"
    assert "Politics" in tag_names(article)


NEWSML = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:ledger:ferry"
 version="{version}" standard="NewsML-G2"><itemMeta><itemClass qcode="ninat:text"/>
<versionCreated>2025-03-0{version}T10:00:00Z</versionCreated>
<firstCreated>2025-03-01T10:00:00Z</firstCreated><pubStatus qcode="stat:{status}"/></itemMeta>
<contentMeta><headline>{headline}</headline><by>By Ana Ruiz and Sam Lee</by>
<dateline>PORTO</dateline></contentMeta>
<contentSet><inlineXML contenttype="application/xhtml+xml">
<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Version {version}.</p></body></html>
</inlineXML></contentSet></newsItem>
"""


def newsml_file(tmp_path, version, headline, status="usable"):
    path = tmp_path / f"v{version}-{status}.xml"
    path.write_text(NEWSML.format(version=version, headline=headline, status=status))
    return path


def test_newer_version_updates_and_older_version_is_ignored(tmp_path):
    run_import(newsml_file(tmp_path, 2, "Ferry delayed"))
    out, _err, _ = run_import(newsml_file(tmp_path, 3, "Ferry cancelled"))
    assert "updated" in out
    article = Article.objects.get()
    assert (article.headline, article.source_version) == ("Ferry cancelled", 3)
    assert "<p>Version 3.</p>" in article.body
    out, _err, _ = run_import(newsml_file(tmp_path, 1, "Ferry on time"))
    assert "1 unchanged" in out
    article.refresh_from_db()
    assert (article.headline, article.source_version) == ("Ferry cancelled", 3)
    assert Article.objects.count() == 1
    assert names(article) == ["Ana Ruiz", "Sam Lee"]


def test_withheld_version_takes_a_published_article_down(tmp_path):
    run_import(newsml_file(tmp_path, 2, "Ferry delayed"))
    assert Article.objects.get().is_public
    run_import(newsml_file(tmp_path, 3, "Ferry delayed", status="withheld"))
    article = Article.objects.get()
    assert article.status == Status.ARCHIVED and not article.is_public
    assert article not in Article.objects.published()


# --- ninjs ------------------------------------------------------------------------------


def test_ninjs_simple_text_gives_headline_byline_and_body():
    article = imported("ninjs/ninjsExSimpleText1.json", format="ninjs")
    assert article.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert names(article) == ["Paulo Santalucia", "Frances d'Emilio"]
    assert "GROSSETO" in article.body
    assert article.external_id == "http://ninjs.example.com/newsitems/20130709simp123"
    assert article.published_at == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)


def test_ninjs_embargoed_item_gives_subjects_dateline_embargo_and_pending_lead_photo():
    article = imported("ninjs/ninjs_embargoed.json")
    assert article.headline == "Trouble is brewing for the future of beer"
    assert names(article) == ["Aaron J. Staples"]  # "Michigan State University" is not a person
    assert article.dateline == "Aaron J. Staples, Michigan"
    assert tag_names(article) == {"global warming", "agriculture"}
    assert article.published_at == datetime(2022, 6, 29, 2, 30, tzinfo=UTC)
    assert article.source_version == 11
    photo = article.lead_photo
    assert photo.is_pending and photo.source_url.startswith("https://superdesk-tga.s3")
    assert photo.title == "Ekegs in Manchester"
    assert Photo.objects.count() == 1


def test_ninjs_item_with_feature_picture_gives_one_article():
    article = imported("ninjs/ninjs2.json")
    assert article.headline == "Oil prices edge up on first drop in US drilling in months"
    assert names(article) == ["Henning Gloystein"]
    assert article.dateline == "Singapore"
    assert article.lead_photo.alt_text == "Oil markets something"
    assert article.dek.startswith("Oil prices edged up on Monday")


def test_wire_files_in_a_folder_are_detected_by_content(tmp_path):
    folder = shared_file("fixtures/wire")
    out, err, failed = run_import(folder)
    assert failed is None, err
    assert set(Article.objects.values_list("source", flat=True)) == {"nitf", "newsml", "ninjs"}
    assert Article.objects.count() == 10


def test_invalid_ninjs_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"headline": "Half an item", ')
    _out, err, failed = run_import(path, format="ninjs")
    assert failed is not None and "not valid JSON" in err
    assert Article.objects.count() == 0


# --- Wire copy as agencies send it: our own files of every shape (fixtures/wire/shapes) -------

SHAPES = Path(__file__).resolve().parent / "fixtures" / "wire" / "shapes"


def report_lines(out):
    """The per-item lines of a report, by action."""
    actions = ("created", "updated", "unchanged", "skipped", "failed")
    return [w[0] for w in map(str.split, out.splitlines()) if w and w[0] in actions]


def assert_accounted(out, err, read):
    """Every item read ends as exactly one report line, and the totals add up to them."""
    lines = report_lines(out) + report_lines(err)
    assert len(lines) == read, (out, err)
    summary = out.strip().splitlines()[-1]
    counts = {action: int(n) for n, action in re.findall(r"(\d+) (\w+)", summary)}
    assert sum(counts.values()) == read, summary
    for action in set(lines):
        assert counts.get(action) == lines.count(action), summary


def test_a_killed_item_takes_the_published_story_down_with_the_agencys_reason(client):
    _out, err, failed = run_import(SHAPES / "kestrel-ferry-v1.nitf.xml", status="published")
    assert failed is None, err
    article = Article.objects.get()
    assert client.get(article.get_absolute_url()).status_code == 200

    out, err, failed = run_import(SHAPES / "kestrel-ferry-v2-killed.nitf.xml", status="published")
    assert failed is None, err
    assert_accounted(out, err, 1)
    article.refresh_from_db()
    assert article.status == Status.ARCHIVED and not article.is_public
    assert client.get(article.get_absolute_url()).status_code == 410
    take_down = article.audit_entries.get(action="take_down")
    assert take_down.from_status == Status.PUBLISHED
    reason = article.audit_entries.get(action="source_withdrawal").comment
    assert "the winter timetable is not decided" in reason


def test_a_withheld_item_is_never_public_even_with_status_published():
    out, err, _failed = run_import(SHAPES / "canal-festival-feed.ninjs.json", status="published")
    article = Article.objects.get(external_id="nordwire-20250901-withheld")
    assert article.status == Status.DRAFT and not article.is_public
    assert not article.audit_entries.filter(action="publish").exists()
    assert "pubstatus withheld: never public" in out


def test_every_item_of_a_ninjs_feed_is_accounted_for():
    out, err, failed = run_import(SHAPES / "canal-festival-feed.ninjs.json")
    assert failed is not None  # the malformed item, alone
    assert_accounted(out, err, 6)
    assert "skipped" in out and "ninjs type advisory: not a story" in out
    # A malformed item is its own failure with the reason, never a traceback.
    assert "nordwire-20250901-broken" in err and "unexpected shape" in err
    assert "Traceback" not in err
    assert "4 created, 0 updated, 0 unchanged, 1 skipped, 1 failed" in out
    # The picture item is a library photo with its caption and credit.
    photo = Photo.objects.get(external_id="nordwire-20250901-canal-pic-2")
    assert photo.caption == "Stalls of the night market along the east bank."
    assert photo.credit_line == "Eero Laine / STT" and photo.credits.exists()


def test_ninjs_1_mainpic_and_agency_in_the_byline():
    run_import(SHAPES / "canal-festival-feed.ninjs.json")
    article = Article.objects.get(external_id="nordwire-20250901-canal-festival")
    assert names(article) == ["Sanna Virtanen"]  # "Name/STT": STT is the credit
    assert article.source_credit == "STT"
    assert article.lead_photo.caption == "Decorated boats pass under the Lindby bridge."
    assert article.lead_photo.credit_line == "Eero Laine / STT"


def test_preformatted_ninjs_item_keeps_its_lines():
    run_import(SHAPES / "canal-festival-feed.ninjs.json")
    article = Article.objects.get(external_id="nordwire-20250901-regatta-results")
    assert "<pre>Crew        Time\nLindby I    4:02\nHarju       4:09</pre>" in article.body


def test_ninjs_2_headlines_bodies_list_associations_and_merged_authors():
    out, err, failed = run_import(SHAPES / "moorland-fires.ninjs2.json")
    assert failed is None, err
    assert_accounted(out, err, 1)
    article = Article.objects.get()
    # An empty main headline falls back to the sub-headline, and the report says so.
    assert article.headline == "Moorland fires burn for a third day above Hallam Vale"
    assert "empty headline: used the sub-headline" in out
    assert article.body.startswith("<p>Fires on the moors")  # HTML body preferred
    # Byline and structured authors merged without duplicates; the desk editor is no author.
    assert names(article) == ["Ilse Navarro", "Ravi Chaudhry", "Wen Okafor"]
    ravi = Author.objects.get(name="Ravi Chaudhry")
    assert ravi.bio.startswith("Ravi Chaudhry covers")
    assert article.bylines.get(author__name="Wen Okafor").role == "photographer"
    # 2.x association list: the mainpic with its caption, credit and original rendition.
    photo = article.lead_photo
    assert photo.caption == "Smoke rises over the heather above Hallam Vale on Monday."
    assert photo.credit_line == "Wen Okafor / Nordwire"
    assert photo.source_url == "https://img.nordwire.example/moor.jpg"
    # The code-only subject is metadata, never a tag.
    assert tag_names(article) == {"environment"}
    assert "mediatopic/20000157" in article.subject_codes


def test_zoneless_wire_times_are_in_the_newsrooms_zone(settings):
    settings.TIME_ZONE = "Europe/Oslo"
    run_import(SHAPES / "moorland-fires.ninjs2.json")
    # firstcreated 2025-10-20T07:45:00 with no zone: 07:45 in Oslo (UTC+2 in October).
    assert Article.objects.get().published_at == datetime(2025, 10, 20, 5, 45, tzinfo=UTC)


ZONELESS_NITF = """<?xml version="1.0" encoding="UTF-8"?>
<nitf>
  <head>
    <docdata management-status="usable">
      <doc-id regsrc="TIDEWIRE" id-string="TW-20251021-0412"/>
      <date.issue norm="20251021T064000"/>
    </docdata>
  </head>
  <body>
    <body.head><hedline><hl1>Ore carrier refloated off Skjervøy</hl1></hedline></body.head>
    <body.content><p>Two tugs pulled the carrier off the shoal at high water.</p></body.content>
  </body>
</nitf>
"""

ZONELESS_NEWSML = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"
    guid="urn:newsml:tidewire.example:20251022:ferry-strike"
    version="1" standard="NewsML-G2" standardversion="2.29" xml:lang="en">
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider qcode="nprov:TIDEWIRE"/>
    <versionCreated>2025-10-22T19:20:00</versionCreated>
    <firstCreated>2025-10-22T18:05:00</firstCreated>
    <pubStatus qcode="stat:usable"/>
  </itemMeta>
  <contentMeta>
    <headline>Ferry crews call off Thursday strike</headline>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/xhtml+xml">
      <html xmlns="http://www.w3.org/1999/xhtml"><body>
        <p>The union and the operator agreed on rest periods late on Wednesday.</p>
      </body></html>
    </inlineXML>
  </contentSet>
</newsItem>
"""


@pytest.mark.parametrize(
    "name, text, expected",
    [
        # date.issue 20251021T064000, no zone: 06:40 in Oslo (UTC+2 in October).
        ("refloated.nitf.xml", ZONELESS_NITF, datetime(2025, 10, 21, 4, 40, tzinfo=UTC)),
        # firstCreated 2025-10-22T18:05:00, no zone: 18:05 in Oslo.
        ("ferry-strike.newsml.xml", ZONELESS_NEWSML, datetime(2025, 10, 22, 16, 5, tzinfo=UTC)),
    ],
)
def test_zoneless_nitf_and_newsml_times_are_in_the_newsrooms_zone(
    settings, tmp_path, name, text, expected
):
    settings.TIME_ZONE = "Europe/Oslo"
    (tmp_path / name).write_text(text, encoding="utf-8")
    out, err, failed = run_import(tmp_path / name)
    assert failed is None, err
    assert Article.objects.get().published_at == expected


def test_a_ninjs_body_only_in_body_html5_is_imported(tmp_path):
    item = {
        "uri": "https://tidewire.example/items/20251023-lighthouse",
        "guid": "tidewire-20251023-lighthouse",
        "type": "text",
        "pubstatus": "usable",
        "firstcreated": "2025-10-23T10:00:00Z",
        "headline": "Lighthouse keeper's cottage sold to a rowing club",
        "body_html5": "<p>The club will keep its boats in the old oil store.</p>"
        "<h3>Open days</h3><p>The tower stays closed to visitors.</p>",
    }
    path = tmp_path / "lighthouse.ninjs.json"
    path.write_text(json.dumps(item), encoding="utf-8")
    out, err, failed = run_import(path)
    assert failed is None, err
    body = Article.objects.get().body
    assert "<p>The club will keep its boats in the old oil store.</p>" in body
    assert "<h3>Open days</h3>" in body
    assert "The tower stays closed to visitors." in body


def test_nitf_36_default_namespace_media_person_split_and_agency_credit():
    out, err, failed = run_import(SHAPES / "kestrel-ferry-v1.nitf.xml")
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Kestrel Bay ferry to run through the winter"
    assert names(article) == ["Mara Lindqvist", "Joel Ekberg"]  # one <person>, two people
    assert article.source_credit == "TT" and not Author.objects.filter(name="TT").exists()
    assert article.dateline == "KESTREL BAY, Sweden"
    # The <media> picture: a figure in its place, with caption and credit.
    photo = Photo.objects.get(external_id="NW-IMG-20251104-77")
    assert photo.caption == "The ferry Tärnan leaves Kestrel Bay in morning fog."
    assert photo.credit_line == "Henrik Ståhl / Nordwire"
    assert photo.alt_text == "The ferry Tärnan at the quay"
    assert f'data-photo="{photo.pk}"' in article.body
    # Subjects: the named one is a tag, the code-only one is not; both codes kept.
    assert tag_names(article) == {"transport"}
    assert article.subject_codes.split() == ["IPTC:04015000", "IPTC:04015001"]


def test_newsml_package_links_its_story_to_its_pictures_and_the_envelope_stays_out():
    out, err, failed = run_import(SHAPES / "harbour-lights-package.newsml.xml")
    assert failed is None, err
    # A package, a story, two pictures and a video: five items, five report lines.
    assert_accounted(out, err, 5)
    assert "NewsML-G2 item class video: not a story" in out
    article = Article.objects.get()
    # NewsML-G2 carrying NITF: read as NewsML, headline and dateline from the NITF.
    assert article.source == "newsml"
    assert article.headline == "Vellmouth lights its harbour for the winter festival"
    assert article.dateline == "VELLMOUTH"
    assert article.lead_photo.external_id.endswith("harbour-lights-pic1")
    second = Photo.objects.get(external_id__endswith="harbour-lights-pic2")
    assert f'data-photo="{second.pk}"' in article.body
    assert Photo.objects.count() == 2
    # The envelope is not the story.
    text = article.body
    assert "BC-EU-Harbour-Lights" not in text
    assert "Editor's note" not in text and "By Anja Petrov" not in text
    assert text.count("Vellmouth lights its harbour") == 0
    assert text.startswith("<p>Two hundred paper lanterns")
    assert "By the end of the week" in text  # a sentence starting "By" is not a byline
    assert names(article) == ["Anja Petrov"] and article.source_credit == "dpa"
    # Codes and place subjects never become tags.
    assert tag_names(article) == {"arts, culture and entertainment"}
    assert {"medtop:20000106", "N2:LIGHT"} <= set(article.subject_codes.split())


def test_newsml_text_plain_is_escaped_tables_keep_lines_and_a_login_is_no_byline():
    out, err, failed = run_import(SHAPES / "tidewatch-results.newsml.xml")
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Results of the Tidewatch coastal rowing regatta on Sunday."
    assert "empty headline: used the abstract" in out
    assert "with &lt;p&gt; marks as the agency typed them &amp; more." in article.body
    assert "Vellmouth A     21:04.3   12\nSkarvik" in article.body
    assert names(article) == []  # "sd_results" is a login name


def test_utf16_wire_files_are_read(tmp_path):
    for source in (SHAPES / "kestrel-ferry-v1.nitf.xml", SHAPES / "moorland-fires.ninjs2.json"):
        text = source.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        (tmp_path / source.name).write_bytes(text.encode("utf-16"))
    out, err, failed = run_import(tmp_path)
    assert failed is None, err
    assert Article.objects.count() == 2
    assert Article.objects.filter(dateline="KESTREL BAY, Sweden").exists()


def test_subject_codes_are_exported_restored_and_searchable_by_staff(tmp_path, admin_client):
    from django.core.management import call_command

    run_import(SHAPES / "kestrel-ferry-v1.nitf.xml")
    article = Article.objects.get()
    changelist = admin_client.get("/admin/articles/article/", {"q": "04015001"})
    assert article.headline in changelist.content.decode()
    call_command("export_articles", str(tmp_path / "backup"), stdout=StringIO())
    Article.objects.all().delete()
    call_command("restore_articles", str(tmp_path / "backup"), stdout=StringIO())
    restored = Article.objects.get()
    assert restored.subject_codes == "IPTC:04015000\nIPTC:04015001"
    assert restored.source_credit == "TT"


@pytest.mark.parametrize(
    ("hedline", "abstract", "expected", "note"),
    [
        (
            "<hl1/><hl2>Night buses return to Vellmouth</hl2>",
            "",
            "Night buses return to Vellmouth",
            "sub-headline",
        ),
        (
            "<hl1> </hl1>",
            "<abstract>Buses run all night again.</abstract>",
            "Buses run all night again.",
            "abstract",
        ),
        ("<hl1/>", "", "The night buses are back.", "first sentence of the body"),
    ],
    ids=["hl2", "abstract", "first-sentence"],
)
def test_an_empty_nitf_headline_falls_back_and_says_so(tmp_path, hedline, abstract, expected, note):
    path = tmp_path / "empty-headline.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><nitf><head><docdata>'
        '<doc-id id-string="ours.empty"/></docdata></head><body><body.head>'
        f"<hedline>{hedline}</hedline>{abstract}</body.head><body.content>"
        "<p>The night buses are back. They run every hour.</p></body.content></body></nitf>",
        encoding="utf-8",
    )
    out, err, failed = run_import(path)
    assert failed is None, err
    assert Article.objects.get().headline == expected
    assert f"empty headline: used the {note}" in out


# --- what Superdesk's tests assert (wire/EXPECTED.md) that the tests above do not ---------
# Superdesk's own normalisation (parent subjects derived from children, urgency, word
# counts, its guid rewriting) has no equivalent here; the facts below do.


def body_text(html):
    import lxml.html

    return " ".join(
        lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div").text_content().split()
    )


def source_paragraphs(path):
    """The non-empty paragraphs of a NITF body.content, pictures' captions and editors'
    notes left out."""
    import lxml.etree

    tree = lxml.etree.parse(str(path), lxml.etree.XMLParser(resolve_entities=False))
    found = []
    for p in tree.iter("{*}p"):
        ancestors = {a.tag.split("}")[-1] for a in p.iterancestors()}
        text = " ".join("".join(p.itertext()).split())
        if "body.content" in ancestors and not ancestors & {"media", "note"} and text:
            found.append(text)
    return found


NITF_FACTS = {
    # file: (external id, publication instant, subject codes, text never in the body,
    #        paragraphs the report says were left out)
    "aap.xml": (
        "AAP.115314987.5417374",
        datetime(2013, 10, 20, 8, 27, 51, tzinfo=UTC),
        ["IPTC:02003001", "IPTC:02003002"],
        [],
        0,
    ),
    "ap-nitf.xml": (
        "ap-nitf",  # no doc-id: the file name
        datetime(2015, 12, 10, 19, 10, 44, tzinfo=UTC),
        [],
        ["For global distribution", "AP Business Writer"],  # ed-msg and byttl
        0,
    ),
    "nitf-fishing.xml": (
        "iptc.321656141.b",
        datetime(2002, 2, 25, 19, 30, tzinfo=UTC),
        ["IPTC:17000000", "IPTC:17004000", "IPTC:04001002"],
        [
            "Today begins an expanded format of this popular column.",  # ed-msg
            "This sample article was created completely from scratch",  # editor's note
        ],
        0,
    ),
    "pa1.xml": (
        "af1f7ad5-5619-49de-84cc-2e608538c77fSSS-3-1",
        datetime(2015, 10, 14, 3, 30, 1, tzinfo=UTC),
        ["IPTC:04011002", "IPTC:10000000", "IPTC:15000000", "IPTC:15054000"],
        [],
        1,  # the headline repeated as the first paragraph
    ),
}


@pytest.mark.parametrize("name", sorted(NITF_FACTS))
def test_nitf_fixture_keeps_ids_dates_subject_codes_and_every_paragraph(name):
    external_id, published_at, codes, envelope, left_out = NITF_FACTS[name]
    path = shared_file(f"fixtures/wire/nitf/{name}")
    out, err, failed = run_import(path)
    assert failed is None, err
    assert_accounted(out, err, 1)
    article = Article.objects.get()
    assert article.external_id == external_id
    assert article.published_at == published_at
    assert article.subject_codes.split() == codes
    text = body_text(article.body)
    for passage in envelope:
        assert passage not in text
        assert not Author.objects.filter(name__contains=passage).exists()
    paragraphs = source_paragraphs(path)
    kept = [p for p in paragraphs if p in text]
    assert len(kept) == len(paragraphs) - left_out, set(paragraphs) - set(kept)
    if left_out:
        assert "repeated headline or abstract left out of the body" in out


def test_nitf_place_subject_is_not_a_tag_and_keywords_are():
    """nitf-fishing.xml: place Norfolk, keywords include "fishing"."""
    article = imported("nitf/nitf-fishing.xml")
    tags = tag_names(article)
    assert "fishing" in tags and "Norfolk" not in tags


def test_newsml_reuters_item_dates_and_no_description():
    """firstcreated 2017-01-31T03:47:29; no description_text (the caption-role description
    is not the story's standfirst)."""
    article = imported("newsml-g2/reuters-gold-L4N1FL0N0.xml")
    assert article.published_at == datetime(2017, 1, 31, 3, 47, 29, tzinfo=UTC)
    assert article.dek == ""


def test_newsml_reuters_story_is_split_into_paragraphs_without_the_by_line():
    """body_html starts with <p>(Adds comments, detail)</p> (newsml2_parser_test.py):
    Reuters sends the story as one <p> of indented lines. The "By" line is the byline."""
    article = imported("newsml-g2/reuters-gold-L4N1FL0N0.xml")
    assert article.body.startswith("<p>(Adds comments, detail)</p>")
    assert "By Arpan Varghese" not in article.body
    assert names(article) == ["Arpan Varghese"]


def test_newsml_iptc_example_keeps_the_editorial_note_out_and_reads_one_item():
    """LISTING_1: 1 item, ednote "STRICTLY EMBARGOED" (never in the body), 1 author."""
    path = shared_file("fixtures/wire/newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml")
    out, err, failed = run_import(path)
    assert failed is None, err
    assert_accounted(out, err, 1)
    article = Article.objects.get()
    assert "EMBARGOED" not in article.body
    assert len(names(article)) == 1


def test_newsml_stt_item_ids_date_subheads_languages_and_genres():
    """stt_newsml_test.py: guid with version 4, firstcreated 2017-12-19T10:33:04+02:00,
    h2/h3 subheads, English, Swedish and Finnish sections, subject Politics; the genres
    (Pääjuttu, Pika+) are no tags."""
    article = imported("newsml-g2/stt_newsml_test.xml")
    assert article.external_id == "urn:newsml:stt.fi:20171219:101801633"
    assert article.source_version == 4
    assert article.published_at == datetime(2017, 12, 19, 8, 33, 4, tzinfo=UTC)
    assert "<h3>Rinne: Hallitus runnoi läpi työttömiä kurittavan lain" in article.body
    assert tag_names(article) == {"Politics"}


def test_ninjs2_picture_item_is_the_lead_photo_with_its_headline_and_description():
    """ninjs2.json: two items (picture and text); the text's featuremedia is the picture,
    headline "Financial Markets", with the same alt text and description."""
    article = imported("ninjs/ninjs2.json")
    photo = Photo.objects.get()
    assert article.lead_photo == photo
    assert photo.title == "Financial Markets"
    assert photo.alt_text == "Oil markets something"
    assert photo.caption == (
        "Oil prices edged up on Monday, supported by the first fall in US drilling "
        "activity in month."
    )


SHARED_WIRE = [
    "newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml",
    "newsml-g2/reuters-gold-L4N1FL0N0.xml",
    "newsml-g2/stt_newsml_test.xml",
    "ninjs/ninjs2.json",
    "ninjs/ninjsExSimpleText1.json",
    "ninjs/ninjs_embargoed.json",
    "nitf/aap.xml",
    "nitf/ap-nitf.xml",
    "nitf/nitf-fishing.xml",
    "nitf/pa1.xml",
]


@pytest.mark.parametrize("name", SHARED_WIRE)
def test_every_shared_wire_file_is_accounted_for_and_a_second_run_changes_nothing(name):
    path = shared_file(f"fixtures/wire/{name}")
    out, err, failed = run_import(path)
    assert failed is None, err
    assert_accounted(out, err, 1)
    out, err, failed = run_import(path)
    assert failed is None, err
    assert_accounted(out, err, 1)
    assert "0 created, 0 updated, 1 unchanged" in out


def test_a_story_sent_as_one_paragraph_of_indented_lines_is_split_at_its_indents(tmp_path):
    lines = (
        "<p>(Updates with port figures)\n    * Ferries resume at dawn\n\n    By Ana Ruiz\n"
        "    PORTO, March 2 - The ferries ran again on\nSunday after the storm.\n"
        "    The port said traffic was normal.</p>"
    )
    path = tmp_path / "indented.xml"
    path.write_text(
        NEWSML.format(version=2, headline="Ferries resume", status="usable")
        .replace("<by>By Ana Ruiz and Sam Lee</by>", "")
        .replace("<p>Version 2.</p>", lines),
        encoding="utf-8",
    )
    out, err, failed = run_import(path)
    assert failed is None, err
    article = Article.objects.get()
    assert article.body == (
        "<p>(Updates with port figures)</p>\n<p>* Ferries resume at dawn</p>\n"
        "<p>PORTO, March 2 - The ferries ran again on Sunday after the storm.</p>\n"
        "<p>The port said traffic was normal.</p>"
    )
    assert names(article) == ["Ana Ruiz"] and "byline line left out of the body" in out
