"""Importing in batches: many articles per transaction, and still each item on its own.

A bad item in a batch is reported and rolled back alone while the others land; new
articles cost a fixed number of queries per batch, not per article; and what the bulk
writes leave is what writing the same item alone leaves.
"""

import re
from dataclasses import replace
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.importers.parsed import ParsedArticle, ParsedAuthor, ParsedPhoto
from articles.importers.writer import Batch, save_parsed
from articles.models import Article, AuditEntry, Author, Status
from photos.models import Photo
from tests.conftest import run_import
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db


def story(n, *, headline=None, authors=("Ana Ruiz", "Li Wei")):
    return (
        f"{headline or f'Harbour story {n}'}\nWritten on 03/02/2026\n{' and '.join(authors)}\n\n"
        "The ferry at dawn. Credit: Lena Fischer / Harbour Authority.\n\n"
        f"Paragraph {n} of the story.\n\nWhat happens next\n\n"
        "Crew at work.\nDeckhands prepare the ramp. Credit: Ade Bello, Coast Daily / Ruth Kim.\n"
    )


def folder_of(tmp_path, name, numbers):
    folder = tmp_path / name
    folder.mkdir()
    for n in numbers:
        (folder / f"story-{n:03d}.txt").write_text(story(n), encoding="utf-8")
    return folder


def media_files(tmp_path):
    return [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


# One bad item in a batch ------------------------------------------------------------------


def test_a_file_failing_in_the_middle_of_a_batch_is_reported_and_the_others_land(tmp_path):
    folder = folder_of(tmp_path, "in", [1, 2, 3])
    (folder / "story-002.jpg").write_bytes(image_bytes())
    (folder / "story-002-1.jpg").write_bytes(b"<html>not a photo</html>")
    (folder / "story-004.txt").write_bytes(b"")  # a parse error after them, in the same run
    out, err, failed = run_import(folder)
    assert failed is not None, "the run must exit non-zero"
    assert "story-002.txt" in err and "story-004.txt" in err and "the file is empty" in err
    assert "2 created, 0 updated, 0 unchanged, 2 failed" in out
    # Reported in the order of the files.
    assert out.index("story-001.txt") < out.index("story-003.txt")
    assert sorted(Article.objects.values_list("headline", flat=True)) == [
        "Harbour story 1",
        "Harbour story 3",
    ]
    # Nothing of the failed item remains: no photo rows, no files.
    assert Photo.objects.count() == 4
    assert not Photo.objects.filter(external_id__startswith="story-002").exists()
    assert not media_files(tmp_path)


def test_a_headline_longer_than_its_column_is_cut_with_a_note_on_every_database(tmp_path):
    folder = folder_of(tmp_path, "in", [1, 3])
    long_headline = "Harbour " * 16_374 + "Harbours"  # a first line of 131,000 characters
    (folder / "story-002.txt").write_text(story(2, headline=long_headline), encoding="utf-8")
    out, err, failed = run_import(folder)
    assert failed is None, err  # PostgreSQL raised a raw DataError here
    assert "3 created" in out
    assert "headline cut from 131,000 to 300 characters" in out
    article = Article.objects.get(external_id="story-002")
    assert len(article.headline) == 300 and article.headline.startswith("Harbour Harbour")
    for article in Article.objects.all():
        assert [b.author.name for b in article.ordered_bylines] == ["Ana Ruiz", "Li Wei"]
        assert article.lead_photo.credits.exists()


def parsed_story(n, **overrides):
    return ParsedArticle(
        **{
            "headline": f"Story {n}",
            "source": "text",
            "external_id": f"story-{n}",
            "body": f"<p>Story {n}.</p>",
            "published_at": timezone.now(),
            "authors": [ParsedAuthor(name="Ana Ruiz")],
            "lead_photo": ParsedPhoto(caption="A pier.", credit_line="Lena Fischer"),
            **overrides,
        }
    )


def write_all(batch, items):
    return [result for item in items for result in batch.add(item)] + batch.flush()


def test_an_item_a_bulk_write_refuses_is_retried_alone_and_reported():
    items = [parsed_story(1), parsed_story(2, published_at="not a date"), parsed_story(3)]
    results = write_all(Batch(), items)
    assert [parsed for parsed, _ in results] == items
    outcomes = [outcome for _, outcome in results]
    assert [o.action for o in (outcomes[0], outcomes[2])] == ["created", "created"]
    assert isinstance(outcomes[1], Exception) and "not a date" in str(outcomes[1])
    assert sorted(Article.objects.values_list("external_id", flat=True)) == [
        "story-1",
        "story-3",
    ]
    assert Photo.objects.count() == 2 and Author.objects.count() == 1


def test_what_was_read_before_a_run_breaks_off_still_lands(tmp_path, monkeypatch):
    from articles.importers.formats import plaintext

    read = plaintext.read

    def read_until_the_third(path, **options):
        if path.name == "story-003.txt":
            raise RuntimeError("the disk went away")
        return read(path, **options)

    monkeypatch.setattr(plaintext, "read", read_until_the_third)
    with pytest.raises(RuntimeError):
        run_import(folder_of(tmp_path, "in", [1, 2, 3, 4]))
    assert sorted(Article.objects.values_list("external_id", flat=True)) == [
        "story-001",
        "story-002",
    ]


def test_a_batch_of_one_writes_each_item_in_its_own_transaction(tmp_path):
    out, err, failed = run_import(folder_of(tmp_path, "in", [1, 2, 3]), batch_size=1)
    assert failed is None, err
    assert "3 created" in out and Article.objects.count() == 3


# Queries ------------------------------------------------------------------------------------


def test_new_articles_cost_a_fixed_number_of_queries_per_batch(tmp_path, django_assert_num_queries):
    run_import(folder_of(tmp_path, "first", [0]))  # the authors and the section now exist
    with CaptureQueriesContext(connection) as ten:
        run_import(folder_of(tmp_path, "ten", range(100, 110)))
    # Twice the articles, the same queries: photos, credits, slugs, articles and bylines
    # are each written or checked once for the whole batch.
    with django_assert_num_queries(len(ten.captured_queries)):
        run_import(folder_of(tmp_path, "twenty", range(200, 220)))
    # Less than 20 for the import itself, and a few for the pages: the stored article
    # parts the batch changes dropped, and the keys it touched read (articles.edge).
    assert len(ten.captured_queries) < 28
    assert Article.objects.count() == 31 and Author.objects.count() == 2


def test_re_importing_unchanged_files_reads_each_article_once_per_batch(
    tmp_path, django_assert_max_num_queries
):
    folder = folder_of(tmp_path, "in", range(20))
    run_import(folder)
    # The articles and photos of the batch are looked up together; each unchanged item
    # costs only its savepoint.
    with django_assert_max_num_queries(2 + 2 * 20 + 4):
        out, _err, failed = run_import(folder)
    assert failed is None and "20 unchanged" in out


# The same item alone and in a batch -----------------------------------------------------------


def snapshot(article):
    """What an import wrote for ``article``, without ids, keys and times of writing."""
    article = Article.objects.get(pk=article.pk)
    photos = [
        article.lead_photo,
        *Photo.objects.filter(
            pk__in=[int(pk) for pk in re.findall(r'data-photo="(\d+)"', article.body)]
        ).order_by("pk"),
    ]
    return {
        "fields": {
            name: getattr(article, name)
            for name in (
                "headline",
                "dek",
                "dateline",
                "section_id",
                "status",
                "published_at",
                "substantive_update_at",
                "source",
                "source_version",
                "version",
                "lead_caption",
                "lead_alt",
                "noindex",
            )
        },
        "body": re.sub(r'data-photo="\d+"', 'data-photo=""', article.body),
        "first_published": article.first_published_at is not None,
        "bylines": [(b.author_id, b.position, b.role) for b in article.bylines.all()],
        "tags": sorted(article.tags.values_list("pk", flat=True)),
        "corrections": list(article.corrections.values_list("noted_at", "text")),
        "redirects": sorted(
            p.rsplit("/", 1)[1] for p in article.redirects.values_list("old_path", flat=True)
        ),
        "audit": list(
            article.audit_entries.values_list(
                "action", "from_status", "to_status", "comment", "actor"
            )
        ),
        "photos": [
            (
                p.caption,
                p.credit_line,
                p.alt_text,
                p.title,
                p.copyright_notice,
                p.source_url,
                p.source,
                list(
                    p.credits.values_list(
                        "position", "creator", "organisation", "licence", "licence_url", "platform"
                    )
                ),
            )
            for p in photos
        ],
    }


def test_a_new_article_written_in_bulk_is_the_same_as_one_written_alone():
    when = timezone.make_aware(datetime(2025, 6, 1, 12))
    parsed = ParsedArticle(
        headline="Ferry returns",
        source="wire",
        external_id="alone",
        dek="After a winter.",
        body='<p>First.</p><figure data-photo-ref="0"></figure><p onclick="x()">Second.</p>'
        '<figure data-photo-ref="1"></figure><script>bad()</script>',
        published_at=when,
        updated_at=when,
        dateline="PORTSMOUTH",
        authors=[
            ParsedAuthor(name="Ana Ruiz"),
            ParsedAuthor(name="Li Wei", role="additional_reporting"),
        ],
        section="Local",
        tags=["Ferries", "Harbour", "Ferries"],
        lead_photo=ParsedPhoto(
            caption="The ferry.",
            credit_line="Lena Fischer / Harbour Photo",
            alt_text="A ferry",
            copyright_notice="© Harbour Photo",
            source_url="https://photos.example/1",
        ),
        photos=[
            ParsedPhoto(caption="Crew.", credit_line="Ade Bello, Coast Daily / Ruth Kim"),
            ParsedPhoto(caption="Pier.", credit_line="CC BY 2.0, Flickr", external_id="pier-photo"),
        ],
        status=Status.PUBLISHED,
        version=3,
        old_paths=["/alone/1", "/alone/2"],
        corrections=[(when, "An earlier version misnamed the pier.")],
    )
    alone = save_parsed(parsed).article
    twin = replace(
        parsed,
        external_id="bulk",
        slug="ferry-returns-bulk",
        old_paths=["/bulk/1", "/bulk/2"],
        photos=[parsed.photos[0], replace(parsed.photos[1], external_id="other-pier-photo")],
    )
    [(_, outcome)] = write_all(Batch(), [twin])
    assert outcome.action == "created"
    assert snapshot(outcome.article) == snapshot(alone)
    assert "<script>" not in outcome.article.body and "onclick" not in outcome.article.body


# Keys met twice, statuses ---------------------------------------------------------------------


def test_the_same_file_name_twice_in_one_batch_updates_the_first(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    (first / "ferry.txt").write_text(story(1), encoding="utf-8")
    (second / "ferry.txt").write_text(story(2), encoding="utf-8")
    out, err, failed = run_import(first, second)
    assert failed is None, err
    assert "1 created, 1 updated" in out
    article = Article.objects.get()
    assert article.headline == "Harbour story 2" and "Paragraph 2" in article.body
    assert Photo.objects.count() == 2


def test_every_article_of_a_batch_is_published_through_the_workflow(tmp_path):
    out, err, failed = run_import(folder_of(tmp_path, "in", range(5)), status="published")
    assert failed is None, err
    assert set(Article.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    for article in Article.objects.all():
        assert list(article.audit_entries.values_list("action", flat=True)) == [
            "submit",
            "publish",
        ]
        assert timezone.localtime(article.published_at).date().isoformat() == "2026-03-02"
    assert AuditEntry.objects.count() == 10


def test_a_dry_run_in_batches_writes_nothing(tmp_path):
    out, _err, failed = run_import(
        folder_of(tmp_path, "in", range(5)), dry_run=True, status="published", batch_size=2
    )
    assert failed is None and "Dry run, nothing written: 5 created" in out
    assert Article.objects.count() == Photo.objects.count() == Author.objects.count() == 0
    assert AuditEntry.objects.count() == 0
