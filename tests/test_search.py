import html
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_article

pytestmark = pytest.mark.django_db

# Full-text search with stemming and ranking runs on PostgreSQL only; elsewhere a plain
# substring search stands in, and the tests marked postgres are skipped.


def headlines(response):
    """The headlines of the result cards, in the order shown."""
    found = re.findall(
        r'class="card__headline"><a href="[^"]*">(.*?)</a>', response.content.decode()
    )
    return [html.unescape(headline) for headline in found]


def test_search_finds_words_in_headline_dek_and_body(client):
    make_article(headline="Harbour reopens")
    make_article(headline="Other", dek="The harbour is busy")
    make_article(headline="Third", body="<p>Ships left the harbour.</p>")
    make_article(headline="Unrelated")
    found = headlines(client.get("/search/?q=harbour"))
    assert sorted(found) == ["Harbour reopens", "Other", "Third"]


def test_headline_match_ranks_above_body_only_match(client):
    make_article(headline="Quiet day", body="<p>The ferry timetable changed.</p>")
    make_article(headline="Ferry timetable changes", body="<p>Nothing else.</p>")
    assert headlines(client.get("/search/?q=ferry timetable"))[0] == "Ferry timetable changes"


def test_empty_and_blank_queries_show_the_form_without_results(client):
    make_article()
    for url in ("/search/", "/search/?q=", "/search/?q=%20%20"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["page_obj"] is None


def test_very_long_query_is_cut_not_refused(client):
    response = client.get("/search/?q=" + "harbour " * 200)
    assert response.status_code == 200
    assert len(response.context["query"]) <= 200


def test_query_is_escaped_on_the_page(client):
    html = client.get("/search/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.postgres
def test_stemming_finds_meeting_when_searching_meetings(client):
    make_article(headline="Cabinet meeting set for Tuesday")
    assert headlines(client.get("/search/?q=meetings")) == ["Cabinet meeting set for Tuesday"]


@pytest.mark.postgres
def test_snippet_highlights_the_match_and_escapes_body_text(client):
    make_article(
        headline="Budget", body="<p>Fish &amp; chips were served at the council meeting.</p>"
    )
    html = client.get("/search/?q=meeting").content.decode()
    assert "<mark>meeting</mark>" in html
    assert "Fish &amp; chips" in html


@pytest.mark.postgres
def test_search_index_is_a_gin_index_on_the_stored_document():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower() and "search_vector" in definition


@pytest.mark.postgres
def test_stored_document_follows_edits_and_bulk_writes():
    from articles.models import Article

    article = make_article(headline="Harbour ferry", body="<p>Nothing else.</p>")
    Article.objects.filter(pk=article.pk).update(body="<p>Lighthouse repairs.</p>")
    found = Article.objects.filter(search_vector=SearchQuery("lighthouse", config="english"))
    assert list(found.values_list("pk", flat=True)) == [article.pk]


@pytest.mark.postgres
def test_search_query_can_use_the_gin_index():
    from articles.models import Article

    make_article(headline="Cabinet meeting")
    with connection.cursor() as cursor:
        # On a tiny table the planner prefers other paths; rule them out to see the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = candidates_plan(Article.objects.all(), "meetings")
    assert "article_search_vector" in plan


def test_results_show_the_matching_passage_highlighted_and_escaped(client):
    make_article(
        headline="Budget",
        dek="",
        body="<p>Fish &amp; chips <b>were</b> served at the council meeting.</p>",
    )
    html = client.get("/search/?q=council").content.decode()
    assert "<mark>council</mark>" in html
    assert "Fish &amp; chips were served" in html


def test_only_public_articles_are_found(client):
    from articles.models import Status

    make_article(headline="Harbour reopens")
    make_article(headline="Harbour draft", status=Status.DRAFT)
    make_article(headline="Harbour in review", status=Status.REVIEW)
    make_article(headline="Harbour scheduled", published_at=timezone.now() + timedelta(days=1))
    assert headlines(client.get("/search/?q=harbour")) == ["Harbour reopens"]


def candidates_plan(queryset, text, analyze=False):
    """The plan of the query that finds the candidates to rank (search.newest_matches)."""
    from articles.search import CONFIG, newest_matches

    candidates = newest_matches(queryset, SearchQuery(text, search_type="websearch", config=CONFIG))
    with connection.cursor() as cursor:
        cursor.execute(
            ("EXPLAIN ANALYZE " if analyze else "EXPLAIN ") + candidates.sql, candidates.params
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def _days_ago(days):
    return timezone.now() - timedelta(days=days, hours=1)


@pytest.mark.postgres
@pytest.mark.parametrize("frequent", [True, False], ids=["frequent word", "rare word"])
def test_the_newest_matches_are_ranked_whichever_windows_they_are_in(monkeypatch, frequent):
    """Matches spread over every window of publication time, with fewer candidates than
    matches: exactly the newest are kept, whether the word takes the wide windows or not.
    """
    from articles import search as article_search
    from articles.models import Article

    monkeypatch.setattr(article_search, "CANDIDATES", 6)
    monkeypatch.setattr(article_search, "FREQUENT", 1 if frequent else 10)
    ages = [2000, 1500, 400, 200, 60, 20, 3]  # every window, oldest first
    matching = [
        make_article(headline=f"Lighthouse {days}", published_at=_days_ago(days)).pk
        for days in ages
    ]
    make_article(headline="Other news", published_at=_days_ago(1))
    results = article_search.search(Article.objects.published(), "lighthouse")
    assert sorted(results) == sorted(matching[-6:])


@pytest.mark.postgres
def test_a_word_found_in_the_newest_window_leaves_the_older_ones_unread(monkeypatch):
    from articles import search as article_search
    from articles.models import Article

    monkeypatch.setattr(article_search, "CANDIDATES", 2)
    for days in (1, 2, 3, 400, 2000):
        make_article(headline="Council vote", published_at=_days_ago(days))
    found = article_search.search(Article.objects.published(), "council")
    plan = candidates_plan(Article.objects.published(), "council", analyze=True)
    # Every part of the UNION ALL after the recent window (the wider windows, then the
    # rest of the archive) is never started: its LIMIT was met first.
    skipped = re.findall(r'Subquery Scan on "\*SELECT\* \d+".*\(never executed\)', plan)
    assert len(skipped) == len(article_search.OLDER_WINDOWS) + 2
    assert len(found) == 2


@pytest.mark.postgres
def test_results_do_not_carry_the_stored_vector_or_the_body(client):
    """The vector is kilobytes of text per result, and so is the body: the one is ranked
    and the other cut into a passage in the database, and neither is sent out."""
    make_article(headline="Harbour reopens", body="<p>Ships left the harbour.</p>")
    with CaptureQueriesContext(connection) as queries:
        assert headlines(client.get("/search/?q=harbour")) == ["Harbour reopens"]
    selected = [query["sql"].split(" FROM ")[0] for query in queries.captured_queries]
    assert not [columns for columns in selected if "search_vector" in columns]
    assert not [
        columns
        for columns in selected
        if '"body"' in columns.replace("(", " (") and "ts_headline" not in columns
    ]


def test_a_search_reads_the_ids_and_the_passages_and_keeps_the_cards(
    client, django_assert_max_num_queries
):
    for n in range(3):
        make_article(headline=f"Harbour story {n}", body="<p>The harbour is busy.</p>")
    client.get("/search/?q=harbour&first=1")
    # Another address, so the page is made again: the ranked ids, the page's passages, and
    # the cards from the cache (names, menu and site state are kept too).
    with django_assert_max_num_queries(2):
        assert len(headlines(client.get("/search/?q=harbour&again=1"))) == 3


def test_a_kept_result_card_follows_edits_and_take_downs(client):
    from articles import workflow
    from tests.factories import make_user

    story = make_article(headline="Harbour reopens", body="<p>The harbour is busy.</p>")
    other = make_article(headline="Harbour closes", body="<p>The harbour is quiet.</p>")
    assert sorted(headlines(client.get("/search/?q=harbour&n=1"))) == [
        "Harbour closes",
        "Harbour reopens",
    ]
    story.headline = "Harbour reopens at dawn"
    story.save()
    workflow.transition(other, "unpublish", by=make_user(role="Editor"), comment="Legal")
    assert headlines(client.get("/search/?q=harbour&n=2")) == ["Harbour reopens at dawn"]


def test_a_kept_result_card_follows_its_author_and_section(client):
    # The card shows the byline and the section: a rename of either reaches it.
    from tests.factories import make_author

    author = make_author(name="Ana Lima", slug="ana-lima")
    story = make_article(headline="Harbour reopens", authors=[author])
    html = client.get("/search/?q=harbour&n=1").content.decode()
    assert "Ana Lima" in html and story.section.name in html
    author.name = "Ana Lima Costa"
    author.save()
    story.section.name = "Waterfront"
    story.section.save()
    html = client.get("/search/?q=harbour&n=2").content.decode()
    assert "Ana Lima Costa" in html and "Waterfront" in html


def test_a_result_with_no_passage_and_no_standfirst_shows_no_empty_paragraph(client):
    make_article(headline="Harbour reopens", dek="", body="")
    response = client.get("/search/?q=harbour")
    assert headlines(response) == ["Harbour reopens"]
    assert 'class="card__dek"' not in response.content.decode()


# Readers type names and places with or without their accents, and names of people and
# topics as well as words of the text; these hold on SQLite and PostgreSQL alike.


@pytest.mark.parametrize(
    ("written", "typed"),
    [("Río Claro", "Rio Claro"), ("Rio Claro", "Río Claro"), ("Łódź", "lodz")],
    ids=["accent in the story", "accent in the query", "Polish letters"],
)
def test_accents_are_found_both_ways(client, written, typed):
    make_article(headline=f"Floods reach {written}", body=f"<p>Rain fell on {written}.</p>")
    make_article(headline="Unrelated")
    assert headlines(client.get(f"/search/?q={typed}")) == [f"Floods reach {written}"]


def test_a_folded_match_is_marked_in_the_passage_as_written(client):
    make_article(headline="Weather", dek="", body="<p>The river at Río Claro rose overnight.</p>")
    html = client.get("/search/?q=rio claro").content.decode()
    assert "<mark>Río</mark>" in html and "<mark>Claro</mark>" in html


def test_an_authors_name_finds_their_stories_and_shows_their_page_first(client):
    from tests.factories import make_author

    zoe = make_author(name="Zoë Østergaard", slug="zoe-ostergaard")
    make_article(headline="Harbour reopens", authors=[zoe])
    make_article(headline="Unrelated")
    for typed in ("Zoë", "zoe ostergaard"):
        response = client.get("/search/?q=" + typed)
        assert headlines(response) == ["Harbour reopens"]
        html = response.content.decode()
        # The author's page is linked above the results.
        assert html.index('href="/author/zoe-ostergaard/"') < html.index("Harbour reopens")


def test_a_tags_name_finds_its_stories(client):
    from tests.factories import make_tag

    tag = make_tag(name="Energía solar", slug="energia-solar")
    make_article(headline="Panels on every roof", tags=[tag])
    response = client.get("/search/?q=energia solar")
    assert headlines(response) == ["Panels on every roof"]
    assert 'href="/tag/energia-solar/"' in response.content.decode()


def test_a_word_naming_an_author_and_a_tag_finds_the_stories_of_both(client):
    # A columnist whose name is also a tag: both sets of stories join the results.
    from tests.factories import make_author, make_tag

    watcher = make_author(name="Harbour Watcher", slug="harbour-watcher")
    tag = make_tag(name="Harbour", slug="harbour")
    make_article(headline="Notes from the quay", authors=[watcher])
    make_article(headline="Ferries run late", tags=[tag])
    make_article(headline="Unrelated")
    response = client.get("/search/?q=harbour")
    assert response.status_code == 200
    assert sorted(headlines(response)) == ["Ferries run late", "Notes from the quay"]
    html = response.content.decode()
    assert 'href="/author/harbour-watcher/"' in html and 'href="/tag/harbour/"' in html


def test_a_passage_cut_inside_a_tag_shows_no_markup(client, monkeypatch):
    from articles import search

    # The passage is taken from the body's first characters; cut inside a link's tag.
    body = '<p>The ferry timetable changes.</p><p><a href="https://example.com/a-long-address">' + (
        "More about the ferry.</a></p>"
    )
    monkeypatch.setattr(search, "PASSAGE_SOURCE", body.index("example"))
    make_article(headline="Timetable", dek="", body=body)
    html = client.get("/search/?q=ferry").content.decode()
    assert "&lt;a" not in html and '<a href="https://example.com' not in html
    assert "<mark>ferry</mark>" in html


def test_an_author_without_public_stories_is_not_offered(client):
    from articles.models import Status
    from tests.factories import make_author

    hidden = make_author(name="Zoë Østergaard", slug="zoe-ostergaard")
    make_article(headline="Draft", authors=[hidden], status=Status.DRAFT)
    response = client.get("/search/?q=Zoë")
    assert response.context["people"] == []
    assert "/author/zoe-ostergaard/" not in response.content.decode()


def test_a_misspelling_suggests_the_archives_own_word(client):
    make_article(headline="Glacier retreats a kilometre", body="<p>The glacier shrank.</p>")
    if connection.vendor == "postgresql":
        call_command("refresh_search_words", stdout=StringIO())
    response = client.get("/search/?q=glaicer")
    assert response.context["suggestion"] == "glacier"
    html = response.content.decode()
    assert "Did you mean" in html and 'href="/search/?q=glacier"' in html


def test_no_results_says_so_and_offers_the_sections(client):
    from tests.factories import make_section

    make_article(headline="Budget passes", section=make_section(name="Politics", slug="politics"))
    html = client.get("/search/?q=xylophonist").content.decode()
    assert "0 results" in html
    assert "No stories match “xylophonist”" in html
    assert 'href="/section/politics/"' in html


def test_a_word_the_archive_uses_is_never_corrected(client):
    make_article(headline="Glacier retreats")
    response = client.get("/search/?q=glacier")
    assert response.context["suggestion"] == ""


@pytest.mark.postgres
def test_the_search_document_and_query_fold_accents_on_postgresql():
    from articles.models import Article

    article = make_article(headline="Río Claro", body="<p>Nothing else.</p>")
    for typed in ("rio", "río"):
        found = Article.objects.filter(search_vector=SearchQuery(typed, config="newsroom"))
        assert list(found.values_list("pk", flat=True)) == [article.pk]


@pytest.mark.postgres
def test_refresh_search_words_takes_in_newly_published_words():
    from articles.search import suggestion

    make_article(headline="Fjord sensors record a warm winter")
    assert suggestion("fjrod") == ""
    out = StringIO()
    call_command("refresh_search_words", stdout=out)
    assert "words" in out.getvalue()
    assert suggestion("fjrod") == "fjord"
