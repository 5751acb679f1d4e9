"""XML from outside is never allowed to expand entities, reach files or the network."""

import resource
import tracemalloc

import pytest

from articles.importers.formats import newsml, nitf, wordpress
from articles.importers.parsed import ParseError
from articles.models import Article, Author, Section, Tag
from tests.conftest import run_import

pytestmark = pytest.mark.django_db

# Ten levels of ten: fully expanded, the last entity is 10^9 copies of "lol" (about 3 GB).
LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10))


def wxr_with_doctype(doctype, text="&lol9;"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [{doctype}]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>{text}</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status><content:encoded>{text}</content:encoded></item>
</channel></rss>"""


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def test_billion_laughs_in_a_wordpress_export_is_refused_without_memory_growth(tmp_path):
    path = tmp_path / "laughs.xml"
    path.write_text(wxr_with_doctype(LAUGHS))
    rss_before = peak_rss_mb()
    tracemalloc.start()
    _out, err, failed = run_import(path)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert failed and "declares XML entities" in err
    assert peak_rss_mb() - rss_before < 50  # expanded, it would be gigabytes
    assert traced_peak < 20 * 1024 * 1024
    assert Article.objects.count() == Author.objects.count() == 0
    assert Section.objects.count() == Tag.objects.count() == 0


@pytest.mark.parametrize(
    "module, document",
    [
        (
            nitf,
            f"<!DOCTYPE nitf [{LAUGHS}]><nitf><head/><body><body.head><hedline><hl1>&lol9;"
            "</hl1></hedline></body.head></body></nitf>",
        ),
        (
            newsml,
            f'<!DOCTYPE newsItem [{LAUGHS}]><newsItem xmlns="http://iptc.org/std/nar/'
            '2006-10-01/" guid="x"><contentMeta><headline>&lol9;</headline></contentMeta>'
            "</newsItem>",
        ),
    ],
)
def test_billion_laughs_in_a_wire_file_is_refused(tmp_path, module, document):
    path = tmp_path / "laughs.xml"
    path.write_text('<?xml version="1.0"?>\n' + document)
    rss_before = peak_rss_mb()
    with pytest.raises(ParseError, match="declares XML entities"):
        list(module.read(path))
    assert peak_rss_mb() - rss_before < 50


def test_external_entity_is_refused_and_the_file_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2")
    path = tmp_path / "xxe.xml"
    path.write_text(wxr_with_doctype(f'<!ENTITY xxe SYSTEM "file://{secret}">', "&xxe;"))
    out, err, failed = run_import(path)
    assert failed and "declares XML entities" in err
    assert "hunter2" not in out + err
    assert Article.objects.count() == 0


def test_parameter_entity_fetching_a_url_is_refused(tmp_path):
    path = tmp_path / "remote.xml"
    path.write_text(
        wxr_with_doctype(
            '<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;', "Fine title"
        )
    )
    with pytest.raises(ParseError):
        list(wordpress.read(path))


def test_doctype_naming_an_external_dtd_without_entities_is_read_without_loading_it(tmp_path):
    path = tmp_path / "story.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "http://127.0.0.1:9/nitf-3-2.dtd">\n'
        "<nitf><head/><body><body.head><hedline><hl1>Tides &amp; weather</hl1></hedline>"
        "</body.head><body.content><p>Calm.</p></body.content></body></nitf>"
    )
    (article,) = list(nitf.read(path))
    assert article.headline == "Tides & weather"
