"""Preview share links: a draft or a story in review shown to someone without an account,
until the link expires or is revoked; never cached, never indexed, each opening recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import AuditEntry, Status
from sharing.models import ShareLink
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(writer):
    return make_article(
        headline="Mayor's quote to check",
        body="<p>“We will open the pier,” said the mayor.</p>",
        status=Status.DRAFT,
        created_by=writer,
    )


def share(article, by, **fields):
    return ShareLink.objects.create(article=article, created_by=by, **fields)


def test_a_valid_link_shows_the_current_text_with_the_banner(client, draft, editor):
    link = share(draft, editor)
    draft.body = "<p>“We will open the pier in May,” said the mayor.</p>"
    draft.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mayor&#x27;s quote to check" in page or "Mayor's quote to check" in page
    assert "open the pier in May" in page
    assert "Preview shared by Ed Editor — not published; shows the current text" in page
    assert "/admin/" not in page


def test_the_preview_shows_no_publication_time_nor_share_buttons(client, draft, editor):
    # Not published: no "Published" time (it has none) and nothing for readers to pass on,
    # while the article itself is drawn as on its public page.
    page = client.get(share(draft, editor).get_absolute_url()).content.decode()
    assert '<article class="article">' in page and "We will open the pier" in page
    assert "article__dates" not in page and "Published" not in page
    assert "article:published_time" not in page
    assert 'class="share"' not in page and "facebook.com/sharer" not in page
    assert "Share this story" not in page


def test_a_public_page_keeps_its_publication_time_and_share_buttons(client):
    page = client.get(make_article(headline="Out now").get_absolute_url()).content.decode()
    assert 'class="article__dates">Published <time' in page
    assert "article:published_time" in page
    assert 'class="share"' in page and "facebook.com/sharer" in page


def test_the_link_is_never_cached_nor_indexed(client, draft, editor):
    response = client.get(share(draft, editor).get_absolute_url())
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "xkey" not in response


def test_opening_is_recorded_on_the_link_and_in_the_audit_trail(client, draft, editor):
    link = share(draft, editor)
    client.get(link.get_absolute_url())
    client.get(link.get_absolute_url())
    link.refresh_from_db()
    assert link.times_opened == 2 and link.last_opened_at is not None
    opened = AuditEntry.objects.filter(article=draft, action="share_link_opened")
    assert opened.count() == 2
    assert "Ed Editor" in opened.first().comment


def test_an_expired_link_answers_410(client, draft, editor):
    link = share(draft, editor, expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert response.content.decode() == "This preview link has expired."
    assert draft.headline not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_a_revoked_link_answers_410(client, draft, editor):
    link = share(draft, editor)
    link.revoke(by=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_a_tampered_link_shows_nothing(client, draft, editor):
    url = share(draft, editor).get_absolute_url()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    key, signature = token.split(":", 1)
    for forged in (f"{key[:-1]}x:{signature}", f"{key}:{signature[:-1]}x", key):
        response = client.get(f"/share/{forged}/")
        assert response.status_code == 404
        assert draft.headline not in response.content.decode()
    assert not AuditEntry.objects.filter(action="share_link_opened").exists()


def test_a_link_to_a_story_published_since_leads_to_the_story(client, draft, editor):
    link = share(draft, editor)
    draft.status = Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert response["Cache-Control"] == "private, no-store"


def test_a_link_to_a_story_scheduled_since_answers_410(client, draft, editor):
    link = share(draft, editor)
    draft.status = Status.PUBLISHED
    draft.published_at = timezone.now() + timedelta(hours=2)
    draft.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert draft.headline not in response.content.decode()


def test_a_link_to_a_story_taken_down_since_answers_410(client, draft, editor):
    link = share(draft, editor)
    draft.status = Status.ARCHIVED
    draft.published_at = timezone.now() - timedelta(days=1)
    draft.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert draft.headline not in response.content.decode()


def test_a_link_defaults_to_48_hours(draft, editor):
    link = share(draft, editor)
    left = link.expires_at - timezone.now()
    assert timedelta(hours=47, minutes=59) < left <= timedelta(hours=48)


# The admin ------------------------------------------------------------------------------


def test_an_editor_makes_a_link_from_the_article_page(client, draft, editor):
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert "Share links" in page and f"/admin/sharing/sharelink/add/?article={draft.pk}" in page
    expires = (timezone.localtime() + timedelta(hours=5)).replace(second=0, microsecond=0)
    response = client.post(
        f"/admin/sharing/sharelink/add/?article={draft.pk}",
        {
            "article": draft.pk,
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = ShareLink.objects.get()
    assert link.created_by == editor and link.expires_at == expires
    assert AuditEntry.objects.filter(article=draft, action="share_link_made").exists()
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert link.address in page and "Ed Editor" in page and "never" in page


def test_a_writer_shares_their_own_story_but_not_others(client, draft, writer):
    client.force_login(writer)
    other = make_article(status=Status.REVIEW, authors=[make_author()])
    data = {"expires_at_0": "2099-01-01", "expires_at_1": "10:00:00"}
    assert (
        client.post("/admin/sharing/sharelink/add/", {"article": draft.pk, **data}).status_code
        == 302
    )
    response = client.post("/admin/sharing/sharelink/add/", {"article": other.pk, **data})
    assert response.status_code == 403
    assert ShareLink.objects.filter(article=other).count() == 0


def test_a_published_story_cannot_be_shared(client, editor):
    client.force_login(editor)
    live = make_article()
    data = {"article": live.pk, "expires_at_0": "2099-01-01", "expires_at_1": "10:00:00"}
    response = client.post("/admin/sharing/sharelink/add/", data)
    assert response.status_code == 200
    assert "Only a draft or a story in review can be shared." in response.content.decode()
    assert not ShareLink.objects.exists()


def test_an_editor_revokes_a_link_from_the_article_page(client, draft, editor):
    link = share(draft, editor)
    client.force_login(editor)
    response = client.post(f"/admin/sharing/sharelink/{link.pk}/revoke/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == editor
    assert client.get(link.get_absolute_url()).status_code == 410
    assert AuditEntry.objects.filter(article=draft, action="share_link_revoked").exists()


def test_share_link_steps_read_in_plain_words_in_the_articles_history(client, draft, editor):
    client.force_login(editor)
    data = {"article": draft.pk, "expires_at_0": "2099-01-01", "expires_at_1": "10:00:00"}
    assert client.post("/admin/sharing/sharelink/add/", data).status_code == 302
    link = ShareLink.objects.get()
    client.get(link.get_absolute_url())  # opened by whoever has the address
    assert client.post(f"/admin/sharing/sharelink/{link.pk}/revoke/").status_code == 302
    steps = [e.get_action_display() for e in AuditEntry.objects.filter(article=draft)]
    assert steps == ["Preview link shared", "Preview link opened", "Preview link withdrawn"]
    history = client.get(f"/admin/articles/article/{draft.pk}/history/").content.decode()
    for step in steps:
        assert f"<td>{step}</td>" in history


# In a browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_shares_a_draft_and_a_stranger_reads_it(browser, live_server):
    from pathlib import Path

    from tests.factories import make_roles, make_user

    make_roles()
    make_user("ed", role="Editor", first_name="Ed", last_name="Editor")
    draft = make_article(headline="Harbour deal, draft for the lawyer", status=Status.DRAFT)
    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/{draft.pk}/change/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit], button[type=submit]")
    page.get_by_role("link", name="Make a share link").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**/admin/articles/article/{draft.pk}/change/")
    link = ShareLink.objects.get()
    section = page.locator("#share-links")
    assert section.locator("input[readonly]").input_value() == link.address
    section.scroll_into_view_if_needed()
    section.screenshot(path=artifacts / "share-links-on-article.png")
    page.screenshot(path=artifacts / "share-links-article-page.png", full_page=True)
    stranger = browser.new_context(viewport={"width": 1280, "height": 900})
    reader = stranger.new_page()
    reader.goto(f"{live_server.url}{link.get_absolute_url()}")
    banner = reader.locator(".preview-banner")
    assert banner.inner_text() == (
        "Preview shared by Ed Editor — not published; shows the current text."
    )
    assert reader.locator("h1").first.inner_text() == draft.headline
    reader.screenshot(path=artifacts / "share-link-page.png")
    desk.close()
    stranger.close()
