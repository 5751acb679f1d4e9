"""The article change list: its filters, search, date links and pages find the right
articles, and what it costs in queries does not grow with the archive."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline, Status
from tests.factories import make_article, make_author, make_roles, make_section, make_user

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def listed(client, **params):
    """The articles the list shows for ``params``, in order (the first page)."""
    response = client.get(LIST, params)
    assert response.status_code == 200, response
    return list(response.context["cl"].result_list)


def at(year, month, day):
    return datetime(year, month, day, 12, tzinfo=UTC)


# Filters.


def test_status_and_section_filters(editor_client):
    news, sport = make_section(), make_section()
    draft = make_article(status=Status.DRAFT, section=news)
    review = make_article(status=Status.REVIEW, section=news)
    live = make_article(section=sport)
    scheduled = make_article(section=sport, published_at=timezone.now() + timedelta(days=1))
    assert listed(editor_client, state="review") == [review]
    assert listed(editor_client, state="draft") == [draft]
    assert listed(editor_client, state="live") == [live]
    assert listed(editor_client, state="scheduled") == [scheduled]
    assert set(listed(editor_client, section__id__exact=news.pk)) == {draft, review}


def test_author_filter_lists_each_credited_article_once(editor_client):
    ana, ben = make_author(name="Ana Ruiz"), make_author(name="Ben Okafor")
    # Ana wrote and photographed this one: two bylines, one row.
    both = make_article(authors=[ana, ana], headline="Harbour reopens")
    shared = make_article(authors=[ben, ana], headline="Budget vote delayed")
    make_article(authors=[ben], headline="Transit strike ends")
    response = editor_client.get(LIST, {"authors__id__exact": ana.pk})
    assert list(response.context["cl"].result_list) == [shared, both]
    assert response.context["cl"].result_count == 2
    page = response.content.decode()
    # The chosen author is named in the filter's box.
    assert f'<option value="{ana.pk}" selected>Ana Ruiz</option>' in page
    assert 'data-author-filter="authors__id__exact"' in page


def test_author_filter_lists_no_author_links_and_loads_its_autocomplete(editor_client):
    authors = [make_author() for _ in range(5)]
    for author in authors:
        make_article(authors=[author])
    page = editor_client.get(LIST).content.decode()
    assert "authors__id__exact=" not in page  # no link per author any more
    assert '<select name="authors__id__exact"' in page
    assert "admin/js/autocomplete.js" in page and "admin/article-author-filter.js" in page
    assert (
        page.index("select2.full")
        < page.index("jquery.init.js")
        < page.index("article-author-filter.js")
    )


def test_author_autocomplete_answers_an_editor(editor_client):
    wanted = make_author(name="Carmen Castro")
    make_author(name="Dmitri Volkov")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "authors",
            "term": "cast",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(wanted.pk), "text": "Carmen Castro"}]


@pytest.mark.parametrize("value", ["not-a-number", "999999"])
def test_author_filter_refuses_an_unknown_author(editor_client, value):
    response = editor_client.get(LIST, {"authors__id__exact": value})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_my_articles_are_those_created_or_credited(editor_client, editor):
    profile = make_author(user=editor)
    created = make_article(created_by=editor, headline="Written by the editor")
    credited = make_article(authors=[make_author(), profile], headline="Credited to the editor")
    make_article(headline="Someone else's")
    assert set(listed(editor_client, mine="yes")) == {created, credited}


def test_writer_still_sees_only_own_articles(writer_client, writer):
    created = make_article(status=Status.DRAFT, created_by=writer)
    credited = make_article(status=Status.DRAFT, authors=[writer.author_profile])
    make_article(status=Status.DRAFT)
    assert set(listed(writer_client)) == {created, credited}
    assert set(listed(writer_client, q=credited.headline)) == {credited}


# Search.


def test_search_finds_headline_standfirst_and_author_words(editor_client):
    castro = make_author(name="Carmen Castro")
    by_headline = make_article(headline="City budget approved")
    by_dek = make_article(headline="Council meets", dek="The BUDGET is on the agenda.")
    by_author = make_article(headline="Harbour reopens", authors=[castro])
    make_article(headline="Transit strike ends", dek="Buses run again.")
    assert set(listed(editor_client, q="budget")) == {by_headline, by_dek}
    assert listed(editor_client, q="castro") == [by_author]
    assert listed(editor_client, q="CARMEN") == [by_author]


def test_search_needs_every_word_in_some_field(editor_client):
    castro = make_author(name="Carmen Castro")
    both = make_article(headline="Budget vote delayed", authors=[castro])
    make_article(headline="Budget vote delayed again")
    make_article(headline="Harbour reopens", authors=[castro])
    assert listed(editor_client, q="budget castro") == [both]
    assert listed(editor_client, q='"vote delayed" castro') == [both]
    assert listed(editor_client, q="budget zebrafish") == []


def test_search_lists_an_article_once_however_many_times_it_matches(editor_client):
    budget = make_author(name="Bea Budget")
    article = make_article(headline="Budget day", dek="The budget.", authors=[budget, budget])
    response = editor_client.get(LIST, {"q": "budget"})
    assert list(response.context["cl"].result_list) == [article]
    assert response.context["cl"].result_count == 1


def test_search_combines_with_filters(editor_client):
    review = make_article(status=Status.REVIEW, headline="Budget in review")
    make_article(status=Status.DRAFT, headline="Budget draft")
    assert listed(editor_client, q="budget", state="review") == [review]


# Date links.


def test_date_links_run_from_the_first_to_the_last_publication(editor_client):
    make_article(published_at=at(2021, 3, 5))
    make_article(published_at=at(2023, 7, 9))
    make_article(status=Status.DRAFT)  # undated: no year of its own

    years = editor_client.get(LIST).context
    assert [c["title"] for c in date_choices(years)] == ["2021", "2022", "2023"]

    months = editor_client.get(LIST, {"published_at__year": 2023}).context
    assert [c["title"] for c in date_choices(months)] == [
        f"{month} 2023"
        for month in ["January", "February", "March", "April", "May", "June", "July"]
    ]
    days = editor_client.get(LIST, {"published_at__year": 2021, "published_at__month": 3}).context
    assert [c["title"] for c in date_choices(days)][:2] == ["March 5", "March 6"]
    assert len(date_choices(days)) == 27  # the 5th (first article) to the 31st


def test_date_links_filter_the_list(editor_client):
    old = make_article(published_at=at(2021, 3, 5))
    new = make_article(published_at=at(2023, 7, 9))
    assert listed(editor_client, published_at__year=2021) == [old]
    assert listed(
        editor_client, published_at__year=2023, published_at__month=7, published_at__day=9
    ) == [new]
    page = editor_client.get(LIST).content.decode()
    assert "?published_at__year=2022" in page


def test_one_month_of_articles_starts_at_its_days(editor_client):
    make_article(published_at=at(2024, 2, 3))
    make_article(published_at=at(2024, 2, 10))
    context = editor_client.get(LIST).context
    assert [c["title"] for c in date_choices(context)] == [f"February {n}" for n in range(3, 11)]


def date_choices(context):
    from articles.templatetags.article_admin import date_hierarchy_links

    return date_hierarchy_links(context["cl"])["choices"]


# Pages.


def test_pages_follow_the_newest_first_order(editor_client):
    section = make_section()
    start = timezone.now() - timedelta(days=1)
    Article.objects.bulk_create(
        [
            Article(
                headline=f"Story {n}",
                slug=f"story-{n}",
                section=section,
                status=Status.PUBLISHED,
                published_at=start - timedelta(minutes=n % 150),
            )
            for n in range(230)
        ]
    )
    expected = list(Article.objects.order_by("-published_at", "-pk"))
    pages = [listed(editor_client, p=n) for n in range(1, 9)]
    assert sum(pages, []) == expected
    assert len(pages[0]) == 30 and len(pages[-1]) == 20
    assert editor_client.get(LIST, {"p": 9}).status_code == 302  # past the end: ?e=1


def test_no_facet_counts_over_the_whole_archive(editor_client):
    make_article()
    assert "Show counts" not in editor_client.get(LIST).content.decode()
    response = editor_client.get(LIST, {"_facets": "True"})
    assert response.status_code == 200
    assert "Hide counts" not in response.content.decode()


def test_list_rows_carry_status_and_authors(editor_client):
    ana, ben = make_author(name="Ana Ruiz"), make_author(name="Ben Okafor")
    article = make_article(authors=[ben, ana], headline="Two bylines")
    Byline.objects.filter(article=article, author=ana).update(position=5)
    page = editor_client.get(LIST).content.decode()
    assert "Ben Okafor, Ana Ruiz" in page
    assert 'class="status-badge status-published"' in page


def test_bulk_publish_from_a_filtered_list_publishes_whole_articles(editor_client):
    ready = make_article(status=Status.REVIEW, headline="Ready", body="<p>Full body.</p>")
    response = editor_client.post(
        LIST + "?state=review",
        {"action": "publish_selected", "_selected_action": [ready.pk]},
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Status.PUBLISHED and ready.body == "<p>Full body.</p>"


# Cost.


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"p": 2},
        {"state": "review"},
        {"q": "budget"},
        {"q": "budget vote"},
        {"mine": "yes"},
        {"published_at__year": 2024},
        "author",
        "section",
    ],
)
def test_query_count_does_not_grow_with_articles_and_authors(
    editor_client, editor, django_assert_num_queries, params
):
    section = make_section()
    profile = make_author(user=editor)

    def add_articles(count):
        for n in range(count):
            authors = [make_author(), make_author(), profile] if n % 3 else [make_author()]
            make_article(
                headline=f"Budget vote {n}",
                section=section,
                authors=authors,
                status=Status.REVIEW if n % 2 else Status.PUBLISHED,
                published_at=at(2024, 1 + n % 12, 1 + n % 28),
            )
        # More than a page, whatever the filter, so that page 2 exists.
        Article.objects.bulk_create(
            [
                Article(
                    headline=f"Budget vote {n}",
                    slug=f"bulk-{count}-{n}",
                    section=section,
                    status=Status.REVIEW,
                    published_at=at(2024, 2, 2),
                    created_by=editor,
                )
                for n in range(110)
            ]
        )

    def query(params):
        if params == "author":
            return {"authors__id__exact": profile.pk}
        if params == "section":
            return {"section__id__exact": section.pk}
        return params

    add_articles(3)
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(LIST, query(params)).status_code == 200
    assert len(few) <= 12, [q["sql"] for q in few]

    add_articles(40)
    with django_assert_num_queries(len(few)):
        response = editor_client.get(LIST, query(params))
    assert response.status_code == 200


# In a browser.


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_types_an_author_name_to_filter_the_list(browser, live_server):
    make_roles()
    make_user("eddie", role="Editor")
    castro = make_author(name="Carmen Castro")
    theirs = make_article(headline="Harbour reopens", authors=[castro])
    make_article(headline="Transit strike ends", authors=[make_author(name="Dmitri Volkov")])
    page = browser.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.goto(f"{live_server.url}/admin/login/?next={LIST}")
    page.fill("#id_username", "eddie")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{LIST}")

    page.locator(".author-filter .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("cast")
    page.locator(".select2-results__option", has_text="Carmen Castro").click()
    page.wait_for_url(f"**{LIST}?authors__id__exact={castro.pk}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin-author-filter.png", full_page=True)
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and theirs.headline in rows.inner_text()

    # Clearing the box lists everyone's articles again.
    page.locator(".author-filter .select2-selection__clear").click()
    page.wait_for_url(f"**{LIST}")
    assert page.locator("#result_list tbody tr").count() == 2
    assert problems == []
    page.close()


def test_a_long_list_is_counted_only_up_to_the_cap(editor_client, monkeypatch):
    from articles.admin.changelist import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    for _ in range(5):
        make_article()
    page = editor_client.get(LIST).content.decode()
    assert "more than 3 articles" in page
    searched = editor_client.get(LIST, {"q": "Headline"}).content.decode()
    assert "more than 3 results" in searched


def test_a_short_list_says_exactly_how_many(editor_client):
    for _ in range(2):
        make_article()
    assert "2 articles" in editor_client.get(LIST).content.decode()
