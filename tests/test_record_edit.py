"""workflow.record_edit: the audit rows for what an edit changes of the dates readers see."""

from datetime import UTC, datetime

import pytest

from articles import workflow
from articles.models import Article, AuditEntry, Status
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

OLD_DATE = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
NEW_DATE = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def audit_rows(article):
    return list(
        AuditEntry.objects.filter(article=article)
        .order_by("at", "pk")
        .values_list("action", "actor", "from_status", "to_status", "comment")
    )


def test_a_moved_publication_date_is_recorded_with_both_dates():
    editor = make_user(role="Editor")
    article = make_article(published_at=OLD_DATE)
    article.published_at = NEW_DATE

    workflow.record_edit(article, by=editor, previous={"published_at": OLD_DATE})

    assert audit_rows(article) == [
        (
            "date_change",
            editor.pk,
            Status.PUBLISHED,
            Status.PUBLISHED,
            "Publication date 2026-01-01 08:00 → 2026-01-05 08:00",
        )
    ]
    assert article.substantive_update_at is None


def test_a_substantive_update_stamps_the_updated_date_and_is_recorded():
    editor = make_user(role="Editor")
    article = make_article()
    article.body = "<p>New facts.</p>"

    workflow.record_edit(
        article, by=editor, previous={"body": "<p>Body text.</p>"}, substantive=True
    )
    article.save()

    assert audit_rows(article) == [
        ("substantive_update", editor.pk, Status.PUBLISHED, Status.PUBLISHED, "")
    ]
    stored = Article.objects.get(pk=article.pk)
    assert stored.substantive_update_at is not None
    assert stored.substantive_update_at == article.substantive_update_at


def test_both_in_one_edit_give_two_rows_date_first():
    editor = make_user(role="Editor")
    article = make_article(published_at=OLD_DATE)
    article.published_at = NEW_DATE

    workflow.record_edit(article, by=editor, previous={"published_at": OLD_DATE}, substantive=True)

    assert [row[0] for row in audit_rows(article)] == ["date_change", "substantive_update"]


def test_an_edit_changing_neither_date_writes_nothing():
    editor = make_user(role="Editor")
    article = make_article(headline="Typo fxed")
    article.headline = "Typo fixed"

    entries = workflow.record_edit(article, by=editor, previous={"headline": "Typo fxed"})
    article.save()

    assert entries == []
    assert audit_rows(article) == []
    assert Article.objects.get(pk=article.pk).substantive_update_at is None


@pytest.mark.parametrize(
    ("role", "status"),
    [("Writer", Status.PUBLISHED), ("Editor", Status.DRAFT), ("Editor", Status.REVIEW)],
)
def test_only_an_editor_on_a_published_article_changes_these_dates(role, status):
    article = make_article(status=status, published_at=OLD_DATE)
    article.published_at = NEW_DATE

    entries = workflow.record_edit(
        article,
        by=make_user(role=role),
        previous={"published_at": OLD_DATE},
        substantive=True,
    )

    assert entries == []
    assert audit_rows(article) == []
    assert article.substantive_update_at is None
