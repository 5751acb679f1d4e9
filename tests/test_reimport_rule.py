"""Re-running an import never undoes an editor's decision.

The rule (articles.importers.writer.desk_decided): the source updates an article's text
and status only while nobody has edited or moved it in the CMS. Once an editor (or an
operator's command) has saved or moved it, a re-import leaves it as the desk left it and
says so in the report. ``make run`` imports demo/ with ``--status published`` on every
start; these tests run that same command.
"""

from pathlib import Path

import pytest

from articles.models import Article, Status
from articles.workflow import move_to, transition
from tests.conftest import run_import
from tests.factories import post_change

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "demo"


def import_demo():
    """What ``make run`` does: each demo section, published, into its own section."""
    outs = []
    for folder in sorted(p for p in DEMO.iterdir() if p.is_dir()):
        out, err, failed = run_import(folder, status="published", section=folder.name)
        assert failed is None, err
        outs.append(out)
    return "\n".join(outs)


def test_make_run_twice_brings_back_neither_an_unpublished_nor_a_taken_down_story(client, editor):
    import_demo()
    unpublished, taken_down, *others = Article.objects.order_by("pk")
    assert all(a.is_public for a in (unpublished, taken_down, *others))
    transition(unpublished, "unpublish", by=editor, comment="Waiting for a lawyer")
    transition(taken_down, "take_down", by=editor, comment="Court order")

    for _run in range(2):
        out = import_demo()
        assert "0 created, 0 updated" in out.splitlines()[-1]
        assert "kept as the desk left it" in out
        unpublished.refresh_from_db()
        taken_down.refresh_from_db()
        assert unpublished.status == Status.DRAFT
        assert taken_down.status == Status.ARCHIVED
        assert client.get(unpublished.get_absolute_url()).status_code == 404
        assert client.get(taken_down.get_absolute_url()).status_code == 410
        assert all(a.is_public for a in Article.objects.filter(pk__in=[a.pk for a in others]))


def test_a_take_down_by_an_operator_command_also_stays(tmp_path):
    # Made without a user (system=True): the audit trail says it was not the import.
    import_demo()
    article = Article.objects.order_by("pk").first()
    move_to(article, Status.ARCHIVED, comment="Withdrawn at the subject's request")
    import_demo()
    article.refresh_from_db()
    assert article.status == Status.ARCHIVED


def story(folder, body):
    folder.mkdir(exist_ok=True)
    (folder / "harbour.txt").write_text(
        f"Harbour plan approved\nWritten on 03/02/2026\nAna Ruiz\n\n{body}\n", encoding="utf-8"
    )
    return folder


def test_an_editor_s_text_is_not_replaced_by_a_changed_source(editor_client, tmp_path):
    folder = story(tmp_path / "in", "The council voted late.")
    run_import(folder, status="published")
    article = Article.objects.get()
    post_change(editor_client, article, headline="Harbour plan approved after a late vote")

    story(folder, "The council voted late on Tuesday.")
    out, err, failed = run_import(folder, status="published")
    assert failed is None, err
    assert "1 unchanged" in out and "edited in the CMS" in out
    article.refresh_from_db()
    assert article.headline == "Harbour plan approved after a late vote"
    assert "on Tuesday" not in article.body


def test_an_article_nobody_touched_still_follows_its_source(tmp_path):
    folder = story(tmp_path / "in", "The council voted late.")
    run_import(folder, status="published")
    story(folder, "The council voted late on Tuesday.")
    out, err, failed = run_import(folder, status="published")
    assert failed is None and "1 updated" in out, err
    assert "on Tuesday" in Article.objects.get().body


WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.1/"
>
<channel>
	<title>Fenwick Courier</title>
	<link>https://fenwickcourier.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://fenwickcourier.example</wp:base_site_url>
	<item>
		<title>Fenwick library to open on Sundays</title>
		<link>https://fenwickcourier.example/2026/01/14/library-sundays/</link>
		<dc:creator>jmoss</dc:creator>
		<guid isPermaLink="false">https://fenwickcourier.example/?p=812</guid>
		<content:encoded><![CDATA[The library on Quay Street will open on Sundays from February.

Volunteers from the reading circle will staff the desk.]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>812</wp:post_id>
		<wp:post_date_gmt>2026-01-14 09:30:00</wp:post_date_gmt>
		<wp:post_name>library-sundays</wp:post_name>
		<wp:status>publish</wp:status>
		<wp:post_type>post</wp:post_type>
	</item>
</channel>
</rss>
"""

NINJS = """{
  "uri": "https://tidewire.example/items/20260115-bridge-paint",
  "guid": "tidewire-20260115-bridge-paint",
  "version": "1",
  "type": "text",
  "language": "en",
  "pubstatus": "usable",
  "firstcreated": "2026-01-15T08:10:00+00:00",
  "headline": "Swing bridge to be repainted in its 1902 green",
  "byline": "By Orla Brennan",
  "body_html": "<p>The swing bridge over the Fenwick cut will be repainted in its first green.</p>"
}
"""


def test_no_format_brings_back_what_the_desk_unpublished_or_took_down(client, editor, tmp_path):
    # The rule is the writer's, not the plain-text reader's: WordPress and ninjs too.
    (tmp_path / "courier.xml").write_text(WXR, encoding="utf-8")
    (tmp_path / "bridge.ninjs.json").write_text(NINJS, encoding="utf-8")

    def import_both():
        out, err, failed = run_import(tmp_path, status="published")
        assert failed is None, err
        return out

    import_both()
    library = Article.objects.get(source="wordpress")
    bridge = Article.objects.get(source="ninjs")
    assert library.is_public and bridge.is_public
    transition(library, "unpublish", by=editor, comment="Hours not confirmed")
    transition(bridge, "take_down", by=editor, comment="Agency withdrew the photo rights")

    for _run in range(2):
        out = import_both()
        assert "0 created, 0 updated" in out.splitlines()[-1]
        assert out.count("kept as the desk left it") == 2
        library.refresh_from_db()
        bridge.refresh_from_db()
        assert library.status == Status.DRAFT
        assert bridge.status == Status.ARCHIVED
        assert client.get(library.get_absolute_url()).status_code == 404
        assert client.get(bridge.get_absolute_url()).status_code == 410
