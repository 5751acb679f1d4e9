"""Articles' parts rendered when they change, stored with them (``RenderedArticle``).

An article page's expensive parts (the article element with its figures expanded, each
photo's ``srcset`` and credit, the ``<head>`` tags and the JSON-LD) and its content API
document (ninjs, ``api.ninjs``) are rendered after a write readers could see commits, not
when a reader asks: the page and the API then read them with the article's row. What a
write touched is gathered per transaction by ``articles.edge.touched`` (the same keys
that purge the caches); once it commits, :func:`refresh_after_write` renders

- the articles written (a save, a publication, a correction, a byline or tag change) at
  once, in the request that wrote them;
- the articles showing a photo, author, section or tag that changed: at once when they
  are a few (``SYNC_LIMIT``), else by a task (:func:`refresh_showing`), which then drops
  the pages it changed from the caches again.

Only published (and scheduled) articles are rendered; a row of one that is no longer
published is deleted. A missing row (an article published before this existed, or one
dropped while a task re-renders the stories showing a changed photo) is rendered by the
first reader (:func:`stored_parts`, :func:`stored_for`), and so is a row stored before
the API document was (its ``ninjs`` is null, migration 0017); ``manage.py
render_articles`` renders them all ahead of readers.

However many articles are rendered together (a page of the API, a task's batch), it costs
the same few queries: their people, tags, corrections, photos and credits are loaded one
query per kind for them all (:func:`render_many`), and their rows written with one upsert
(:func:`store_many`).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from api import ninjs
from photos import renditions
from photos.models import Photo

from . import seo
from .models import Article, Byline, RenderedArticle, Status
from .richtext import embedded_photo_ids, expand_embeds

# More articles than this showing a changed photo, author, section or tag are rendered by
# a task rather than in the editor's request.
SYNC_LIMIT = 20
# The kinds of keys whose objects articles show (``photo-9``): their writes fan out.
SHOWN_KINDS = ("photo", "author", "section", "tag")


def load_photos(articles: list[Article]) -> dict[int, Photo]:
    """The body's photos and the lead photos of ``articles``, with the renditions of all
    of them, in one query (``renditions.photos_with_renditions``); each lead photo is set
    on its article."""
    ids = {pk for a in articles for pk in embedded_photo_ids(a.body)}
    ids |= {a.lead_photo_id for a in articles if a.lead_photo_id}
    photos = renditions.photos_with_renditions(ids) if ids else {}
    for article in articles:
        if article.lead_photo_id:
            article.lead_photo = photos.get(article.lead_photo_id)
    return photos


def expand_body(article: Article, photos: dict[int, Photo]) -> str:
    # Without a lead photo, the body's first photo is in the first screen: load it at once.
    return expand_embeds(article.body, photos, eager_first=not article.lead_photo_id)


def render_bodies(articles: list[Article]) -> list[str]:
    """Each article's body with photo embeds expanded: the photos in one query
    (:func:`load_photos`), the lead photos' credits (for the JSON-LD) in one more."""
    photos = load_photos(articles)
    prefetch_related_objects([a.lead_photo for a in articles if a.lead_photo], "credits")
    return [expand_body(a, photos) for a in articles]


def load_for_pages(articles: list[Article]) -> None:
    """What the pages of ``articles`` (read by ``for_page()``) show of them, one query per
    kind of thing for them all, as ``Article.load_for_page`` does for one: bylines with
    their authors and the authors' photos, those photos' renditions, tags, and the
    corrections of the articles ``for_page()`` found some for."""
    # The author box under the story shows each author's photo, with its renditions.
    bylines = Byline.objects.select_related("author__photo").prefetch_related(
        "author__photo__renditions"
    )
    prefetch_related_objects(articles, Prefetch("bylines", bylines), "tags")
    # Corrections are rare: not asked for where ``for_page()`` found none.
    corrected = [a for a in articles if getattr(a, "has_corrections", True)]
    prefetch_related_objects(corrected, "corrections")


def render_parts(
    article: Article, *, preview: bool = False, unpublished: bool = False
) -> dict[str, Any]:
    """The parts of ``article``'s page that do not change by request: title, head tags,
    JSON-LD, the article element, and the keys of what they show; and, for a stored row
    (neither a preview nor ``unpublished``), its ninjs document for the content API.

    ``unpublished``: a story readers cannot see yet, shown by a share link (``sharing``)
    or a staff preview: without the readers' share buttons and without a publication
    time, which it does not have.
    """
    return render_many([article], preview=preview, unpublished=unpublished)[0]


def render_many(
    articles: list[Article], *, preview: bool = False, unpublished: bool = False
) -> list[dict[str, Any]]:
    """:func:`render_parts` of each of ``articles``, in order, in a fixed number of queries
    however many they are and whatever they show."""
    load_for_pages(articles)
    photos = load_photos(articles)
    # Credits of every photo: the lead's for the JSON-LD, all of them for the ninjs.
    prefetch_related_objects(list(photos.values()), "credits")
    return [
        _parts(article, photos, preview=preview, unpublished=unpublished) for article in articles
    ]


def _parts(
    article: Article, photos: dict[int, Photo], *, preview: bool, unpublished: bool
) -> dict[str, Any]:
    body = expand_body(article, photos)
    meta = seo.article_metadata(article)
    context = {
        "article": article,
        "body": body,
        "meta": meta,
        "preview": preview or unpublished,
        "unpublished": unpublished,
        "site_name": settings.NEWSROOM["SITE_NAME"],
    }
    parts = {
        "title": meta["title"],
        "head": render_to_string("includes/article_head.html", context),
        "json_ld": meta["json_ld"],
        "html": render_to_string("includes/article.html", context),
        "keys": " ".join(sorted(shown_keys(article))),
    }
    if not (preview or unpublished):
        # Without the embargo time, which depends on who asks and when: the API adds it.
        parts["ninjs"] = ninjs.document(article, photos)
    return parts


def shown_keys(article: Article) -> set[str]:
    """The surrogate keys of what the page and the document of ``article`` (loaded by
    ``load_for_page``) show: a write to any of them renders them anew."""
    keys = {f"article-{article.pk}"}
    if article.section_id is not None:  # a draft's preview may have none yet
        keys.add(f"section-{article.section_id}")
    for byline in article.bylines.all():
        keys.add(f"author-{byline.author_id}")
        # The author box shows the author's photo: a new crop or rendition of it changes
        # the story's page (choosing another photo is the author's own save).
        if byline.author.photo_id:
            keys.add(f"photo-{byline.author.photo_id}")
    keys |= {f"tag-{tag.pk}" for tag in article.tags.all()}
    keys |= {f"photo-{pk}" for pk in embedded_photo_ids(article.body)}
    if article.lead_photo_id:
        keys.add(f"photo-{article.lead_photo_id}")
    return keys


def refresh(ids: Iterable[int]) -> int:
    """Render and store the parts of the published articles of ``ids``; the count."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    # A row of a story no longer published goes: it is rendered anew if it comes back.
    RenderedArticle.objects.filter(article_id__in=ids).exclude(
        article__status=Status.PUBLISHED
    ).delete()
    return len(_render_published(ids))


def _render_published(ids: list[int]) -> dict[int, RenderedArticle]:
    """The stored rows of the published articles of ``ids``, rendered now (one is not
    published any more: left out)."""
    found = Article.objects.for_page().filter(pk__in=ids, status=Status.PUBLISHED)
    return store_many(list(found))


# What a render writes: every column but the article's.
RENDERED_FIELDS = ["title", "head", "json_ld", "html", "keys", "ninjs", "rendered_at"]


def store_many(articles: list[Article]) -> dict[int, RenderedArticle]:
    """Render ``articles`` (read by ``for_page()``) and store their rows, new or replacing
    the stored ones, with one upsert (:func:`render_many`); the rows by article id."""
    if not articles:
        return {}
    now = timezone.now()
    rows = [
        RenderedArticle(article_id=article.pk, rendered_at=now, **parts)
        for article, parts in zip(articles, render_many(articles), strict=True)
    ]
    # In the order of the key: two writers of the same rows (a reader, a task) lock them
    # in the same order, never each waiting for the other.
    rows.sort(key=lambda row: row.article_id)
    RenderedArticle.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["article"], update_fields=RENDERED_FIELDS
    )
    return {row.article_id: row for row in rows}


def store(article: Article) -> RenderedArticle:
    return store_many([article])[article.pk]


def _stored(article: Article) -> RenderedArticle | None:
    """The row read with ``article`` (``select_related("rendered")``), unless it has none
    or one stored before the API document was."""
    try:
        rendered = article.rendered
    except RenderedArticle.DoesNotExist:
        return None
    return None if rendered.ninjs is None else rendered


def stored_parts(article: Article) -> RenderedArticle:
    """The stored parts of ``article`` (loaded with ``select_related("rendered")``), or
    rendered now when it has none yet."""
    return _stored(article) or store(article)


def stored_for(articles: list[Article]) -> dict[int, RenderedArticle]:
    """The stored parts of ``articles`` (rows of any fields, read with
    ``select_related("rendered")``) by id; those with none yet are rendered now, all in
    the same few queries (their full rows, what they show, one write) however many they
    are. One no longer published is left out."""
    found = {a.pk: row for a in articles if (row := _stored(a)) is not None}
    missing = [a.pk for a in articles if a.pk not in found]
    if missing:
        found.update(_render_published(missing))
    return found


def _showing(keys: Iterable[str]) -> list[QuerySet[Any]]:
    """Querysets of the published articles showing the photos, authors, sections and tags
    that ``keys`` name (``photo-9``; not ``section-3-list``)."""
    wanted: dict[str, set[int]] = {kind: set() for kind in SHOWN_KINDS}
    for key in keys:
        kind, _, pk = key.partition("-")
        if kind in wanted and pk.isdigit():
            wanted[kind].add(int(pk))
    published = Article.objects.filter(status=Status.PUBLISHED)
    queries = []
    if wanted["section"]:
        queries.append(published.filter(section_id__in=wanted["section"]))
    if wanted["tag"]:
        queries.append(published.filter(tags__in=wanted["tag"]))
    if wanted["author"]:
        bylined = Byline.objects.filter(author_id__in=wanted["author"]).values("article_id")
        queries.append(published.filter(pk__in=bylined))
    if wanted["photo"]:
        # As ``ArticleQuerySet.showing_photo``, from the ids alone (a photo may be gone),
        # and the stories of the authors it portrays (their author box): one query for
        # any number of photos.
        portrayed = Byline.objects.filter(author__photo_id__in=wanted["photo"])
        shows = Q(lead_photo_id__in=wanted["photo"]) | Q(pk__in=portrayed.values("article_id"))
        for pk in sorted(wanted["photo"]):
            shows |= Q(body__contains=f'data-photo="{pk}"')
        queries.append(published.filter(shows))
    return queries


def showing(keys: Iterable[str], limit: int | None = None) -> list[int]:
    """The ids of published articles showing what ``keys`` name, at most ``limit`` (+1,
    to tell there are more)."""
    found: set[int] = set()
    for query in _showing(keys):
        ids = query.values_list("pk", flat=True).distinct()
        found.update(ids if limit is None else ids[: limit + 1 - len(found)])
        if limit is not None and len(found) > limit:
            break
    return sorted(found)


def forget(keys: Iterable[str], articles: Iterable[int]) -> None:
    """Drop the stored parts of ``articles`` and of the articles showing what ``keys``
    name, in the writing transaction: once it commits, no reader gets parts older than
    the write (a missing row is rendered by the first reader or after the commit)."""
    stored = RenderedArticle.objects.all()
    if articles:
        stored.filter(article_id__in=list(articles)).delete()
    for query in _showing(keys):
        stored.filter(article_id__in=query.values("pk")).delete()


def refresh_after_write(keys: set[str], articles: set[int]) -> None:
    """After a commit: render the articles written, and those showing what changed; in
    the request when they are a few, else by a task (an import's batch, a photo shown by
    hundreds of stories)."""
    fans_out = any(key.partition("-")[0] in SHOWN_KINDS for key in keys)
    if len(articles) > SYNC_LIMIT:
        _later(keys if fans_out else set(), articles)
        return
    refresh(articles)
    if not fans_out:
        return
    fanned = showing(keys, limit=SYNC_LIMIT)
    if len(fanned) <= SYNC_LIMIT:
        refresh(set(fanned) - articles)
    else:
        _later(keys, set())


def _later(keys: set[str], articles: set[int]) -> None:
    from background.queueing import enqueue_or_keep

    enqueue_or_keep(refresh_showing, [], {"keys": sorted(keys), "articles": sorted(articles)})


@task()
def refresh_showing(keys: list[str], articles: list[int] | None = None) -> int:
    """Render ``articles`` and every article showing the objects of ``keys``, then drop
    their pages from the caches once more (readers may have been served the parts they
    replace)."""
    from . import edge

    ids = sorted(set(showing(keys)) | set(articles or ()))
    for start in range(0, len(ids), 200):
        refresh(ids[start : start + 200])
    edge.committed(set(keys) | {f"article-{pk}" for pk in ids}, set(), render=False)
    return len(ids)
