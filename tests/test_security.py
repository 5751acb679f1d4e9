"""Hostile input and hostile requests: stored XSS, leaks, open redirects, mass assignment.

Related checks live beside the code they guard: tests/test_no_leaks.py (every public
listing, feed and sitemap), tests/test_admin_workflow.py (writers forging status, dates
and transitions), tests/test_uploads.py (files that are not the images they claim to be),
tests/test_production.py (headers, CSP, nosniff on media, login lockout).
"""

import re
from urllib.parse import urlsplit
from xml.etree.ElementTree import fromstring as parse_xml  # our own output, not outside XML

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article, ArticleRedirect, Correction, Section, Status
from tests.factories import (
    form_data,
    make_article,
    make_author,
    make_photo,
    make_section,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db

# Two classic payloads: one breaks out of an attribute or text, one out of a <script>.
BREAKOUT = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
SCRIPT_CLOSE = "</script><script>alert(2)</script>"
# What must never reach a page unescaped.
RAW = ("<script>alert(", "<img src=x onerror", "</script><script>")


def assert_no_raw_payload(text, where):
    for fragment in RAW:
        assert fragment not in text, f"unescaped {fragment!r} in {where}"


@pytest.fixture
def hostile():
    """A published article whose every rendered field carries a payload."""
    section = make_section(name=f"Sec {BREAKOUT}", description=f"About {SCRIPT_CLOSE}")
    tag = make_tag(name=f"Tag {SCRIPT_CLOSE}")
    author = make_author(
        name=f"Ann {BREAKOUT}", title=f"Writer {SCRIPT_CLOSE}", bio=f"Bio {BREAKOUT} {SCRIPT_CLOSE}"
    )
    lead = make_photo(
        caption=f"Lead {BREAKOUT}",
        credit_line=f"Jo {SCRIPT_CLOSE} / AP",
        alt_text=f"Alt {BREAKOUT}",
        title=f"Title {SCRIPT_CLOSE}",
    )
    inline = make_photo(
        caption=f"Inline {SCRIPT_CLOSE}",
        credit_line=f"Al {BREAKOUT} / AFP",
        alt_text=f"Inline alt {SCRIPT_CLOSE}",
    )
    article = make_article(
        headline=f"Zebrafish {BREAKOUT}",
        dek=f"Dek {SCRIPT_CLOSE} {BREAKOUT}",
        dateline=f"Town {BREAKOUT}"[:50],
        seo_title=f"Seo {SCRIPT_CLOSE}",
        seo_description=f"Desc {BREAKOUT}",
        section=section,
        tags=[tag],
        authors=[author],
        lead_photo=lead,
        body=f'<p>Zebrafish body.</p><figure data-photo="{inline.pk}"></figure>',
    )
    Correction.objects.create(article=article, text=f"Fixed {BREAKOUT}")
    # A second story using the per-article overrides of the lead photo's text.
    overridden = make_article(
        headline="Zebrafish overrides",
        section=section,
        lead_photo=lead,
        lead_caption=f"Override {SCRIPT_CLOSE}",
        lead_alt=f"Override alt {BREAKOUT}",
    )
    return {
        "article": article,
        "overridden": overridden,
        "section": section,
        "tag": tag,
        "author": author,
        "photos": [lead, inline],
    }


def public_urls(world):
    article, section, author, tag = (world[k] for k in ("article", "section", "author", "tag"))
    return [
        article.get_absolute_url(),
        world["overridden"].get_absolute_url(),
        "/",
        f"/section/{section.slug}/",
        f"/author/{author.slug}/",
        f"/tag/{tag.slug}/",
        "/search/?q=zebrafish",
        f"/search/?q={BREAKOUT}",
        f"/search/?q={SCRIPT_CLOSE}",
    ]


def feed_urls(world):
    section, author = world["section"], world["author"]
    return [f"/feeds/{kind}/" for kind in ("rss", "atom")] + [
        f"/{owner}/{obj.slug}/{kind}/"
        for owner, obj in (("section", section), ("author", author))
        for kind in ("rss", "atom")
    ]


def test_payloads_are_escaped_on_every_public_page(client, hostile):
    for url in public_urls(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_raw_payload(response.content.decode(), url)


def test_payloads_are_escaped_in_title_meta_tags_and_json_ld(client, hostile):
    html = client.get(hostile["article"].get_absolute_url()).content.decode()
    head = html.split("</head>")[0]
    assert "Zebrafish" in head or "Seo" in head
    title = re.search(r"<title>(.*?)</title>", head, re.S).group(1)
    assert_no_raw_payload(title, "<title>")
    for tag in re.findall(r"<meta\b[^>]*>", head):
        # An attribute value must not be closed early: no raw quote-then-bracket.
        assert '"><' not in tag, tag
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert blocks, "the article page has JSON-LD"
    for block in blocks:
        assert "<" not in block, "JSON-LD must not contain a raw '<'"


def test_feed_html_fields_carry_no_live_markup(client, hostile):
    """Feed readers render RSS descriptions and Atom summaries as HTML."""
    for url in feed_urls(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert_no_raw_payload(body, url)
        root = parse_xml(response.content)
        # Item descriptions (RSS) and html-typed summaries (Atom) are HTML by the specs;
        # channel descriptions and titles are plain text.
        items = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("item", "entry")]
        assert items, url
        for item in items:
            for element in item.iter():
                name = element.tag.rsplit("}", 1)[-1]
                html_field = name in ("description", "encoded") or (
                    name in ("summary", "content") and element.get("type") == "html"
                )
                if html_field and element.text:
                    assert_no_raw_payload(element.text, f"{url} <{name}>")


def test_sitemaps_escape_payloads(client, hostile):
    index = client.get("/sitemap.xml")
    locations = [loc.text for loc in parse_xml(index.content).iter() if loc.tag.endswith("loc")]
    assert locations
    for location in [*locations, "http://testserver/sitemap-news.xml"]:
        path = urlsplit(location).path
        response = client.get(path)
        assert response.status_code == 200, path
        parse_xml(response.content)  # well-formed: nothing broke out of an element
        assert_no_raw_payload(response.content.decode(), path)


ADMIN_PAGES = [
    "admin:articles_article_changelist",
    "admin:photos_photo_changelist",
    "admin:articles_author_changelist",
    "admin:articles_section_changelist",
    "admin:articles_tag_changelist",
]


def test_payloads_are_escaped_in_admin_lists_and_forms(client, hostile):
    client.force_login(make_user(is_superuser=True))
    urls = [reverse(name) for name in ADMIN_PAGES] + [
        reverse("admin:articles_article_change", args=[hostile["article"].pk]),
        reverse("admin:photos_photo_change", args=[hostile["photos"][0].pk]),
        reverse("admin:articles_author_change", args=[hostile["author"].pk]),
        reverse("admin:articles_article_changelist") + "?q=zebrafish",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_raw_payload(response.content.decode(), url)


def test_payload_in_a_saved_name_is_escaped_in_the_admin_message(client):
    client.force_login(make_user(is_superuser=True))
    add = reverse("admin:articles_section_add")
    data = form_data(client.get(add), name=f"New {BREAKOUT}", slug="new-section")
    response = client.post(add, data, follow=True)
    assert response.status_code == 200
    assert Section.objects.filter(slug="new-section").exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("New" in m for m in messages) or "New" in response.content.decode()
    assert_no_raw_payload(response.content.decode(), "admin message page")


def test_payload_headlines_are_escaped_in_bulk_action_messages(editor_client):
    ready = make_article(status=Status.REVIEW, headline=f"Ready {BREAKOUT}")
    draft = make_article(status=Status.DRAFT, headline=f"Draft {SCRIPT_CLOSE}")
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_raw_payload(html, "bulk action messages")
    # Both outcomes were reported with their headlines, escaped.
    shown = html.split('class="messagelist"')[1].split("</ul>")[0]
    assert "Ready &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "Draft &lt;/script&gt;&lt;script&gt;alert(2)" in shown


# --- leaks not covered by tests/test_no_leaks.py --------------------------------------


@pytest.fixture
def hidden():
    return [
        make_article(headline="Secretdraft story", status=Status.DRAFT),
        make_article(headline="Secretreview story", status=Status.REVIEW),
        make_article(headline="Secretarchived story", status=Status.ARCHIVED),
    ]


def test_hidden_stories_are_not_in_robots_healthz_or_error_pages(client, hidden):
    make_article(headline="Public story")
    pages = [client.get("/robots.txt"), client.get("/healthz")]
    pages += [client.get(a.get_absolute_url()) for a in hidden]
    for response in pages:
        text = response.content.decode()
        for article in hidden:
            assert article.headline not in text and article.slug not in text


def test_old_address_of_a_hidden_story_does_not_redirect_to_it(client, hidden):
    draft = hidden[0]
    ArticleRedirect.objects.create(article=draft, old_path="/news/2020/01/01/old-address/")
    response = client.get("/news/2020/01/01/old-address/")
    assert response.status_code == 404
    assert draft.slug not in response.get("Location", "")


def test_search_finds_nothing_hidden_by_body_or_dek(client):
    make_article(headline="Public story", body="<p>Quokkaword public.</p>")
    secret = make_article(
        headline="Secret story",
        dek="Quokkaword dek",
        body="<p>Quokkaword secret.</p>",
        status=Status.DRAFT,
    )
    text = client.get("/search/?q=quokkaword").content.decode()
    assert "Public story" in text
    assert secret.headline not in text and secret.slug not in text


# --- open redirects -------------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    " https://evil.example/",
    "javascript:alert(1)",
]


def is_local(location):
    parts = urlsplit(location)
    return (
        not parts.scheme
        and not parts.netloc
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
    )


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_admin_login_never_redirects_off_site(client, target, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("ed")
    response = client.post(
        reverse("admin:login") + "?next=" + target,
        {"username": "ed", "password": "a-long-test-password", "next": target},
    )
    assert response.status_code == 302
    assert is_local(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_admin_logout_never_redirects_off_site(client, target):
    client.force_login(make_user("ed"))
    response = client.post(reverse("admin:logout") + "?next=" + target, {"next": target})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert is_local(response["Location"]), response["Location"]


def test_already_logged_in_admin_login_ignores_off_site_next(client):
    client.force_login(make_user("ed"))
    response = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert response.status_code == 302
    assert is_local(response["Location"]), response["Location"]


# --- mass assignment (beyond tests/test_admin_workflow.py) ----------------------------


def test_writer_cannot_make_themselves_superuser_or_edit_users(client, writer):
    client.force_login(writer)
    url = reverse("admin:auth_user_change", args=[writer.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "username": "wanda",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [],
            "user_permissions": [],
        },
    )
    assert response.status_code == 403
    writer.refresh_from_db()
    assert not writer.is_superuser
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_writer_cannot_edit_another_writers_draft_by_its_id(client, writer):
    other = make_user("olga", role="Writer")
    theirs = make_article(status=Status.DRAFT, created_by=other, authors=[make_author(user=other)])
    before = Article.objects.values().get(pk=theirs.pk)
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[theirs.pk])
    response = client.post(url, {"headline": "Hijacked", "slug": theirs.slug})
    assert response.status_code in (302, 403, 404)
    assert Article.objects.values().get(pk=theirs.pk) == before


def test_writer_forged_owner_and_hidden_fields_are_ignored(client, writer):
    other = make_user("olga", role="Writer")
    client.force_login(writer)
    add = reverse("admin:articles_article_add")
    page = client.get(add)
    assert page.status_code == 200
    form = page.context["adminform"].form
    forged = {
        "created_by": other.pk,
        "status": Status.PUBLISHED,
        "source_fingerprint": "f" * 64,
        "locked_by": other.pk,
    }
    data = form_data(page, headline="Writer's story", slug="writers-story", **forged)
    if "section" in form.fields:
        data["section"] = make_section().pk
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="writers-story")
    assert article.created_by == writer
    assert article.status == Status.DRAFT
    assert article.source_fingerprint != "f" * 64


def test_non_staff_user_cannot_reach_the_admin(client):
    user = User.objects.create_user("reader", password="a-long-test-password")
    client.force_login(user)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- uploads already on disk ----------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
        (
            "vector.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
    ],
)
def test_hostile_files_in_media_are_served_inert(client, media_root, name, content, kind):
    """Uploads are checked on the way in (tests/test_uploads.py); should a file ever get
    past that (an old import, a manual copy), the browser still may not run it."""
    (media_root / name).write_bytes(content)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src


# --- forged bulk actions ------------------------------------------------------------------


def test_a_forbidden_id_beside_a_permitted_one_refuses_the_whole_bulk_action(client, writer):
    from articles.models import AuditEntry

    mine = make_article(status=Status.DRAFT, created_by=writer, authors=[writer.author_profile])
    theirs = make_article(status=Status.DRAFT, created_by=make_user(role="Writer"))
    before = list(Article.objects.order_by("pk").values())
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_selected", "_selected_action": [mine.pk, theirs.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert list(Article.objects.order_by("pk").values()) == before
    assert not AuditEntry.objects.exists()
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Nothing was done")
    # The same request with only the permitted id goes through.
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_selected", "_selected_action": [mine.pk]},
    )
    assert Article.objects.get(pk=mine.pk).status == Status.REVIEW


def test_an_editor_bulk_action_naming_a_missing_id_changes_nothing(client, editor):
    ready = make_article(status=Status.REVIEW)
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, ready.pk + 1000, "x"]},
    )
    assert Article.objects.get(pk=ready.pk).status == Status.REVIEW


# --- login redirect -----------------------------------------------------------------------


def test_login_with_an_unsafe_next_lands_on_the_admin(client):
    make_user("ed")
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": "ed", "password": "a-long-test-password", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
