"""The content API: published articles only, filters, cursor paging, incremental sync,
HTTP caching and CORS, JSON errors, and API keys (revoked, rate-limited, embargo)."""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from api.models import ApiKey
from articles.models import Article, Status
from photos.models import Credit
from tests.factories import make_article, make_author, make_photo, make_section, make_tag

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles"


def make_key(**fields):
    key = ApiKey(name=fields.pop("name", "Partner"), **fields)
    secret = key.new_secret()
    key.save()
    return key, secret


def headlines(response):
    return [item["headlines"][0]["value"] for item in response.json()["items"]]


def at(minutes_ago):
    return timezone.now() - timedelta(minutes=minutes_ago)


# What the articles say -----------------------------------------------------------------


def test_article_detail_is_the_story_in_ninjs(client):
    section, tag = make_section(name="Harbour"), make_tag(name="Ferries")
    author = make_author(name="Mireille Océane")
    photo = make_photo(credit_line="Lena Fischer / Harbour Authority", caption="The pier.")
    Credit.objects.create(photo=photo, creator="Lena Fischer", organisation="Harbour Authority")
    article = make_article(
        headline="Night ferry approved",
        dek="The council votes for a crossing after midnight.",
        dateline="PORTSMOUTH",
        section=section,
        tags=[tag],
        authors=[author],
        lead_photo=photo,
        subject_codes="medtop:20000763\nmedtop:04000000",
    )
    response = client.get(f"/api/v1/articles/{article.pk}")
    assert response.status_code == 200
    doc = response.json()
    assert doc["uri"].endswith(f"/api/v1/articles/{article.pk}")
    assert doc["type"] == "text" and doc["pubstatus"] == "usable"
    assert doc["headlines"] == [{"role": "main", "value": "Night ferry approved"}]
    assert doc["descriptions"][0]["value"] == "The council votes for a crossing after midnight."
    assert doc["by"] == "Mireille Océane"
    assert doc["people"][0]["name"] == "Mireille Océane" and doc["people"][0]["rel"] == "author"
    assert doc["located"] == "PORTSMOUTH"
    subjects = {(s["rel"], s["literal"]) for s in doc["subjects"]}
    assert ("section", section.slug) in subjects and ("tag", tag.slug) in subjects
    assert ("subject-code", "medtop:20000763") in subjects
    lead = doc["associations"][0]
    assert lead["name"] == "lead" and lead["type"] == "picture"
    assert lead["by"] == "Lena Fischer / Harbour Authority"
    assert lead["copyrightholder"] == "Harbour Authority"
    assert lead["descriptions"][0]["value"] == "The pier."
    assert "embargoed" not in doc


def test_unknown_and_unpublished_articles_answer_json_404(client):
    draft = make_article(status=Status.DRAFT)
    for url in (f"/api/v1/articles/{draft.pk}", "/api/v1/articles/999999", "/api/v1/nothing"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert "detail" in response.json()


def test_articles_list_newest_first_with_filters(client):
    harbour, council = make_section(), make_section()
    author, tag = make_author(), make_tag()
    make_article(headline="Old harbour", section=harbour, published_at=at(300))
    make_article(headline="New harbour", section=harbour, authors=[author], published_at=at(10))
    make_article(headline="Council", section=council, tags=[tag], published_at=at(20))
    assert headlines(client.get(LIST)) == ["New harbour", "Council", "Old harbour"]
    assert headlines(client.get(LIST, {"section": harbour.slug})) == ["New harbour", "Old harbour"]
    assert headlines(client.get(LIST, {"author": author.slug})) == ["New harbour"]
    assert headlines(client.get(LIST, {"tag": tag.slug})) == ["Council"]
    since = at(60).isoformat()
    assert headlines(client.get(LIST, {"since": since})) == ["New harbour", "Council"]


def test_cursor_pages_stay_stable_while_stories_are_published(client):
    for n in range(5):
        make_article(headline=f"Story {n}", published_at=at(100 - n))
    first = client.get(LIST, {"limit": 2}).json()
    assert [i["headlines"][0]["value"] for i in first["items"]] == ["Story 4", "Story 3"]
    make_article(headline="Breaking", published_at=at(0))
    second = client.get(LIST, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["headlines"][0]["value"] for i in second["items"]] == ["Story 2", "Story 1"]
    # ``next`` is the same page as an address to follow.
    following = urlsplit(first["next"])
    assert headlines(client.get(f"{following.path}?{following.query}")) == ["Story 2", "Story 1"]
    last = client.get(LIST, {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [i["headlines"][0]["value"] for i in last["items"]] == ["Story 0"]
    assert "next_cursor" not in last


def test_updated_since_returns_exactly_the_changed_stories(client):
    stories = [make_article(headline=f"Story {n}", published_at=at(100)) for n in range(4)]
    synced = timezone.now()
    changed = [stories[2], stories[0]]
    for article in changed:
        Article.objects.filter(pk=article.pk).update(
            headline=article.headline + " (updated)", updated_at=timezone.now()
        )
    draft = make_article(status=Status.DRAFT)  # changed too, but not published
    response = client.get(LIST, {"updated_since": synced.isoformat(), "limit": 1})
    seen = headlines(response)
    while "next_cursor" in response.json():
        cursor = response.json()["next_cursor"]
        response = client.get(LIST, {"updated_since": synced.isoformat(), "cursor": cursor})
        seen += headlines(response)
    assert seen == ["Story 2 (updated)", "Story 0 (updated)"]
    assert draft.headline not in seen


def test_sections_authors_and_tags_lists_show_only_what_readers_can_see(client):
    shown_section, hidden_section = make_section(), make_section()
    shown_author, hidden_author = make_author(), make_author()
    shown_tag, hidden_tag = make_tag(), make_tag()
    make_article(section=shown_section, authors=[shown_author], tags=[shown_tag])
    make_article(
        section=hidden_section, authors=[hidden_author], tags=[hidden_tag], status=Status.DRAFT
    )
    for url, shown, hidden in (
        ("/api/v1/sections", shown_section, hidden_section),
        ("/api/v1/authors", shown_author, hidden_author),
        ("/api/v1/tags", shown_tag, hidden_tag),
    ):
        slugs = [item["slug"] for item in client.get(url).json()["items"]]
        assert shown.slug in slugs and hidden.slug not in slugs, url


def test_a_story_published_after_the_list_was_kept_is_listed_at_once(
    client, django_capture_on_commit_callbacks
):
    make_article(headline="First", published_at=at(30))
    assert headlines(client.get(LIST)) == ["First"]
    with django_capture_on_commit_callbacks(execute=True):
        make_article(headline="Second", published_at=at(1))
    assert headlines(client.get(LIST)) == ["Second", "First"]


def test_an_edit_shows_in_the_article_at_once(client, django_capture_on_commit_callbacks):
    article = make_article(headline="Ferry delayed")
    url = f"/api/v1/articles/{article.pk}"
    assert client.get(url).json()["headlines"][0]["value"] == "Ferry delayed"
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Ferry cancelled"
        article.save()
    assert client.get(url).json()["headlines"][0]["value"] == "Ferry cancelled"


# HTTP -----------------------------------------------------------------------------------


def test_api_answers_conditional_requests_with_304(client):
    article = make_article()
    url = f"/api/v1/articles/{article.pk}"
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    list_etag = client.get(LIST)["ETag"]
    assert client.get(LIST, HTTP_IF_NONE_MATCH=list_etag).status_code == 304


def test_api_carries_surrogate_keys_and_cache_control_like_the_pages(client, settings):
    settings.EDGE_CACHE_URL = "http://127.0.0.1:6081"
    author, tag = make_author(), make_tag()
    article = make_article(authors=[author], tags=[tag])
    response = client.get(f"/api/v1/articles/{article.pk}")
    keys = response["xkey"].split()
    assert {f"article-{article.pk}", f"author-{author.pk}", f"tag-{tag.pk}"} <= set(keys)
    assert f"section-{article.section_id}" in keys
    control = response["Cache-Control"]
    assert "public" in control and "max-age=" in control and "s-maxage=" in control
    listing = client.get(LIST)
    assert "feed" in listing["xkey"].split()
    assert f"article-{article.pk}" in listing["xkey"].split()


def test_public_reads_allow_any_origin(client):
    make_article()
    response = client.get(LIST, HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(LIST, HTTP_ORIGIN="https://partner.example")
    assert preflight.status_code == 204
    assert "X-Api-Key" in preflight["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"since": "yesterday"}, "since"),
        ({"updated_since": "2026-01-01T10:00:00"}, "updated_since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, params, parameter):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert parameter in response.json()["detail"]


def test_any_time_zone_offset_is_read_and_a_time_off_the_calendar_refused(client):
    # PostgreSQL refuses offsets of 16 hours and more; ISO 8601 allows them.
    make_article(headline="Pier reopens", published_at=at(60))
    since = "2000-01-01T00:00:00+22:49"
    assert headlines(client.get(LIST, {"since": since})) == ["Pier reopens"]
    assert headlines(client.get(LIST, {"updated_since": since})) == ["Pier reopens"]
    response = client.get(LIST, {"since": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 400 and response.json()["parameter"] == "since"


def test_a_cursor_of_the_other_order_is_refused(client):
    for n in range(3):
        make_article(published_at=at(10 + n))
    cursor = client.get(LIST, {"limit": 1}).json()["next_cursor"]
    since = at(1000).isoformat()
    response = client.get(LIST, {"updated_since": since, "cursor": cursor})
    assert response.status_code == 400 and response.json()["parameter"] == "cursor"


# Keys -----------------------------------------------------------------------------------


def test_anonymous_reads_can_be_turned_off(client, settings):
    make_article()
    settings.API_ALLOW_ANONYMOUS = False
    assert client.get(LIST).status_code == 401
    _key, secret = make_key()
    assert client.get(LIST, HTTP_X_API_KEY=secret).status_code == 200


def test_revoked_and_unknown_keys_are_refused(client):
    make_article()
    key, secret = make_key()
    assert client.get(LIST, HTTP_X_API_KEY=secret).status_code == 200
    key.revoke()
    assert client.get(LIST, HTTP_X_API_KEY=secret).status_code == 401
    assert client.get(LIST, HTTP_X_API_KEY="made-up").status_code == 401


def test_a_key_is_kept_only_as_a_digest(client):
    key, secret = make_key()
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret not in (stored.digest, stored.prefix, stored.name)
    assert ApiKey.objects.matching(secret) == key


def test_a_key_over_its_rate_is_answered_429(client):
    make_article()
    _key, secret = make_key(requests_per_minute=3)
    cache.clear()
    answers = [client.get(LIST, HTTP_X_API_KEY=secret).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get(LIST, HTTP_X_API_KEY=secret)
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["parameter"] == "X-Api-Key"
    # Another key has its own count.
    _other, other_secret = make_key(requests_per_minute=3)
    assert client.get(LIST, HTTP_X_API_KEY=other_secret).status_code == 200


def test_embargoed_stories_only_with_a_key_that_has_it(client):
    make_article(headline="Out now")
    due = timezone.now() + timedelta(hours=3)
    scheduled = make_article(headline="Budget leak", published_at=due)
    _plain, plain_secret = make_key()
    _agency, agency_secret = make_key(allow_embargoed=True)
    assert "Budget leak" not in headlines(client.get(LIST))
    assert "Budget leak" not in headlines(client.get(LIST, HTTP_X_API_KEY=plain_secret))
    detail = f"/api/v1/articles/{scheduled.pk}"
    assert client.get(detail, HTTP_X_API_KEY=plain_secret).status_code == 404
    response = client.get(LIST, HTTP_X_API_KEY=agency_secret)
    assert "Budget leak" in headlines(response)
    assert "private" in response["Cache-Control"]
    doc = client.get(detail, HTTP_X_API_KEY=agency_secret).json()
    assert doc["embargoed"].startswith(due.astimezone(UTC).isoformat()[:19])
    # A public story carries no embargo, whoever asks.
    out_now = client.get(LIST, HTTP_X_API_KEY=agency_secret).json()["items"]
    assert all("embargoed" not in item for item in out_now if item["slugline"] != scheduled.slug)


def test_editors_make_keys_in_the_admin_and_see_the_secret_once(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/api/apikey/add/",
        {"name": "Harbour Gazette", "requests_per_minute": 60},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="Harbour Gazette")
    page = response.content.decode()
    secret = page.split('data-secret="')[1].split('"')[0]
    assert ApiKey.objects.matching(secret) == key
    # The key's own page never shows it again.
    assert secret not in client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()


def test_writers_cannot_make_keys(client, writer):
    client.force_login(writer)
    assert client.get("/admin/api/apikey/add/").status_code == 403
