"""The API reads each article's ninjs document where its page's rendered parts are stored
(``articles.rendering``): with nothing in any cache, a detail or a page of a list costs
the site state's two queries and one for the rows with their documents, whatever the
stories show; a story with no document stored yet is rendered by its first reader."""

from datetime import UTC, timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiKey
from api.ninjs import article_uri
from articles.models import Correction, RenderedArticle, Status
from photos import renditions
from tests.factories import make_article, make_author, make_photo, make_section, make_tag

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles"


def _photo(**fields):
    photo = make_photo(**fields)
    renditions.ensure_renditions(photo, ["w320-jpeg", "w640-webp"])
    return photo


def rich_article(section=None, **fields):
    """Three authors, a lead photo and two in the body, three tags."""
    inline, other = _photo(caption="Inline one."), _photo(credit_line="Inline Two / Wire")
    body = (
        f'<p>First.</p><figure data-photo="{inline.pk}"></figure>'
        f'<h2>A subhead</h2><figure data-photo="{other.pk}"><figcaption>Two.</figcaption>'
        "</figure><p>Last.</p>"
    )
    return make_article(
        section=section or make_section(),
        authors=[make_author() for _ in range(3)],
        tags=[make_tag() for _ in range(3)],
        lead_photo=_photo(caption="The lead."),
        body=body,
        **fields,
    )


def test_an_uncached_detail_is_three_queries_whatever_the_story_shows(
    client, committed, django_assert_max_num_queries
):
    article = committed(rich_article)
    cache.clear()
    with django_assert_max_num_queries(3):
        response = client.get(f"/api/v1/articles/{article.pk}")
    assert response.status_code == 200
    doc = response.json()
    assert [p["name"] for p in doc["people"]] == [
        b.author.name for b in article.bylines.order_by("position")
    ]
    assert [a["name"] for a in doc["associations"]] == ["lead", "inline-1", "inline-2"]
    assert all(a["renditions"] for a in doc["associations"])
    assert doc["associations"][2]["by"] == "Inline Two / Wire"
    assert {s["literal"] for s in doc["subjects"] if s["rel"] == "tag"} == {
        t.slug for t in article.tags.all()
    }
    keys = set(response["xkey"].split())
    assert {f"author-{b.author_id}" for b in article.bylines.all()} <= keys
    assert f"photo-{article.lead_photo_id}" in keys


def test_an_uncached_list_page_is_three_queries(client, committed, django_assert_max_num_queries):
    section = make_section()
    stories = committed(lambda: [rich_article(section=section) for _ in range(5)])
    for path in (LIST, f"{LIST}?section={section.slug}", f"{LIST}?updated_since=2000-01-01T00:00Z"):
        cache.clear()
        with django_assert_max_num_queries(3):
            response = client.get(path)
        assert len(response.json()["items"]) == 5, path
    cache.clear()
    with django_assert_max_num_queries(3):
        page = client.get(LIST, {"limit": 2}).json()
    cache.clear()
    with django_assert_max_num_queries(3):
        rest = client.get(LIST, {"limit": 2, "cursor": page["next_cursor"]}).json()
    uris = [doc["uri"] for doc in page["items"] + rest["items"]]
    assert len(set(uris)) == 4 and all(doc["people"] for doc in rest["items"])
    assert len(stories) == 5


def test_stories_with_no_document_stored_are_rendered_by_their_first_reader(
    client, committed, django_assert_max_num_queries
):
    never, before = committed(lambda: (rich_article(), rich_article()))
    stored = RenderedArticle.objects.get(article=before).ninjs
    # A story published before the parts were stored, and a row from before the API
    # document was (migration 0017).
    RenderedArticle.objects.filter(article=never).delete()
    RenderedArticle.objects.filter(article=before).update(ninjs=None)
    items = client.get(LIST).json()["items"]
    assert {doc["uri"] for doc in items} == {article_uri(never.pk), article_uri(before.pk)}
    assert RenderedArticle.objects.get(article=before).ninjs == stored
    assert RenderedArticle.objects.get(article=never).ninjs["headlines"][0]["value"] == (
        never.headline
    )
    cache.clear()
    with django_assert_max_num_queries(3):
        assert client.get(LIST).json()["items"] == items


def test_a_change_to_a_photo_a_story_shows_reaches_its_stored_document(client, committed):
    article = committed(rich_article)
    photo = article.lead_photo
    photo.credit_line = "Recredited / Agency"
    committed(photo.save)
    cache.clear()
    doc = client.get(f"/api/v1/articles/{article.pk}").json()
    assert doc["associations"][0]["by"] == "Recredited / Agency"


def test_the_embargo_is_added_on_read_for_the_keys_that_see_it(
    client, committed, django_assert_max_num_queries
):
    due = timezone.now() + timedelta(hours=3)
    scheduled = committed(rich_article, published_at=due)
    # Stored once, for everyone: without the embargo, which depends on who asks and when.
    assert "embargoed" not in RenderedArticle.objects.get(article=scheduled).ninjs
    key = ApiKey(name="Agency", allow_embargoed=True)
    secret = key.new_secret()
    key.save()
    cache.clear()
    with django_assert_max_num_queries(3):  # the key, the row; no site state (private)
        doc = client.get(f"/api/v1/articles/{scheduled.pk}", HTTP_X_API_KEY=secret).json()
    assert doc["embargoed"].startswith(due.astimezone(UTC).isoformat()[:19])
    assert "embargoed" not in RenderedArticle.objects.get(article=scheduled).ninjs


def _story_to_render(section):
    """A story with two authors (each with a photo), a lead photo, one in the body, two
    tags and a correction, as the first reader of the API finds it: with no document."""
    inline = _photo(caption="Inline.")
    story = make_article(
        section=section,
        authors=[make_author(photo=_photo()) for _ in range(2)],
        tags=[make_tag() for _ in range(2)],
        lead_photo=_photo(caption="The lead."),
        body=f'<p>First.</p><figure data-photo="{inline.pk}"></figure><p>Last.</p>',
    )
    Correction.objects.create(article=story, text="An earlier version misspelt a name.")
    return story


def _cold_list(client, committed, section, count):
    """The queries of a list page of ``count`` stories none of which has a document."""
    stories = committed(lambda: [_story_to_render(section) for _ in range(count)])
    # Half published before the parts were stored, half stored before the API document
    # was (migration 0017).
    RenderedArticle.objects.filter(article__in=stories[::2]).delete()
    RenderedArticle.objects.filter(article__in=stories[1::2]).update(ninjs=None)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        items = client.get(LIST, {"section": section.slug, "limit": count}).json()["items"]
    assert {doc["uri"] for doc in items} == {article_uri(s.pk) for s in stories}
    assert all(len(doc["people"]) == 2 and len(doc["associations"]) == 2 for doc in items)
    assert RenderedArticle.objects.filter(article__in=stories, ninjs__isnull=False).count() == (
        count
    )
    return len(queries)


def test_a_cold_list_renders_its_missing_documents_in_the_same_queries_for_5_or_20(
    client, committed, django_assert_max_num_queries
):
    five = _cold_list(client, committed, make_section(), 5)
    twenty = _cold_list(client, committed, make_section(), 20)
    # The site state (two), the rows; then their full rows, bylines with authors and their
    # photos, those photos' renditions, tags, corrections, the stories' photos with their
    # renditions, the photos' credits; and one write for all the rows: 11, not 11 a story.
    assert five == twenty <= 11
    section = make_section()
    stories = [_story_to_render(section) for _ in range(20)]
    RenderedArticle.objects.filter(article__in=stories).delete()
    cache.clear()
    with django_assert_max_num_queries(11):
        items = client.get(LIST, {"section": section.slug}).json()["items"]
    assert len(items) == 20


def test_render_articles_fills_every_missing_document(committed):
    section = make_section()
    stories = committed(lambda: [_story_to_render(section) for _ in range(7)])
    scheduled = committed(make_article, published_at=timezone.now() + timedelta(days=1))
    draft = committed(make_article, status=Status.DRAFT)
    expected = {
        row.article_id: row.ninjs
        for row in RenderedArticle.objects.filter(article__in=[*stories, scheduled])
    }
    RenderedArticle.objects.filter(article__in=stories[:3]).delete()
    RenderedArticle.objects.filter(article__in=[*stories[3:5], scheduled]).update(ninjs=None)
    untouched = RenderedArticle.objects.get(article=stories[6]).rendered_at
    out = StringIO()
    call_command("render_articles", batch_size=2, stdout=out)
    rows = {row.article_id: row for row in RenderedArticle.objects.all()}
    assert {pk: rows[pk].ninjs for pk in expected} == expected
    assert all(rows[s.pk].html and rows[s.pk].keys for s in stories)
    assert draft.pk not in rows
    # Only what lacked a row or a document is rendered, in batches, saying how far it got.
    assert rows[stories[6].pk].rendered_at == untouched
    assert "Rendered 6 of 6" in out.getvalue()
    assert out.getvalue().count("Rendered") == 3
    out = StringIO()
    call_command("render_articles", stdout=out)
    assert "Nothing to render" in out.getvalue()
