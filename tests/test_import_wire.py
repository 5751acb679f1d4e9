"""NITF, NewsML-G2 and ninjs: the agency fixtures, versions, embargoes, status and encodings."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Status
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
        {"04011002", "10000000", "15000000", "15054000", "Trivia (Oct 14)"},
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
    } <= tag_names(article)
    assert article.body.startswith("<p>(Adds comments, detail)")
    assert article.external_id == "tag:reuters.com,0000:newsml_L4N1FL0N0"
    assert article.source_version == 1132689232
    assert article.dateline == "" and names(article) == []


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
