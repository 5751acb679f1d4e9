"""Reader search: PostgreSQL full-text search, with a plain substring fallback elsewhere.

On PostgreSQL the document is weighted headline (A) over dek (B) over body (C), stored in
``Article.search_vector`` by a trigger and indexed with GIN (migration 0007).
"""

import html
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import Func
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# How many of the newest matches are ranked by relevance (see search()).
CANDIDATES = 500
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
        newest = (
            queryset.filter(search_vector=query)
            .order_by("-published_at", "-pk")
            .values("pk")[:CANDIDATES]
        )
        return (
            queryset.filter(pk__in=newest)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-pk")
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
            rank=Case(When(in_headline, then=Value(1)), default=Value(0),
                      output_field=IntegerField())
        )
        .order_by("-rank", "-published_at", "-pk")
    )


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
            StripTags(F("body")), query, config=CONFIG, start_sel=START, stop_sel=STOP,
            max_words=35, min_words=15,
        )
        raw = dict(
            type(articles[0]).objects.filter(pk__in=[a.pk for a in articles])
            .annotate(passage=headline).values_list("pk", "passage")
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
        pieces += [escape(passage[last:match.start()]), "<mark>", escape(match.group()), "</mark>"]
        last = match.end()
    pieces.append(escape(passage[last:]))
    prefix, suffix = ("… " if start else ""), (" …" if end < len(body) else "")
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece is escaped
