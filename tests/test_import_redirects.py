"""Which old addresses an import keeps answering: those readers could have seen, and every
address the source's own site gave the article. Nothing else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.importers.parsed import ParsedArticle, ParsedAuthor
from articles.importers.writer import save_parsed
from articles.models import Article, ArticleRedirect, Status
from tests.conftest import run_import

pytestmark = pytest.mark.django_db


def write_story(folder, date):
    folder.mkdir(exist_ok=True)
    path = folder / "harbour-plan.txt"
    path.write_text(
        f"Harbour plan approved\nWritten on {date}\nAna Ruiz\n\nThe council voted late.\n",
        encoding="utf-8",
    )
    return path


def wxr(*, link, guid, name="new-name", post_id=12, status="publish", category="world"):
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <link>https://gazette.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://gazette.example</wp:base_site_url>
  <item>
    <title>Ferry returns</title>
    <link>{link}</link>
    <dc:creator>rita</dc:creator>
    <guid isPermaLink="false">{guid}</guid>
    <content:encoded><![CDATA[<p>After a winter.</p>]]></content:encoded>
    <category domain="category" nicename="{category}"><![CDATA[{category.title()}]]></category>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date_gmt>2019-04-02 10:00:00</wp:post_date_gmt>
    <wp:post_name>{name}</wp:post_name>
    <wp:status>{status}</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
</channel>
</rss>
"""


def import_wxr(tmp_path, **fields):
    path = tmp_path / "export.xml"
    path.write_text(wxr(**fields), encoding="utf-8")
    out, err, failed = run_import(path)
    assert failed is None, err
    return Article.objects.get(source="wordpress")


# The article's own addresses ------------------------------------------------------------------


def test_a_draft_re_imported_with_a_new_date_leaves_no_redirect(client, tmp_path):
    write_story(tmp_path / "in", "03/02/2026")
    run_import(tmp_path / "in")
    draft = Article.objects.get()
    old_url = draft.get_absolute_url()
    assert draft.status == Status.DRAFT

    write_story(tmp_path / "in", "03/09/2026")
    out, err, failed = run_import(tmp_path / "in")
    assert failed is None and "1 updated" in out, err
    draft.refresh_from_db()
    assert draft.get_absolute_url() != old_url
    assert not ArticleRedirect.objects.exists()
    assert client.get(old_url).status_code == 404


def test_a_public_article_re_imported_with_a_new_date_keeps_its_old_url(client, tmp_path):
    write_story(tmp_path / "in", "03/02/2026")
    run_import(tmp_path / "in", status="published")
    old_url = Article.objects.get().get_absolute_url()
    assert client.get(old_url).status_code == 200

    write_story(tmp_path / "in", "03/09/2026")
    out, err, failed = run_import(tmp_path / "in")
    assert failed is None and "1 updated" in out, err
    article = Article.objects.get()
    assert article.is_public and article.get_absolute_url() != old_url
    response = client.get(old_url)
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()


def test_a_scheduled_story_that_never_went_live_moves_without_a_redirect():
    def story(days):
        return ParsedArticle(
            headline="Budget day",
            source="wire",
            external_id="budget",
            body="<p>Embargoed.</p>",
            published_at=timezone.now() + timedelta(days=days),
            authors=[ParsedAuthor(name="Ana Ruiz")],
            status=Status.PUBLISHED,
        )

    article = save_parsed(story(2)).article
    assert article.is_scheduled
    moved = save_parsed(story(3))
    assert moved.action == "updated" and moved.article.is_scheduled
    assert not ArticleRedirect.objects.exists()


# Addresses from the source's site -------------------------------------------------------------


def test_a_source_address_answers_301_to_the_article(client, tmp_path):
    # An old site with our URL shape; the post's slug changed there after it went out.
    article = import_wxr(
        tmp_path,
        link="https://gazette.example/world/2019/04/02/old-name/",
        guid="https://gazette.example/?p=12",
    )
    assert article.is_public and article.slug == "new-name"
    response = client.get("/world/2019/04/02/old-name/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_a_source_address_of_a_draft_is_kept_for_when_it_is_published(client, tmp_path):
    article = import_wxr(
        tmp_path,
        link="https://gazette.example/world/2019/04/02/old-name/",
        guid="https://gazette.example/?p=12",
        status="draft",
    )
    assert article.status == Status.DRAFT
    assert client.get("/world/2019/04/02/old-name/").status_code == 404

    import_wxr(
        tmp_path,
        link="https://gazette.example/world/2019/04/02/old-name/",
        guid="https://gazette.example/?p=12",
    )
    response = client.get("/world/2019/04/02/old-name/")
    assert response.status_code == 301
    assert response["Location"] == Article.objects.get().get_absolute_url()


def test_every_address_a_wordpress_post_had_is_kept(tmp_path):
    article = import_wxr(
        tmp_path,
        link="https://gazette.example/2019/04/02/new-name/",
        guid="https://gazette.example/archives/12",
    )
    assert set(article.redirects.values_list("old_path", flat=True)) == {
        "/2019/04/02/new-name/",
        "/archives/12",
        "/?p=12",
    }


@pytest.mark.parametrize("old", ["/2019/04/02/new-name/", "/archives/12", "/?p=12"])
def test_a_wordpress_address_of_any_shape_answers_301(client, tmp_path, old):
    article = import_wxr(
        tmp_path,
        link="https://gazette.example/2019/04/02/new-name/",
        guid="https://gazette.example/archives/12",
    )
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_a_wordpress_query_address_is_not_the_home_page_even_when_it_is_cached(client, tmp_path):
    # The home page, cached for "/" (and for a "/?p=" address seen before the import).
    assert client.get("/").status_code == 200
    assert client.get("/?p=12").status_code == 404
    article = import_wxr(
        tmp_path,
        link="https://gazette.example/2019/04/02/new-name/",
        guid="https://gazette.example/?p=12",
    )
    for address in ("/?p=12", "/?p=12&utm_source=feed", "/?utm_source=feed&p=12"):
        response = client.get(address)
        assert response.status_code == 301, address
        assert response["Location"] == article.get_absolute_url()
    # An old site's post that was never imported is not our home page either.
    assert client.get("/?p=99").status_code == 404
    assert client.get("/?page_id=99").status_code == 404
    # Our own pages' parameters are still ours.
    assert client.get("/?page=1").status_code == 200


def test_an_old_address_of_a_taken_down_story_answers_410(client, tmp_path):
    from articles.workflow import move_to

    article = import_wxr(
        tmp_path,
        link="https://gazette.example/2019/04/02/new-name/",
        guid="https://gazette.example/archives/12",
    )
    move_to(article, Status.ARCHIVED, comment="Legal")
    for old in ("/2019/04/02/new-name/", "/archives/12", "/?p=12"):
        assert client.get(old).status_code == 410, old


def test_old_addresses_point_at_the_final_address_never_a_chain(client, tmp_path):
    article = import_wxr(
        tmp_path,
        link="https://gazette.example/2019/04/02/new-name/",
        guid="https://gazette.example/archives/12",
    )
    first_url = article.get_absolute_url()
    article.slug = "renamed-here"
    article.save()
    final = article.get_absolute_url()
    assert final != first_url
    for old in ("/2019/04/02/new-name/", "/archives/12", "/?p=12", first_url):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == final, old
        assert client.get(response["Location"]).status_code == 200


def test_the_old_paths_of_a_section_change_by_an_import_answer_301_then_410(client, tmp_path):
    from articles.workflow import move_to

    def reimport(category, name):
        import_wxr(
            tmp_path,
            link=f"https://gazette.example/2019/04/02/{name}/",
            guid="https://gazette.example/archives/12",
            name=name,
            category=category,
        )
        article = Article.objects.get(source="wordpress")
        assert article.section.slug == category and article.is_public
        return article

    first = reimport("world", "new-name").get_absolute_url()
    # The source moves the post to another category and renames it: our address moves
    # with the section and keeps the slug it has; both of the source's permalinks stay.
    second = reimport("harbour", "ferry-is-back").get_absolute_url()
    assert second != first and second.startswith("/harbour/")
    # An editor renames it here, then the source moves it once more.
    article = Article.objects.get(source="wordpress")
    article.slug = "ferry-returns-to-the-isles"
    article.save()
    article = reimport("islands", "ferry-is-back")
    final = article.get_absolute_url()
    assert final == "/islands/2019/04/02/ferry-returns-to-the-isles/"

    olds = [
        first,
        second,
        "/harbour/2019/04/02/ferry-returns-to-the-isles/",
        "/2019/04/02/new-name/",
        "/2019/04/02/ferry-is-back/",
        "/archives/12",
        "/?p=12",
    ]
    assert set(olds) <= set(article.redirects.values_list("old_path", flat=True))
    for old in olds:
        response = client.get(old)
        # Straight to the live article: never a redirect to another redirect.
        assert response.status_code == 301 and response["Location"] == final, old
    assert client.get(final).status_code == 200
    assert not ArticleRedirect.objects.filter(old_path=final).exists()

    move_to(article, Status.ARCHIVED, comment="Legal")
    for old in olds:
        assert client.get(old).status_code == 410, old
