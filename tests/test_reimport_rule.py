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
