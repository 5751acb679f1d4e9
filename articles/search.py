"""Reader search: PostgreSQL full-text search, with a plain substring fallback elsewhere.

On PostgreSQL the document is weighted headline (A) over dek (B) over body (C); the GIN
index created in migration 0004 is built on exactly ``document()``, so the planner can use it.
"""

import html
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import Func
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# Control characters cannot occur in a sanitised body, so they mark matches unambiguously.
START, STOP = "\x02", "\x03"


def document():
    return (
        SearchVector("headline", weight="A", config=CONFIG)
        + SearchVector("dek", weight="B", config=CONFIG)
        + SearchVector("body", weight="C", config=CONFIG)
    )


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
        return (
            # Filtering on the document itself (@@) is what lets the GIN index serve it.
            queryset.annotate(document=document())
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
            .annotate(
                raw_snippet=SearchHeadline(
                    StripTags(F("body")), query, config=CONFIG, start_sel=START,
                    stop_sel=STOP, max_words=35, min_words=15,
                )
            )
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


def snippet(article):
    """Safe HTML: the matching passage with matches in <mark>, or the dek."""
    raw = getattr(article, "raw_snippet", None)
    if not raw:
        return article.dek
    text = re.sub(r"\s+", " ", html.unescape(raw)).strip()
    marked = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(marked)  # noqa: S308 - escaped above; only our own <mark> is added
