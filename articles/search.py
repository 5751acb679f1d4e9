"""Reader search: PostgreSQL full-text search, with a plain substring fallback elsewhere.

On PostgreSQL the document is weighted headline (A) over dek (B) over body (C), stored in
``Article.search_vector`` by a trigger and indexed with GIN (migration 0007).

Only the newest ``CANDIDATES`` matches are ranked (see search()). Finding them is the
costly part, and no single plan suits every word:

- a word in most articles ("government"): walk the publication-date index from the
  newest and test each article's stored vector; 500 matches are found in ~650 steps;
- a rare word ("zeppelin"): read its few matches from the GIN index and sort them;
- in between ("broadband", in 7% of articles): walking reads thousands of vectors
  (each a TOAST fetch) and the GIN index returns thousands of rows to sort: 100-400 ms
  either way at 100k articles, and the planner cannot tell which is worse.

So the archive is searched in windows of publication time, newest first (see
``NEWEST_MATCHES``), in one UNION ALL under a LIMIT: PostgreSQL's Append reads its
parts in order and never starts those it does not need. Within a window the planner
picks the plan for the word's frequency, and no plan can go far wrong: a walk stops at
the window's edge, and GIN matches are ANDed with the window's date range so that only
the window's matches are read from the table.

A search is one query for the ranked ids of every candidate (their number is the count
of results, ``search``), then one for the passages of the page's twenty (``snippets``:
ts_headline on those bodies only); the view shows them in the cards it keeps per article.

Accents fold both ways ("Rio Claro" finds "Río Claro" and back): on PostgreSQL the
``newsroom`` text search configuration puts ``unaccent`` before the English stemmer
(migration 0016), for the stored document and the query alike; elsewhere both sides are
compared in a folded form (``fold``, a function registered with SQLite). Authors and tags
whose names match are searched too: their stories join the results (``people_and_tags``),
and the view shows their pages first. A search with no results suggests the nearest words
of the archive's own vocabulary (``suggestion``), which a task refreshes after
publications, at most once per ``WORDS_REFRESH_DELAY`` (``words_changed``).
"""

import bisect
import difflib
import html
import itertools
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import Func, RawSQL
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django_tasks import task
from text_unidecode import unidecode

from .caching import site_fragment

CONFIG = "newsroom"
# Authors and tags shown above the results, at most, and how many of the newest stories
# of each join the results: their pages list the rest.
PEOPLE, TAGS = 3, 5
NAMED = 50
MAX_QUERY_LENGTH = 200
# How many of the newest matches are ranked by relevance (see search()).
CANDIDATES = 500
# Every search starts with the matches of the last RECENT_DAYS. A word with at least
# FREQUENT of them (~1% of the articles there) goes on through wider windows, about three
# times longer each: at ~1,000 articles a month, ~3,000, then ~9,000, ~24,000 and the
# rest, so the window that completes the candidates holds at most a few times more
# matches than it needs. A rarer word's older matches are few enough to read from the GIN
# index at once, and that spares it the date-index range scans of the wide windows.
RECENT_DAYS = 90
OLDER_WINDOWS = (365, 3 * 365)
FREQUENT = 30
# ``{matches}`` is the SQL of the public matches, as (id, published_at). Its parts are
# searched in order, and the first LIMIT met ends the search:
NEWEST_MATCHES = """
WITH recent AS MATERIALIZED (
    SELECT id, published_at FROM ({matches}) AS m (id, published_at)
    WHERE published_at >= %s ORDER BY published_at DESC, id DESC LIMIT %s
), frequent AS MATERIALIZED (
    SELECT count(*) >= %s AS yes FROM recent
)
SELECT id FROM (
    {named}
    (SELECT id FROM recent)
    {older}
    UNION ALL (
        -- A word that skipped the wider windows: its older matches straight from the GIN
        -- index, less the recent ones, left out by id so that no date range is read.
        -- A frequent word only gets here when the windows held all its matches: this
        -- repeats some, which the IN around the whole ignores.
        SELECT id FROM ({matches}) AS m (id, published_at)
        WHERE id NOT IN (SELECT id FROM recent)
        ORDER BY published_at DESC, id DESC LIMIT %s
    )
) AS candidates LIMIT %s
"""
OLDER_WINDOW = """
    UNION ALL (
        SELECT id FROM ({matches}) AS m (id, published_at)
        WHERE {window} AND (SELECT yes FROM frequent)
        ORDER BY published_at DESC, id DESC LIMIT %s
    )"""
# The newest stories of the authors and tags the query names, which join the results also
# where the text does not name them. Their ids are read from the byline and tag tables'
# own indexes, and handed over as an array: the planner cannot guess its length, so it
# looks each one up by its key and sorts those few. Given as a join or an IN under ORDER BY
# ... LIMIT, PostgreSQL walks the newest articles testing each, half a second for a tag
# of a few hundred stories.
NAMED_STORIES = """
    (SELECT id FROM ({stories}) AS s (id, published_at)
     WHERE id = ANY(ARRAY({named_ids}))
     ORDER BY published_at DESC, id DESC LIMIT %s)
    UNION ALL"""
# The candidates, best first. Ranked here, in the query that finds them: each vector is
# read once more, in the database, and only the ids come out.
RANKED = """
SELECT id FROM {table} WHERE id IN ({candidates})
ORDER BY ts_rank(search_vector, websearch_to_tsquery(%s::regconfig, %s)) DESC,
    published_at DESC, id DESC
"""
# How much of a body its passage is looked for in (see _headline).
PASSAGE_SOURCE = 10_000
# Control characters cannot occur in a sanitised body, so they mark matches unambiguously.
START, STOP = "\x02", "\x03"


class StripTags(Func):
    """The body as text, for snippets: tags become spaces."""

    function = "regexp_replace"
    # A tag cut off at the end (the passage is taken from a prefix) goes too.
    template = "%(function)s(%(expressions)s, '<[^>]*(>|$)', ' ', 'g')"


def clean_query(text):
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def search(queryset, text: str, found_names=None) -> list[int]:
    """The ids of the articles of ``queryset`` that match ``text``, best first: one query.

    ``found_names``: ``people_and_tags(text)``, when the caller has it already.
    """
    text = clean_query(text)
    if not text:
        return []
    people, tags = found_names if found_names is not None else people_and_tags(text)
    if connection.vendor == "postgresql":
        # A common word matches most of the archive. Rank the newest matches only: in news,
        # recency comes first, and ranking every match would cost seconds at scale.
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        candidates = newest_matches(queryset, query, people, tags)
        sql = RANKED.format(table=queryset.model._meta.db_table, candidates=candidates.sql)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*candidates.params, CONFIG, text])
            return [row[0] for row in cursor.fetchall()]
    # SQLite and others: every word must appear somewhere; headline matches come first.
    words = fold(text).split()[:8]
    match = Q()
    in_headline = Q()
    for word in words:
        match &= (
            Q(folded_headline__contains=word)
            | Q(folded_dek__contains=word)
            | Q(folded_body__contains=word)
        )
        in_headline &= Q(folded_headline__contains=word)
    named = _named_stories(queryset, people, tags)
    if named:
        match |= Q(pk__in=named)
    ids = (
        queryset.alias(
            folded_headline=Folded("headline"),
            folded_dek=Folded("dek"),
            folded_body=Folded("body"),
        )
        .filter(match)
        .annotate(
            rank=Case(
                When(in_headline, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-rank", "-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    return list(ids)


def _named_stories(queryset, people, tags):
    """The ids of the newest ``NAMED`` stories of ``people`` and ``tags`` (elsewhere than
    PostgreSQL, where ``NAMED_STORIES`` finds them in the search's own query)."""
    from .models import Article, Byline

    ids = set()
    if people:
        ids |= set(Byline.objects.filter(author__in=people).values_list("article_id", flat=True))
    if tags:
        through = Article.tags.through.objects.filter(tag__in=tags)
        ids |= set(through.values_list("article_id", flat=True))
    if not ids:
        return []
    newest = queryset.filter(pk__in=ids).order_by("-published_at", "-pk")
    return list(newest.values_list("pk", flat=True)[:NAMED])


def fold(text: str | None) -> str:
    """``text`` in lowercase ASCII, as the SQLite search compares it: "Río" → "rio"."""
    return unidecode(text or "").lower()


def add_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each new SQLite connection ``newsroom_fold`` (``connection_created``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("newsroom_fold", 1, fold, deterministic=True)


class Folded(Func):
    """A text column without case or accents, for comparison with ``fold()``ed words
    (SQLite; PostgreSQL folds in its text search configuration)."""

    function = "newsroom_fold"


def people_and_tags(text: str) -> tuple[list[Any], list[Any]]:
    """The authors with public stories whose names hold every word of ``text`` ("zoe"
    finds "Zoë Østergaard"), and the tags named ``text``, accents and case aside.

    Only a query that names some reads them from the database (with whether they have
    public stories): the names are matched in the folded list kept per site state.
    """
    from .models import Author, Tag, with_published_articles

    words = _words(text)
    if not words:
        return [], []
    names = site_fragment("search-name-index", _names, keys=["search-names"])
    author_ids = _authors_named(names["authors"], words)
    tag_ids = names["tags"].get(" ".join(words), [])
    people, tags = [], []
    if author_ids:
        people = with_published_articles(
            Author.objects.filter(pk__in=author_ids[:100]), "bylines__author"
        )
        people = list(people.select_related("photo")[:PEOPLE])
    if tag_ids:
        tags = list(with_published_articles(Tag.objects.filter(pk__in=tag_ids), "tags")[:TAGS])
    return people, tags


def _words(text: str) -> list[str]:
    return [word for word in fold(clean_query(text)).split() if len(word) > 1][:8]


def _names() -> dict[str, Any]:
    """Every author's and tag's name, folded, made once per site state (folding them in
    the database on every search costs tens of milliseconds).

    The authors' are one string, a name a line, with where each line starts and whose it
    is: a word is looked for in a few thousand names by one scan of a string, not a loop.
    The tags' map each folded name to the tags of that name.
    """
    from .models import Author, Tag

    authors = [
        (pk, " ".join(_words(name))) for pk, name in Author.objects.values_list("pk", "name")
    ]
    starts, at = [], 0
    for _pk, name in authors:
        starts.append(at)
        at += len(name) + 1
    tags: dict[str, list[int]] = {}
    for pk, name in Tag.objects.values_list("pk", "name"):
        tags.setdefault(" ".join(_words(name)), []).append(pk)
    return {
        "authors": (
            "".join(f"{name}\n" for _pk, name in authors),
            starts,
            [pk for pk, _ in authors],
        ),
        "tags": tags,
    }


def _authors_named(authors: tuple[str, list[int], list[int]], words: list[str]) -> list[int]:
    """The ids of the authors whose folded names hold every one of ``words``."""
    lines, starts, pks = authors
    longest = max(words, key=len)
    found = []
    at = lines.find(longest)
    while at >= 0:
        line = bisect.bisect_right(starts, at) - 1
        end = lines.index("\n", at)
        if all(word in lines[starts[line] : end] for word in words):
            found.append(pks[line])
        at = lines.find(longest, end + 1)
    return found


def suggestion(text: str) -> str:
    """``text`` with each word the archive does not use replaced by the nearest word it
    does use ("glaicer" → "glacier"), or "" when there is nothing to suggest."""
    words = clean_query(text).split()
    nearest = _nearest_pg if connection.vendor == "postgresql" else _nearest_elsewhere
    suggested = [nearest(word.lower()) or word for word in words]
    changed = [a for a, b in zip(suggested, words, strict=True) if a.lower() != b.lower()]
    return " ".join(suggested) if changed else ""


# Below this pg_trgm similarity, a word is too far from any other to be a misspelling of it.
NEAREST_SIMILARITY = 0.2


def _nearest_pg(word: str) -> str:
    """The archive word nearest ``word`` (``articles_search_word``, migration 0016)."""
    if len(word) < 3 or not word.isalpha():
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, similarity(word, %s), ndoc FROM articles_search_word "
            "ORDER BY word <-> %s LIMIT 5",
            [word, word],
        )
        rows = cursor.fetchall()
    if any(found == word for found, _similarity, _ndoc in rows):
        return ""
    rows = [row for row in rows if row[1] >= NEAREST_SIMILARITY]
    # The closest; among equally close words, the one more stories use.
    return max(rows, key=lambda row: (round(row[1], 2), row[2]))[0] if rows else ""


# A refresh of the "Did you mean" words reads the whole published archive (about a minute
# of one core at 100,000 stories), so publications ask for one at most this often.
WORDS_REFRESH_DELAY = timedelta(minutes=15)
WORDS_REFRESH_PENDING = "search-words-refresh-pending"


def words_changed(articles: Iterable[int] = ()) -> None:
    """A public story was written: its words should be suggested before long. The first
    such write schedules a refresh of the vocabulary ``WORDS_REFRESH_DELAY`` later, and
    those made before that refresh starts wait for it: at most one refresh per delay.
    Of ``articles`` (those written), a scheduled one gets a refresh at its time too: it
    goes public then with no write to say so. Called after the commit (``edge.committed``).
    """
    from background.queueing import enqueue_or_keep

    from .models import Article, Status

    if connection.vendor != "postgresql":
        return
    now = timezone.now()
    delay = WORDS_REFRESH_DELAY.total_seconds()
    # The mark outlives the wait a little: a task lost with a worker is asked for again.
    if cache.add(WORDS_REFRESH_PENDING, True, timeout=delay + 600):
        enqueue_or_keep(refresh_words.using(run_after=now + WORDS_REFRESH_DELAY), [], {})
    if articles:
        # Scheduled: published, dated later than the refresh asked for above.
        scheduled = Article.objects.filter(
            pk__in=list(articles),
            status=Status.PUBLISHED,
            published_at__gt=now + WORDS_REFRESH_DELAY,
        )
        for moment in sorted(set(scheduled.values_list("published_at", flat=True))):
            enqueue_or_keep(refresh_words.using(run_after=moment), [], {})


@task()
def refresh_words() -> int:
    """Rebuild the "Did you mean" vocabulary (``articles_search_word``) CONCURRENTLY:
    searches read the old words meanwhile. The number of words."""
    # Writes from now on ask for the next refresh: this one may read the archive too early
    # to see them.
    cache.delete(WORDS_REFRESH_PENDING)
    with connection.cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY articles_search_word")
        cursor.execute("SELECT count(*) FROM articles_search_word")
        return cursor.fetchone()[0]


def _nearest_elsewhere(word: str) -> str:
    """Without pg_trgm: the closest word (difflib) among the headlines and standfirsts of
    the newest stories, and the names of tags and authors."""
    from .models import Article, Author, Tag

    if len(word) < 3 or not word.isalpha():
        return ""
    texts = Article.objects.published().newest_first().values_list("headline", "dek")[:1000]
    vocabulary = {w for pair in texts for part in pair for w in re.findall(r"\w{3,}", part.lower())}
    vocabulary |= {
        w.lower() for name in Tag.objects.values_list("name", flat=True) for w in name.split()
    }
    vocabulary |= {
        w.lower() for name in Author.objects.values_list("name", flat=True) for w in name.split()
    }
    if word in vocabulary:
        return ""
    found = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
    return found[0] if found else ""


def newest_matches(queryset, query, people=(), tags=()):
    """The ids of the newest ``CANDIDATES`` articles of ``queryset`` matching ``query``,
    and of the newest ``NAMED`` stories of ``people`` and ``tags``, as SQL for an IN
    (``NEWEST_MATCHES``).

    The named stories are a part of the same UNION, not an OR beside it: PostgreSQL answers
    ``pk IN (...) OR pk IN (...)`` by testing every row of the table against both.

    SQL around the ORM's own for the matches, rather than a UNION of querysets: the recent
    window is read once (a CTE) and decides whether the wider windows are needed, and
    the ORM would take milliseconds of Python to compile the seven querysets that takes.
    """
    stories = queryset.order_by().values_list("pk", "published_at")
    matches = stories.filter(search_vector=query)
    matches_sql, matches_params = matches.query.get_compiler(using=queryset.db).as_sql()
    now = timezone.now()
    edges = [now - timedelta(days=days) for days in (RECENT_DAYS, *OLDER_WINDOWS)]
    older_sql, older_params = [], []
    for newer, older in itertools.pairwise([*edges, None]):
        window = "published_at < %s" + (" AND published_at >= %s" if older else "")
        older_sql.append(OLDER_WINDOW.format(matches=matches_sql, window=window))
        older_params += [*matches_params, newer, *([older] if older else []), CANDIDATES]
    named_sql, named_params = _named_part(stories, people, tags)
    named = NAMED if named_sql else 0
    sql = NEWEST_MATCHES.format(matches=matches_sql, named=named_sql, older="".join(older_sql))
    params = [
        *matches_params,
        edges[0],
        CANDIDATES,
        FREQUENT,
        *named_params,
        *older_params,
        *matches_params,
        CANDIDATES,
        CANDIDATES + named,
    ]
    # Only our own SQL and the ORM's is in the text; every value is a parameter.
    return RawSQL(sql, params)  # noqa: S611


def _named_part(stories: Any, people: list[Any], tags: list[Any]) -> tuple[str, list[Any]]:
    """``NAMED_STORIES`` for ``people`` and ``tags`` among ``stories``, with its parameters;
    nothing when the query names no one."""
    from .models import Article, Byline

    parts = []
    if people:
        bylines = Byline.objects.filter(author__in=people)
        parts.append(bylines.order_by().values_list("article_id"))
    if tags:
        tagged = Article.tags.through.objects.filter(tag__in=tags)
        parts.append(tagged.order_by().values_list("article_id"))
    if not parts:
        return "", []
    stories_sql, params = stories.query.get_compiler(using=stories.db).as_sql()
    compiled = [part.query.get_compiler(using=stories.db).as_sql() for part in parts]
    named_ids = " UNION ALL ".join(sql for sql, _ in compiled)
    params = [*params, *(value for _, values in compiled for value in values), NAMED]
    return NAMED_STORIES.format(stories=stories_sql, named_ids=named_ids), params


def _headline(text: str) -> SearchHeadline:
    """The passage of the body that matches ``text``, matches between ``START`` and ``STOP``.

    From the body's first ``PASSAGE_SOURCE`` characters: ts_headline parses all it is given,
    so a long feature would cost many times a news story, and a match that only comes
    later is shown as the story's opening lines.
    """
    return SearchHeadline(
        StripTags(Left(F("body"), PASSAGE_SOURCE)),
        SearchQuery(text, search_type="websearch", config=CONFIG),
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=35,
        min_words=15,
    )


def snippets(ids: list[int], text: str) -> dict[int, str]:
    """The snippet of each article of ``ids`` (one page of results): safe HTML, the passage
    that matches ``text`` with the matches in <mark>, else the standfirst. One query.

    On PostgreSQL the passages come from ts_headline, for this page alone: asking for them
    in the ranking query would build one for every candidate.
    """
    from .models import Article

    if not ids:
        return {}
    rows = Article.objects.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        found = rows.annotate(passage=_headline(text)).values_list("pk", "passage", "dek")
        return {pk: _marked(passage) or escape(dek) for pk, passage, dek in found}
    found = rows.values_list("pk", "body", "dek")
    return {pk: _substring_snippet(body, text) or escape(dek) for pk, body, dek in found}


def _marked(passage):
    if not passage:
        return ""
    passage = re.sub(r"\s+", " ", html.unescape(passage)).strip()
    marked = escape(passage).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(marked)  # noqa: S308 - escaped above; only our own <mark> is added


def _substring_snippet(body, text, width=110):
    """Where PostgreSQL is not there to do it: the words around the first match in ``body``."""
    words = [w for w in fold(clean_query(text)).split() if len(w) > 1]
    if not words:
        return ""
    body = " ".join(html.unescape(strip_tags(body)).split())
    pattern = _FoldedPattern(words)
    found = pattern.search(body)
    if not found:
        return ""
    start = max(0, found[0] - width)
    end = min(len(body), found[1] + width)
    # Whole words only at the cut edges.
    if start:
        start = body.find(" ", start, found[0]) + 1 or start
    if end < len(body):
        cut = body.rfind(" ", found[1], end)
        end = cut if cut > 0 else end
    passage = body[start:end]
    pieces, last = [], 0
    for match_start, match_end in pattern.finditer(passage):
        pieces += [
            escape(passage[last:match_start]),
            "<mark>",
            escape(passage[match_start:match_end]),
            "</mark>",
        ]
        last = match_end
    pieces.append(escape(passage[last:]))
    prefix, suffix = ("… " if start else ""), (" …" if end < len(body) else "")
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece is escaped


class _FoldedPattern:
    """Finds folded ``words`` in a text, giving the matches' places in the text as written
    ("rio" marks "Río")."""

    def __init__(self, words):
        self.regex = re.compile("|".join(re.escape(w) for w in words))

    def finditer(self, text):
        folded, places = [], []
        for i, char in enumerate(text):
            piece = fold(char)
            folded.append(piece)
            places += [i] * len(piece)
        places.append(len(text))
        for match in self.regex.finditer("".join(folded)):
            # A match ends after the last character it took a piece of.
            yield places[match.start()], places[match.end() - 1] + 1

    def search(self, text):
        return next(self.finditer(text), None)
