"""Export, then restore into an emptied database: every row and every file comes back."""

import json
import shutil
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import backup
from articles.models import (
    Article,
    ArticleRedirect,
    AuditEntry,
    Author,
    Byline,
    Correction,
    Section,
    Status,
    Tag,
)
from articles.workflow import move_to, transition
from photos.models import Credit, Photo
from tests.conftest import run_import
from tests.factories import (
    image_bytes,
    make_article,
    make_author,
    make_photo,
    make_section,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db


def build_archive():
    """A newsroom with one of everything, made through the normal paths."""
    editor = make_user(
        "editor", role="Editor", first_name="Eda", last_name="Stone", email="eda@example.org"
    )
    writer = make_user("writer", role="Writer")
    world, local = make_section(name="World", description="Abroad", order=2), make_section()
    tags = [make_tag(name="Ports"), make_tag(name="Ferries")]
    photo = make_photo(
        caption="The pier at dusk.",
        credit_line="Ana Ruiz / Ledger",
        alt_text="A pier",
        title="Pier",
        copyright_notice="© Ledger",
        usage_terms="Ours only",
        source_url="https://example.org/pier.jpg",
        focal_x=3,
        focal_y=4,
        focal_width=10,
        focal_height=8,
        uploaded_by=editor,
    )
    Credit.objects.create(
        photo=photo,
        position=0,
        creator="Ana Ruiz",
        organisation="Ledger",
        licence="CC BY 4.0",
        licence_url="https://creativecommons.org/",
    )
    png = make_photo(with_file=False, caption="A chart.")
    png.image.save("chart.png", ContentFile(image_bytes("PNG")), save=True)
    make_photo(
        with_file=False,
        caption="Still to come.",
        source="wordpress",
        external_id="https://old.example/?attachment_id=4",
    )
    rita = make_author(
        name="Rita Okafor",
        title="Harbour reporter",
        bio="Covers the port.",
        photo=photo,
        email="rita@example.org",
        website="https://rita.example",
        social_links=["https://social.example/@rita"],
        user=writer,
    )
    sam = make_author(name="Sam Lee")

    story = make_article(
        headline="Night ferry approved",
        status=Status.DRAFT,
        section=world,
        authors=[],
        dek="The council voted.",
        body=f'<p>Text.</p><figure data-photo="{photo.pk}"><figcaption>Here.</figcaption></figure>',
        lead_photo=png,
        lead_caption="Own caption",
        lead_alt="Own alt",
        seo_title="Ferry",
        seo_description="About the ferry",
        canonical_url="https://elsewhere.example/ferry",
        noindex=True,
        source="wordpress",
        external_id="https://old.example/?p=7",
        source_version=3,
        source_fingerprint="f" * 64,
        created_by=writer,
        dateline="HARBOUR TOWN",
    )
    Byline.objects.create(article=story, author=rita, position=0)
    Byline.objects.create(
        article=story, author=sam, position=1, role=Byline.Role.ADDITIONAL_REPORTING
    )
    story.tags.set(tags)
    transition(story, "submit", by=writer)
    transition(story, "publish", by=editor, at=timezone.now() - timedelta(days=2))
    Correction.objects.create(article=story, text="An earlier version misnamed the pier.")
    ArticleRedirect.objects.create(old_path="/2019/01/02/ferry/", article=story)
    scheduled = make_article(
        headline="Tomorrow's timetable",
        status=Status.DRAFT,
        section=local,
        authors=[sam],
        tags=tags[:1],
    )
    move_to(scheduled, Status.PUBLISHED, at=timezone.now() + timedelta(days=1))
    make_article(headline="Unfinished", status=Status.DRAFT, section=local, authors=[rita])
    taken_down = make_article(headline="Withdrawn", section=local, authors=[sam])
    transition(taken_down, "take_down", by=editor, comment="Legal asked.")


def snapshot():
    rows = []
    for model in [*backup.library_models(), Article, *(m for m, _ in backup.article_models())]:
        rows += backup.rows_as_json(backup.serialize(model._default_manager.order_by("pk")))
    users = list(
        User.objects.order_by("username").values("username", "first_name", "last_name", "email")
    )
    files = {}
    for row in rows:
        for name in backup.file_names([row]):
            with default_storage.open(name, "rb") as fh:
                files[name] = fh.read()
    return rows, users, files


def empty_everything(media_root):
    Article.objects.all().delete()
    # The audit trail outlives a deleted article by design; an empty database has none.
    AuditEntry.objects.all().delete()
    Author.objects.all().delete()
    Photo.objects.all().delete()
    Section.objects.all().delete()
    Tag.objects.all().delete()
    User.objects.all().delete()
    shutil.rmtree(media_root)
    media_root.mkdir()


def export(outdir):
    out = StringIO()
    call_command("export_articles", str(outdir), stdout=out)
    return out.getvalue()


def restore(folder, **options):
    """Run ``restore_articles`` as an operator would: (stdout, stderr, CommandError or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("restore_articles", str(folder), stdout=out, stderr=err, **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_export_then_restore_into_an_empty_database_loses_nothing(tmp_path, media_root):
    build_archive()
    before = snapshot()
    assert len(before[2]) == 2 and Article.objects.count() == 4  # two files, four articles
    export(tmp_path / "export")
    empty_everything(media_root)
    assert Article.objects.count() == Photo.objects.count() == 0

    out, err, failed = restore(tmp_path / "export")
    assert failed is None, err
    assert "5 created" in out  # the library, then four articles
    after = snapshot()
    assert after[0] == before[0]  # every field of every row, ids and dates included
    assert after[1] == before[1]
    assert after[2] == before[2]  # photo files byte for byte
    story = Article.objects.get(headline="Night ferry approved")
    assert [a.action for a in story.audit_entries.all()] == ["submit", "publish"]
    assert story.is_public
    assert Article.objects.get(headline="Tomorrow's timetable").is_scheduled


def test_restoring_twice_changes_nothing(tmp_path, media_root):
    build_archive()
    export(tmp_path / "export")
    empty_everything(media_root)
    restore(tmp_path / "export")
    first = snapshot()
    out, err, failed = restore(tmp_path / "export")
    assert failed is None, err
    assert "0 created, 0 updated, 5 unchanged" in out
    assert snapshot() == first


def test_restored_database_takes_new_articles_without_id_clashes(tmp_path, media_root):
    build_archive()
    export(tmp_path / "export")
    empty_everything(media_root)
    restore(tmp_path / "export")
    highest = Article.objects.order_by("-pk").first().pk
    assert make_article().pk > highest


def test_restore_refuses_to_overwrite_a_different_article_with_the_same_id(tmp_path):
    build_archive()
    export(tmp_path / "export")
    article = Article.objects.get(headline="Unfinished")
    Article.objects.filter(pk=article.pk).update(created_at=timezone.now() - timedelta(days=9))
    out, err, failed = restore(tmp_path / "export")
    assert failed is not None
    assert "already exists here as a different object" in err
    assert Article.objects.get(pk=article.pk).headline == "Unfinished"


def test_export_files_are_plain_json_with_a_manifest(tmp_path):
    build_archive()
    export(tmp_path / "export")
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["format"] == "newsroom-export" and manifest["counts"]["articles.article"] == 4
    lines = (tmp_path / "export" / "articles.jsonl").read_text().splitlines()
    assert len(lines) == 4 and all(
        json.loads(line)[0]["model"] == "articles.article" for line in lines
    )
    assert "password" not in (tmp_path / "export" / "users.json").read_text()


def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        export(tmp_path / "export")


def test_a_folder_with_a_foreign_manifest_is_refused(tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"format": "something-else", "version": 1}')
    _out, _err, failed = restore(folder)
    assert failed is not None and "not a newsroom-export version 1 manifest" in str(failed)


def test_an_export_made_when_photos_lived_in_articles_restores_into_photos(tmp_path, media_root):
    build_archive()
    before = snapshot()
    export(tmp_path / "export")
    library = tmp_path / "export" / "library.json"
    library.write_text(
        library.read_text(encoding="utf-8")
        .replace('"photos.photo"', '"articles.photo"')
        .replace('"photos.credit"', '"articles.credit"'),
        encoding="utf-8",
    )
    empty_everything(media_root)
    out, err, failed = restore(tmp_path / "export")
    assert failed is None, err
    assert snapshot() == before


def test_a_dry_run_restore_reports_and_writes_nothing(tmp_path, media_root):
    build_archive()
    export(tmp_path / "export")
    empty_everything(media_root)
    out, err, failed = restore(tmp_path / "export", dry_run=True)
    assert failed is None, err
    assert "Dry run, nothing written: 5 created" in out
    assert Article.objects.count() == Photo.objects.count() == User.objects.count() == 0
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_import_articles_refuses_an_export_and_points_to_restore_articles(tmp_path):
    build_archive()
    export(tmp_path / "export")
    _out, _err, failed = run_import(tmp_path / "export")
    assert failed is not None and "restore_articles" in str(failed)
