from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from articles.models import Correction
from photos.models import Credit
from tests.factories import make_article, make_author, make_photo, make_section, make_tag

pytestmark = pytest.mark.django_db


def test_home_shows_lead_story_then_sections(client):
    news, sport = make_section(name="News", order=1), make_section(name="Sport", order=2)
    older = make_article(
        headline="Council votes", section=news, published_at=timezone.now() - timedelta(hours=5)
    )
    lead = make_article(headline="Harbour reopens", section=sport, lead_photo=make_photo())
    html = client.get("/").content.decode()
    assert 'class="lead-story__headline"' in html
    top = html.index("lead-story__headline")
    assert html.index(lead.headline) > top - 10 and html.index(lead.headline) < html.index("Latest")
    assert f'id="section-{news.slug}"' in html
    assert older.headline in html


def test_home_is_paginated(client):
    section = make_section()
    for n in range(15):
        make_article(
            section=section,
            headline=f"Story {n:02d}",
            authors=[],
            published_at=timezone.now() - timedelta(minutes=n + 1),
        )
    first = client.get("/")
    second = client.get("/?page=2")
    assert "Page 1 of 2" in first.content.decode()
    assert "Story 14" in second.content.decode()
    assert "Story 00" not in second.content.decode()


def test_section_page_lists_its_stories_only(client):
    mine, other = make_section(), make_section()
    a = make_article(section=mine)
    b = make_article(section=other)
    html = client.get(mine.get_absolute_url()).content.decode()
    assert a.headline in html and b.headline not in html


def test_author_page_shows_bio_photo_and_articles(client):
    author = make_author(name="Ana Ruiz", bio="Covers city hall.", photo=make_photo())
    article = make_article(authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    assert "Ana Ruiz" in html and "Covers city hall." in html
    assert 'class="profile__photo"' in html
    assert article.headline in html


def test_tag_page_lists_tagged_stories(client):
    tag = make_tag(name="Elections")
    tagged = make_article(tags=[tag])
    untagged = make_article()
    response = client.get(tag.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert tagged.headline in html and untagged.headline not in html


def test_unknown_section_author_and_tag_answer_404(client):
    for url in ("/section/nope/", "/author/nope/", "/tag/nope/"):
        assert client.get(url).status_code == 404


def test_article_page_shows_byline_dates_figure_tags_and_corrections(client):
    photo = make_photo(caption="The harbour at dawn.", credit_line="Jo Doe / Ledger")
    first, second = make_author(name="Ana Ruiz"), make_author(name="Ben Cho")
    article = make_article(
        authors=[first, second],
        tags=[make_tag(name="Port")],
        lead_photo=photo,
        dek="What changed.",
        substantive_update_at=timezone.now(),
    )
    Correction.objects.create(article=article, text="An earlier version misspelt a name.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "By <a" in html and "Ana Ruiz</a> and <a" in html and "Ben Cho</a>" in html
    assert "Published" in html and "Updated" in html
    assert "The harbour at dawn." in html and "Credit: Jo Doe / Ledger" in html
    assert ">Port</a>" in html
    assert "An earlier version misspelt a name." in html


def test_article_body_embeds_are_expanded_with_credit(client):
    inline = make_photo(caption="Inline caption.", credit_line="Inline Credit")
    Credit.objects.create(photo=inline, creator="Inline Credit")
    article = make_article(body=f'<p>Before.</p><figure data-photo="{inline.pk}"></figure>')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Inline caption." in html and "Credit: Inline Credit" in html


def test_related_links_show_other_public_stories(client):
    section = make_section()
    article = make_article(section=section)
    sibling = make_article(section=section, headline="Sibling story")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "More stories" in html and sibling.headline in html


def test_error_pages_render_with_notices(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_page_links_keep_the_search_query(client):
    section = make_section()
    for n in range(25):
        make_article(section=section, headline=f"Harbour story {n}", authors=[])
    html = client.get("/search/?q=harbour").content.decode()
    assert "?q=harbour&amp;page=2" in html


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'href="/"' in html


def test_gone_page_names_the_take_down_without_the_story(client):
    from articles.models import Status

    article = make_article(status=Status.ARCHIVED, headline="Withdrawn claim")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 410
    assert "This story has been removed" in html and "taken down" in html
    assert "Withdrawn claim" not in html
    assert '<meta name="robots" content="noindex">' in html


# What a reader expects of an article page beyond the story itself.


def test_article_page_names_the_outlet_for_social_cards(client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_NAME": "The Harbour Post"}
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert '<meta property="og:site_name" content="The Harbour Post">' in html


def test_publication_time_shows_its_zone_and_a_substantive_update(client, settings):
    settings.TIME_ZONE = "Europe/Oslo"
    published = timezone.now().replace(year=2026, month=1, day=15, hour=11, minute=5)
    article = make_article(
        published_at=published, substantive_update_at=published + timedelta(hours=3)
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "January 15, 2026, 12:05 CET" in html
    assert "Updated <time" in html and "January 15, 2026, 15:05 CET" in html


def test_a_correction_is_announced_next_to_the_date_and_linked(client):
    article = make_article()
    correction = Correction.objects.create(article=article, text="A name was misspelt.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="#correction-{correction.pk}">Corrected' in html
    assert f'id="correction-{correction.pk}"' in html


def test_the_author_box_shows_each_bylines_photo_bio_and_page(client):
    ana = make_author(name="Ana Ruiz", bio="Covers the port.", title="Harbour reporter")
    ana.photo = make_photo(alt_text="")
    ana.save()
    ben = make_author(name="Ben Cho", bio="")
    article = make_article(authors=[ana, ben])
    html = client.get(article.get_absolute_url()).content.decode()
    box = html[html.index('class="author-box"') :]
    assert "Covers the port." in box and "Harbour reporter" in box
    assert f'href="{ana.get_absolute_url()}"' in box and f'href="{ben.get_absolute_url()}"' in box
    assert box.index("Ana Ruiz") < box.index("Ben Cho")
    assert "<img" in box[: box.index("Ben Cho")]


def test_the_author_box_costs_the_same_queries_for_one_or_many_bylines(
    django_assert_num_queries,
):
    from django.template.loader import render_to_string

    from articles.models import Article

    def authors(n):
        made = []
        for _ in range(n):
            author = make_author(bio="Writes.")
            author.photo = make_photo()
            author.save()
            made.append(author)
        return made

    def box_queries(article):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        fresh = Article.objects.get(pk=article.pk)
        with CaptureQueriesContext(connection) as captured:
            fresh.load_for_page()
            render_to_string("includes/author_box.html", {"article": fresh})
        return len(captured)

    one, three = make_article(authors=authors(1)), make_article(authors=authors(3))
    # Bylines with their authors and photos, the photos' renditions, tags, corrections.
    assert box_queries(one) == box_queries(three) == 4


def test_share_links_need_no_script_from_the_networks(client):
    article = make_article(headline="Ferries & trams")
    html = client.get(article.get_absolute_url()).content.decode()
    share = html[html.index('class="share"') : html.index("</nav>", html.index('class="share"'))]
    for start in (
        "mailto:?subject=Ferries%20%26%20trams",
        "https://x.com/intent/post?url=http",
        "https://www.facebook.com/sharer/sharer.php?u=http",
        "https://wa.me/?text=Ferries",
        "https://www.linkedin.com/sharing/share-offsite/?url=http",
    ):
        assert start in share, start
    assert "data-share-url=" in share and " hidden>" in share
    scripts = [s for s in html.split("<script")[1:] if "src=" in s.split(">")[0]]
    assert all('src="/static/' in s.split(">")[0] for s in scripts)


def test_a_pending_photo_without_its_file_stands_as_a_placeholder_with_its_credit(client):
    pending = make_photo(with_file=False, caption="Awaiting the file.", credit_line="Ledger")
    article = make_article(
        lead_photo=pending, body=f'<p>Text.</p><figure data-photo="{pending.pk}"></figure>'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    figures = html.split("<figure")[1:]
    assert len(figures) == 2
    for figure in figures:
        # The caption never floats alone: a placeholder stands where the image will be.
        assert "figure--pending" in figure.split(">")[0]
        assert figure.index('class="figure__placeholder"') < figure.index("<figcaption")
        assert "Credit: Ledger" in figure and "<img" not in figure


def test_the_lead_photo_is_framed_on_its_focal_point(client):
    photo = make_photo()  # 64×48
    photo.focal_x, photo.focal_y, photo.focal_width, photo.focal_height = 40, 4, 8, 8
    photo.save()
    html = client.get(make_article(lead_photo=photo).get_absolute_url()).content.decode()
    assert 'class="figure figure--lead fx-7 fy-2"' in html


def test_home_section_blocks_say_how_many_stories_they_hold(client):
    lead_section, small = make_section(), make_section(name="Culture")
    make_article(section=lead_section)
    make_article(section=small, published_at=timezone.now() - timedelta(hours=2))
    make_article(section=lead_section, published_at=timezone.now() - timedelta(hours=3))
    html = client.get("/").content.decode()
    assert 'class="cards cards--n1"' in html


def test_favicon_icons_and_manifest_are_served_and_linked(client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_NAME": "The Harbour Post"}
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.ico") and finders.find("img/favicon.ico")
    manifest = client.get("/site.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["name"] == "The Harbour Post" and data["theme_color"] == "#a4161a"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL))
    html = client.get("/").content.decode()
    assert 'rel="manifest" href="/site.webmanifest"' in html
    assert 'rel="apple-touch-icon"' in html and 'rel="icon"' in html


def test_section_page_shows_its_description(client):
    section = make_section(description="Ships, ports and the people who work them.")
    make_article(section=section)
    html = client.get(section.get_absolute_url()).content.decode()
    assert "Ships, ports and the people who work them." in html
