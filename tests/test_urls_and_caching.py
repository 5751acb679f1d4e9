from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import caching, workflow
from articles.models import ArticleRedirect, Status
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_section,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_changed_slug_answers_301_to_the_new_url(client):
    article = make_article(slug="old-slug")
    old = article.get_absolute_url()
    article.slug = "new-slug"
    article.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_changed_section_and_date_answer_301_after_a_fresh_load(client):
    article = make_article()
    first = article.get_absolute_url()
    loaded = type(article).objects.get(pk=article.pk)
    loaded.section = make_section()
    loaded.save()
    second = loaded.get_absolute_url()
    again = type(article).objects.get(pk=article.pk)
    again.published_at = again.published_at - timedelta(days=3)
    again.save()
    for old in (first, second):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == again.get_absolute_url()
    assert client.get(again.get_absolute_url()).status_code == 200


def test_moving_back_to_an_old_url_leaves_no_loop(client):
    article = make_article(slug="first")
    article.slug = "second"
    article.save()
    article.slug = "first"
    article.save()
    assert not ArticleRedirect.objects.filter(old_path=article.get_absolute_url()).exists()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_draft_moves_record_no_redirect():
    article = make_article(status=Status.DRAFT)
    article.slug = "renamed-draft"
    article.save()
    assert not ArticleRedirect.objects.exists()


def test_draft_and_scheduled_answer_404(client):
    draft = make_article(status=Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_article_page_answers_conditional_requests_with_304(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    assert first["ETag"] and first["Last-Modified"]
    by_etag = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304
    by_date = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304


def test_anonymous_pages_are_publicly_cacheable_for_a_short_time(client):
    article = make_article()
    for url in ("/", article.get_absolute_url(), article.section.get_absolute_url()):
        response = client.get(url)
        assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


def test_editing_an_article_changes_its_etag_and_cached_page(client):
    article = make_article(headline="Before the edit")
    first = client.get(article.get_absolute_url())
    article.headline = "After the edit"
    article.save()
    second = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "After the edit" in second.content.decode()
    assert client.get("/").content.decode().count("After the edit") >= 1


def test_cached_home_shows_a_scheduled_story_once_it_is_due(client):
    section = make_section()
    make_article(section=section)
    scheduled = make_article(
        section=section,
        headline="Scheduled story",
        published_at=timezone.now() + timedelta(seconds=30),
    )
    response = client.get("/")
    assert "Scheduled story" not in response.content.decode()
    # The lifetime is capped at the story's time...
    assert "max-age=30" in response["Cache-Control"] or "max-age=29" in response["Cache-Control"]
    # ...and once the time has come (moved here instead of sleeping) the page shows it.
    type(scheduled).objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - timedelta(seconds=1), updated_at=scheduled.updated_at
    )
    assert "Scheduled story" in client.get("/").content.decode()


def test_taking_down_invalidates_cached_pages(client):
    article = make_article(headline="Soon removed")
    assert "Soon removed" in client.get("/").content.decode()
    workflow.move_to(article, Status.ARCHIVED, comment="Legal")
    assert "Soon removed" not in client.get("/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 410


def test_logged_in_staff_responses_are_never_cached_publicly(client):
    article = make_article()
    client.force_login(make_user())
    for url in ("/", article.get_absolute_url()):
        response = client.get(url)
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]


def test_staff_never_get_a_page_cached_for_anonymous_readers(client):
    make_article(headline="Shown to all")
    client.get("/")  # fills the anonymous cache
    client.force_login(make_user())
    response = client.get("/")
    assert "private" in response["Cache-Control"]


def _pages(article, author, tag):
    return [
        "/",
        article.section.get_absolute_url(),
        author.get_absolute_url(),
        tag.get_absolute_url(),
        "/search/?q=headline",
        article.get_absolute_url(),
    ]


def _grow(section, author, tag, count, with_photos):
    for _ in range(count):
        make_article(
            section=section,
            authors=[author, make_author()],
            tags=[tag, make_tag()],
            lead_photo=make_photo() if with_photos else None,
            body="<p>More body</p>",
        )
    # Other sections make the front page's per-section blocks grow too.
    for _ in range(count // 2):
        make_article(section=make_section(), authors=[author], tags=[tag])


def test_query_counts_are_fixed_whatever_the_amount_of_data(client, django_assert_num_queries):
    from django.core.cache import cache

    section, author, tag = make_section(), make_author(), make_tag()
    article = make_article(
        section=section, authors=[author, make_author()], tags=[tag], lead_photo=make_photo()
    )
    _grow(section, author, tag, 2, with_photos=True)
    counts = {}
    for url in _pages(article, author, tag):
        client.get(url)  # renditions are made once, on the first view
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
        cache.clear()
    print("query counts:", counts)
    _grow(section, author, tag, 12, with_photos=True)
    for url, expected in counts.items():
        client.get(url)
        cache.clear()
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200
        cache.clear()
    # The home page reads the editors' pins too; an article page its row with its stored
    # parts, the related stories and the menu.
    assert counts["/"] <= 15 and counts[article.get_absolute_url()] <= 3


def test_preview_is_private_and_not_indexed(client):
    draft = make_article(status=Status.DRAFT, headline="Draft in preview")
    client.force_login(make_user(role="Editor"))
    response = client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 200
    assert "Draft in preview" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_preview_is_not_shown_to_anonymous_readers(client):
    draft = make_article(status=Status.DRAFT, headline="Hidden draft")
    response = client.get(f"/preview/{draft.pk}/")
    assert "Hidden draft" not in response.content.decode()
    assert response.status_code in (302, 404)


def test_sitemap_keeps_its_robots_header_when_served_from_cache(client):
    make_article()
    first = client.get("/sitemap-articles.xml")
    second = client.get("/sitemap-articles.xml")
    assert first["X-Robots-Tag"] == second["X-Robots-Tag"] == "noindex, noodp, noarchive"


@pytest.mark.postgres
def test_the_site_state_is_read_by_index_without_sorting_the_archive():
    """Every page whose state is not cached reads it: that must not grow with the archive."""
    make_article()
    make_article(published_at=timezone.now() + timedelta(hours=1))
    cache.delete(caching.STATE_KEY)  # written by the last save: read as a reader would
    with CaptureQueriesContext(connection) as reads:
        caching.site_state(timezone.now())
    assert len(reads) == 2
    with connection.cursor() as cursor:
        # On a tiny table the planner prefers a scan, or any index and a sort, as costs
        # tie: rule both out, so a Sort left in the plan means no index gives the order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        for read in reads:
            cursor.execute("EXPLAIN " + read["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan and "Sort" not in plan, (read["sql"], plan)


def test_a_cached_page_reads_nothing_from_the_database(client, django_assert_num_queries):
    article = make_article(lead_photo=make_photo(), tags=[make_tag()])
    for url in ("/", article.get_absolute_url(), "/feeds/rss/", "/sitemap-articles.xml"):
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.content == first.content and again["ETag"] == first["ETag"]


def test_a_kept_page_answers_with_the_headers_and_bytes_it_was_made_with(client):
    article = make_article(tags=[make_tag()])
    for url in ("/", article.get_absolute_url(), "/feeds/rss/"):
        made = client.get(url)
        kept = client.get(url)
        assert kept.content == made.content
        for header in (
            "Content-Type",
            "Cache-Control",
            "Vary",
            "ETag",
            "xkey",
            "Content-Security-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Referrer-Policy",
        ):
            assert kept.get(header) == made.get(header), (url, header)
