"""The read-only content API, /api/v1/: published articles as ninjs, and the sections,
authors and tags readers can see. Everything is read through ``Article.objects.published()``;
a key allowed embargoed stories also sees the scheduled ones, with their embargo time.

An article's ninjs document is stored with its page's rendered parts when it changes
(``articles.rendering``): a list or a detail reads the rows and their documents in one
query, and renders only those with none stored yet."""

from datetime import UTC, datetime
from typing import cast

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date, urlencode
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError

from articles import rendering
from articles.caching import KEYS_HEADER
from articles.models import Article, Author, Byline, Section, Tag, with_published_articles
from articles.seo import absolute

from . import cursors, ninjs, schemas
from .access import may_see_embargoed

# published(now=END_OF_TIME) is every published story, the scheduled ones included.
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)
ERRORS = {400: schemas.Error, 401: schemas.Error, 429: schemas.Error}

api = NinjaAPI(
    title="The Daily Ledger content API",
    version="1",
    description="Published articles as IPTC ninjs 2.1, with sections, authors and tags.",
    urls_namespace="api",
    openapi_url="/schema",
    docs_url=None,
)


@api.exception_handler(ValidationError)
def invalid_parameter(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    location = first.get("loc") or ()
    parameter = str(location[-1]) if location else None
    detail = f"{parameter}: {first.get('msg', 'invalid')}" if parameter else "Invalid request."
    return api.create_response(request, {"detail": detail, "parameter": parameter}, status=400)


@api.exception_handler(cursors.BadParameter)
def bad_parameter(request: HttpRequest, exc: cursors.BadParameter) -> HttpResponse:
    detail = f"{exc.parameter}: {exc}"
    return api.create_response(request, {"detail": detail, "parameter": exc.parameter}, status=400)


# What a list or a detail reads of each article, with its stored document and keys; the
# rest is read only to render a document not stored yet (``rendering.stored_for``).
ROW = ("pk", "status", "section_id", "published_at", "updated_at")
STORED = ("rendered__ninjs", "rendered__keys")


def visible(request: HttpRequest):
    found = Article.objects.published()
    if may_see_embargoed(request):
        found = Article.objects.published(now=END_OF_TIME)
    return found.select_related("rendered").only(*ROW, *STORED)


@api.get(
    "/articles",
    response={200: schemas.ArticlePage, **ERRORS},
    exclude_none=True,
    url_name="articles",
    summary="Published articles, newest first (or by update time with updated_since)",
)
def articles(request: HttpRequest, response: HttpResponse, filters: Query[schemas.ArticleFilters]):
    section, author, tag, cursor = filters.section, filters.author, filters.tag, filters.cursor
    found = visible(request)
    if section:
        found = found.filter(section__slug=section)
    if author:
        bylines = Byline.objects.filter(article=OuterRef("pk"), author__slug=author)
        found = found.filter(Exists(bylines))
    if tag:
        tagged = Article.tags.through.objects.filter(article=OuterRef("pk"), tag__slug=tag)
        found = found.filter(Exists(tagged))
    if filters.since:
        found = found.filter(published_at__gte=aware(filters.since, "since"))
    if filters.updated_since:
        # For partners syncing: every change after their last sync, oldest first, so a
        # story changed while they page through comes again at the end.
        sort, fields = "updated", ("updated_at", "pk")
        found = found.filter(updated_at__gt=aware(filters.updated_since, "updated_since"))
        if cursor:
            moment, pk = cursors.decode_time_and_id(cursor, sort)
            moment = aware(moment, "cursor")
            found = found.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
    else:
        sort, fields = "published", ("-published_at", "-pk")
        if cursor:
            moment, pk = cursors.decode_time_and_id(cursor, sort)
            moment = aware(moment, "cursor")
            found = found.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    page = list(found.order_by(*fields)[: filters.limit + 1])
    more, page = len(page) > filters.limit, page[: filters.limit]
    docs, keys = documents(page, may_see_embargoed(request))
    # Every write to an article stamps "feed" (articles.edge.article_keys): a list is made
    # anew after any publication, edit or take-down, as the feeds are.
    name(response, "feed", *(f"section-{a.section_id}-list" for a in page), *keys)
    result = {"items": docs}
    if more:
        last = page[-1]
        key = (last.updated_at, last.pk) if sort == "updated" else (last.published_at, last.pk)
        result["next_cursor"] = cursors.encode(sort, *key)
        query = {k: v for k, v in request.GET.items() if k != "cursor"}
        result["next"] = absolute(
            f"{request.path}?{urlencode({**query, 'cursor': result['next_cursor']})}"
        )
    return result


@api.get(
    "/articles/{pk}",
    response={200: schemas.Ninjs, 404: schemas.Error, **ERRORS},
    exclude_none=True,
    url_name="article",
    summary="One published article",
)
def article(request: HttpRequest, response: HttpResponse, pk: int):
    item = visible(request).filter(pk=pk).first()
    if item is None:
        raise Http404("No such article")
    docs, keys = documents([item], may_see_embargoed(request))
    if not docs:
        raise Http404("No such article")
    name(response, *keys)
    doc = docs[0]
    response["Last-Modified"] = http_date(item.updated_at.timestamp())
    return doc


def documents(articles: list[Article], embargo: bool) -> tuple[list[dict], set[str]]:
    """The ninjs documents of ``articles`` (read by ``visible``), and the surrogate keys
    of what they show: as stored, those not stored yet rendered now. With ``embargo``, a
    scheduled story says until when it is embargoed."""
    stored = rendering.stored_for(articles)
    now = timezone.now()
    docs, keys = [], set()
    for article in articles:
        rendered = stored.get(article.pk)
        if rendered is None:  # unpublished since its row was read
            continue
        doc = cast(dict, rendered.ninjs)  # never null in a row ``stored_for`` returns
        if embargo:
            doc = ninjs.embargoed(doc, article.published_at, now)
        docs.append(doc)
        keys.update(rendered.keys.split())
    return docs, keys


def name(response: HttpResponse, *keys: str) -> None:
    """Say what the answer shows, for the edge cache to purge it by (``xkey``)."""
    response[KEYS_HEADER] = " ".join(sorted(set(keys)))


@api.get("/sections", response={200: schemas.SectionList, **ERRORS}, url_name="sections")
def sections(request: HttpRequest, response: HttpResponse):
    found = with_published_articles(Section.objects.all(), "section").order_by("order", "name")
    items = [taxon(s) for s in found]
    name(response, "menu", "feed", *(f"section-{item['id']}" for item in items))
    return {"items": items}


@api.get("/authors", response={200: schemas.AuthorPage, **ERRORS}, url_name="authors")
def authors(request: HttpRequest, response: HttpResponse, page: Query[schemas.TaxonomyPage]):
    found = with_published_articles(Author.objects.all(), "bylines__author")
    return taxon_page(response, found, "authors", page.cursor, page.limit)


@api.get("/tags", response={200: schemas.TagPage, **ERRORS}, url_name="tags")
def tags(request: HttpRequest, response: HttpResponse, page: Query[schemas.TaxonomyPage]):
    found = with_published_articles(Tag.objects.all(), "tags")
    return taxon_page(response, found, "tags", page.cursor, page.limit)


def taxon_page(response, found, sort: str, cursor: str | None, limit: int) -> dict:
    if cursor:
        found = found.filter(pk__gt=cursors.decode_id(cursor, sort))
    page = list(found.order_by("pk")[: limit + 1])
    more, page = len(page) > limit, page[:limit]
    name(response, "feed", *(f"{sort[:-1]}-{item.pk}" for item in page))
    return {
        "items": [taxon(item) for item in page],
        "next_cursor": cursors.encode(sort, page[-1].pk) if more else None,
    }


def taxon(item) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "slug": item.slug,
        "url": absolute(item.get_absolute_url()),
    }


def aware(moment: datetime, parameter: str) -> datetime:
    """``moment`` in UTC: any offset ISO 8601 allows is read (PostgreSQL takes only those
    under 16 hours), and a time outside the calendar is refused."""
    if moment.tzinfo is None:
        raise cursors.BadParameter(parameter, "Give a time zone (e.g. 2026-01-31T09:00:00Z).")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise cursors.BadParameter(parameter, "Not a time the calendar has.") from None
