"""The page cache's site state: kept in the cache, replaced by every write readers could see."""

import re
import time
from datetime import timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import caching, rendering, workflow
from articles.models import Article, Author, Correction, Section, Status, Tag
from photos import renditions
from photos.models import Photo
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_section,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db


def fresh(client, url, n=[0]):  # noqa: B006 - a counter, so every URL is new to the page cache
    n[0] += 1
    return client.get(f"{url}?fresh={n[0]}").content.decode()


def without_nonce(html):
    return re.sub(r'nonce="[^"]*"', "", html)


def test_a_served_page_reads_the_state_once_then_only_from_the_cache(
    client, django_assert_num_queries
):
    article = make_article()
    urls = ["/", article.section.get_absolute_url(), article.get_absolute_url()]
    for url in urls:  # each page is made once; the state is read here, twice
        client.get(url)
    with django_assert_num_queries(0):
        for url in urls:
            assert client.get(url).status_code == 200


def test_a_page_the_cache_misses_renders_around_the_cached_article(
    client, django_assert_num_queries
):
    photo = make_photo()
    renditions.ensure_renditions(photo)
    article = make_article(lead_photo=photo, tags=[make_tag()])
    first = fresh(client, article.get_absolute_url())
    # The article row with its stored parts (is it still public, at this address?), and
    # the related stories.
    with django_assert_num_queries(2):
        again = fresh(client, article.get_absolute_url())
    assert without_nonce(again) == without_nonce(first)


def _edit(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


# Each write, and what the page shows after it (None: the tag's link is gone).
WRITES = {
    "save": (lambda a, p, t: _edit(a, headline="New headline"), "New headline"),
    "queryset update": (
        lambda a, p, t: Article.objects.filter(pk=a.pk).update(dek="A new standfirst"),
        "A new standfirst",
    ),
    "correction": (
        lambda a, p, t: Correction.objects.create(article=a, text="A name was misspelt."),
        "A name was misspelt.",
    ),
    "photo credit": (
        lambda a, p, t: _edit(p, credit_line="New Credit / Agency"),
        "New Credit / Agency",
    ),
    "section name": (lambda a, p, t: _edit(a.section, name="Renamed desk"), "Renamed desk"),
    "tag removed": (lambda a, p, t: a.tags.remove(t), None),
    # Queryset writes send no post_save: each model's must still reach the page.
    "photo queryset update": (
        lambda a, p, t: Photo.objects.filter(pk=p.pk).update(credit_line="Bulk Credit / Wire"),
        "Bulk Credit / Wire",
    ),
    "section queryset update": (
        lambda a, p, t: Section.objects.filter(pk=a.section_id).update(name="Bulk desk"),
        "Bulk desk",
    ),
    "author queryset update": (
        lambda a, p, t: Author.objects.filter(bylines__article=a).update(name="Bulk Byline"),
        "Bulk Byline",
    ),
    "tag queryset update": (
        lambda a, p, t: Tag.objects.filter(pk=t.pk).update(name="Bulk Topic"),
        "Bulk Topic",
    ),
    "correction queryset update": (
        lambda a, p, t: (
            Correction.objects.create(article=a, text="First wording."),
            Correction.objects.filter(article=a).update(text="Second wording."),
        ),
        "Second wording.",
    ),
    "author bulk_update": (
        lambda a, p, t: Author.objects.bulk_update(
            [
                setattr(x, "name", "Bulk Updated") or x
                for x in Author.objects.filter(bylines__article=a)
            ],
            ["name"],
        ),
        "Bulk Updated",
    ),
}


@pytest.mark.parametrize("change", WRITES)
def test_every_kind_of_write_reaches_the_next_page_at_once(client, change):
    photo = make_photo(credit_line="Old Credit / Agency")
    tag = make_tag(name="Elections")
    article = make_article(headline="Old headline", lead_photo=photo, tags=[tag])
    url = article.get_absolute_url()
    before = fresh(client, url)
    assert client.get(url).content.decode() == client.get(url).content.decode()
    write, expected = WRITES[change]
    write(article, photo, tag)
    for page in (client.get(url).content.decode(), fresh(client, url)):
        assert page != before
        if expected:
            assert expected in page
        else:
            assert 'href="/tag/elections/"' not in page


def test_a_scheduled_story_appears_when_due_although_nothing_was_written(client):
    make_article()
    due = timezone.now() + timedelta(seconds=30)
    make_article(headline="Due soon", published_at=due)
    client.get("/")
    state = caching.site_state(timezone.now())
    assert state["next_due"] == due
    # Once the clock has passed it, the state is read afresh.
    later = caching.site_state(due + timedelta(seconds=1))
    assert later["next_due"] is None


def written_by_another_process(article, headline):
    """A save another worker made: the row changes and that worker renders its stored parts
    anew, but no signal reaches this process."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET headline = %s, updated_at = %s WHERE id = %s",
            [headline, timezone.now(), article.pk],
        )
    rendering.refresh([article.pk])


def test_another_workers_save_shows_within_seconds_with_a_per_process_cache(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    article = make_article(headline="Before")
    url = article.get_absolute_url()
    assert "Before" in client.get(url).content.decode()
    client.get(url)  # the state is read, and trusted for a moment
    written_by_another_process(article, "After")
    time.sleep(caching.LOCAL_STATE_SECONDS + 0.2)
    # This process cannot hear the write; it reads the state again, sees it moved, and
    # readers get the saved headline.
    assert "After" in client.get(url).content.decode()


class InProcessCache(LocMemCache):
    """A per-process cache by another name (a subclass adding metrics, say)."""


def test_a_per_process_cache_is_known_by_its_class_not_its_name(client, settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.InProcessCache"}}
    article = make_article(headline="Before")
    url = article.get_absolute_url()
    assert "Before" in client.get(url).content.decode()
    written_by_another_process(article, "After")
    time.sleep(caching.LOCAL_STATE_SECONDS + 0.2)
    assert "After" in client.get(url).content.decode()


def test_a_shared_cache_is_trusted_for_a_page_lifetime(
    client, settings, tmp_path, django_assert_num_queries
):
    # Files on disk are shared by every worker, like Redis: each write reaches them all.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    url = make_article().get_absolute_url()
    client.get(url)
    time.sleep(caching.LOCAL_STATE_SECONDS + 0.2)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_the_cached_header_marks_the_current_section_and_keeps_no_search_query(client):
    article = make_article()
    section_url = article.section.get_absolute_url()
    client.get("/")
    on_section = client.get(section_url).content.decode()
    assert f'<a href="{section_url}" aria-current="page">' in on_section
    on_article = fresh(client, article.get_absolute_url())
    assert "aria-current" not in on_article
    found = client.get("/search/?q=%3Cb%3Ecouncil").content.decode()
    assert 'value="&lt;b&gt;council"' in found
    assert "council" not in client.get("/search/?q=").content.decode().split("<main")[0]


def test_a_write_drops_the_pages_showing_what_it_touched_and_keeps_the_others(
    client, django_assert_num_queries
):
    corrected, other = make_article(), make_article()
    pages = {a.pk: a.get_absolute_url() for a in (corrected, other)}
    for url in pages.values():
        client.get(url)
        client.get(url)  # the state is read once
    Correction.objects.create(article=corrected, text="A date was wrong.")
    with django_assert_num_queries(0):
        assert client.get(pages[other.pk]).status_code == 200
    assert "A date was wrong." in client.get(pages[corrected.pk]).content.decode()


def test_the_default_cache_keeps_a_page_among_the_pieces_of_many_others(
    client, django_assert_num_queries
):
    from django.core.cache import cache

    url = make_article().get_absolute_url()
    client.get(url)
    client.get(url)  # the state is read once
    # Cards and article parts of a few hundred other pages, as a busy site keeps them.
    cache.set_many({f"piece-of-another-page:{n}": "<article>…</article>" for n in range(2_000)})
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_an_address_with_parameters_no_view_reads_is_served_but_not_kept(
    client, django_assert_num_queries
):
    article = make_article()
    section_url = article.section.get_absolute_url()
    client.get(section_url)
    # Tracking tags: the page is made again from its pieces each time, never stored.
    for _ in range(2):
        # The section, the front's pins and the page of ids.
        with django_assert_num_queries(3):
            assert client.get(section_url + "?utm_source=feed").status_code == 200
    # The page number is read by the view: that page is kept.
    client.get(section_url + "?page=1")
    with django_assert_num_queries(0):
        assert client.get(section_url + "?page=1").status_code == 200


def _remade(client, urls):
    """The pages of ``urls`` that the cache no longer holds: made again, reading the database."""
    remade = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        if len(queries):
            remade.append(url)
    return remade


def test_a_publication_drops_a_bounded_number_of_pages_whatever_the_archive(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    # Shared by every worker, as Redis is in production: each write drops what it touched.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    section, author, tag = make_section(), make_author(), make_tag()
    editor = make_user(role="Editor")
    lists = [
        "/",
        section.get_absolute_url(),
        "/feeds/rss/",
        "/feeds/atom/",
        "/sitemap.xml",
    ]
    dropped = []
    for size in (6, 18):
        with django_capture_on_commit_callbacks(execute=True):
            while Article.objects.count() < size:
                make_article(section=make_section(), authors=[make_author()], tags=[make_tag()])
            make_article(section=section, authors=[author], tags=[tag])
            story = make_article(
                status=Status.REVIEW, section=section, authors=[author], tags=[tag]
            )
        urls = lists + [author.get_absolute_url(), tag.get_absolute_url()]
        urls += [a.get_absolute_url() for a in Article.objects.published()]
        for url in urls:
            client.get(url)
        assert _remade(client, urls) == []  # all kept
        with django_capture_on_commit_callbacks(execute=True):
            workflow.transition(story, "publish", by=editor)
        dropped.append(sorted(_remade(client, urls)))
    # The lists the story joins, nothing of the archive: the same few pages at any size.
    assert dropped[0] == dropped[1]
    assert set(dropped[0]) == {*lists, author.get_absolute_url(), tag.get_absolute_url()}
