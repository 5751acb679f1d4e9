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
"""

import html
import itertools
import re
from datetime import timedelta

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import Func, RawSQL
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

CONFIG = "english"
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
# Control characters cannot occur in a sanitised body, so they mark matches unambiguously.
START, STOP = "\x02", "\x03"


class StripTags(Func):
    """The body as text, for snippets: tags become spaces."""

    function = "regexp_replace"
    template = "%(function)s(%(expressions)s, '<[^>]+>', ' ', 'g')"


def clean_query(text):
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def search(queryset, text):
    """``queryset`` narrowed to matches of ``text``, best first, each with a ``snippet``."""
    text = clean_query(text)
    if not text:
        return queryset.none()
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        # A common word matches most of the archive. Rank the newest matches only: in news,
        # recency comes first, and ranking every match would cost seconds at scale.
        return (
            queryset.filter(pk__in=newest_matches(queryset, query))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-pk")
            # The vector is only ranked in the database; sent out it is kilobytes of text
            # for each result, parsed and never read.
            .defer("search_vector")
        )
    # SQLite and others: every word must appear somewhere; headline matches come first.
    words = text.split()[:8]
    match = Q()
    in_headline = Q()
    for word in words:
        match &= Q(headline__icontains=word) | Q(dek__icontains=word) | Q(body__icontains=word)
        in_headline &= Q(headline__icontains=word)
    return (
        queryset.filter(match)
        .annotate(
            rank=Case(
                When(in_headline, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def newest_matches(queryset, query):
    """The ids of the newest ``CANDIDATES`` articles of ``queryset`` matching ``query``,
    as SQL for an IN (``NEWEST_MATCHES``).

    SQL around the ORM's own for the matches, rather than a UNION of querysets: the recent
    window is read once (a CTE) and decides whether the wider windows are needed, and
    the ORM would take milliseconds of Python to compile the seven querysets that takes,
    twice a page (the count, then the results).
    """
    matches = queryset.filter(search_vector=query).order_by().values_list("pk", "published_at")
    matches_sql, matches_params = matches.query.get_compiler(using=queryset.db).as_sql()
    now = timezone.now()
    edges = [now - timedelta(days=days) for days in (RECENT_DAYS, *OLDER_WINDOWS)]
    older_sql, older_params = [], []
    for newer, older in itertools.pairwise([*edges, None]):
        window = "published_at < %s" + (" AND published_at >= %s" if older else "")
        older_sql.append(OLDER_WINDOW.format(matches=matches_sql, window=window))
        older_params += [*matches_params, newer, *([older] if older else []), CANDIDATES]
    sql = NEWEST_MATCHES.format(matches=matches_sql, older="".join(older_sql))
    params = [
        *matches_params,
        edges[0],
        CANDIDATES,
        FREQUENT,
        *older_params,
        *matches_params,
        CANDIDATES,
        CANDIDATES,
    ]
    # Only our own SQL and the ORM's is in the text; every value is a parameter.
    return RawSQL(sql, params)  # noqa: S611


def add_snippets(articles, text):
    """Give each of ``articles`` (one page of results) a ``snippet``: safe HTML, the matching
    passage with matches in <mark>, else the dek.

    On PostgreSQL the passages come from one ts_headline query for the page alone; asking
    for them in the search query itself would build one for every ranked candidate.
    """
    raw = {}
    if connection.vendor == "postgresql" and articles:
        query = SearchQuery(clean_query(text), search_type="websearch", config=CONFIG)
        headline = SearchHeadline(
            StripTags(F("body")),
            query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
        )
        raw = dict(
            type(articles[0])
            .objects.filter(pk__in=[a.pk for a in articles])
            .annotate(passage=headline)
            .values_list("pk", "passage")
        )
    for article in articles:
        article.snippet = _marked(raw.get(article.pk)) or (
            _substring_snippet(article, text) or article.dek
        )


def _marked(passage):
    if not passage:
        return ""
    passage = re.sub(r"\s+", " ", html.unescape(passage)).strip()
    marked = escape(passage).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(marked)  # noqa: S308 - escaped above; only our own <mark> is added


def _substring_snippet(article, text, width=110):
    """Where PostgreSQL is not there to do it: the words around the first match in the body."""
    words = [w for w in clean_query(text).split() if len(w) > 1]
    if not words:
        return ""
    body = " ".join(html.unescape(strip_tags(article.body)).split())
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    found = pattern.search(body)
    if not found:
        return ""
    start = max(0, found.start() - width)
    end = min(len(body), found.end() + width)
    # Whole words only at the cut edges.
    if start:
        start = body.find(" ", start, found.start()) + 1 or start
    if end < len(body):
        cut = body.rfind(" ", found.end(), end)
        end = cut if cut > 0 else end
    passage = body[start:end]
    pieces, last = [], 0
    for match in pattern.finditer(passage):
        pieces += [
            escape(passage[last : match.start()]),
            "<mark>",
            escape(match.group()),
            "</mark>",
        ]
        last = match.end()
    pieces.append(escape(passage[last:]))
    prefix, suffix = ("… " if start else ""), (" …" if end < len(body) else "")
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece is escaped
