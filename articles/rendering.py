"""Articles' parts rendered when they change, stored with them (``RenderedArticle``).

An article page's expensive parts (the article element with its figures expanded, each
photo's ``srcset`` and credit, the ``<head>`` tags and the JSON-LD) are rendered after a
write readers could see commits, not when a reader asks: the page then reads them with
the article's row. What a write touched is gathered per transaction by
``articles.edge.touched`` (the same keys that purge the caches); once it commits,
:func:`refresh_after_write` renders

- the articles written (a save, a publication, a correction, a byline or tag change) at
  once, in the request that wrote them;
- the articles showing a photo, author, section or tag that changed: at once when they
  are a few (``SYNC_LIMIT``), else by a task (:func:`refresh_showing`), which then drops
  the pages it changed from the caches again.

Only published (and scheduled) articles are rendered; a row of one that is no longer
published is deleted. A missing row (an article published before this existed) is
rendered by the first reader (:func:`stored_parts`).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from photos import renditions

from . import seo
from .models import Article, Byline, RenderedArticle, Status
from .richtext import embedded_photo_ids, expand_embeds

# More articles than this showing a changed photo, author, section or tag are rendered by
# a task rather than in the editor's request.
SYNC_LIMIT = 20
# The kinds of keys whose objects articles show (``photo-9``): their writes fan out.
SHOWN_KINDS = ("photo", "author", "section", "tag")


def render_bodies(articles: list[Article]) -> list[str]:
    """Each article's body with photo embeds expanded.

    The body's photos and the lead photos, with the renditions of all of them, come in
    one query (``renditions.photos_with_renditions``); the lead photos' credits (for the
    JSON-LD) in one more.
    """
    ids = {pk for a in articles for pk in embedded_photo_ids(a.body)}
    ids |= {a.lead_photo_id for a in articles if a.lead_photo_id}
    photos = renditions.photos_with_renditions(ids) if ids else {}
    for article in articles:
        if article.lead_photo_id:
            article.lead_photo = photos.get(article.lead_photo_id)
    prefetch_related_objects([a.lead_photo for a in articles if a.lead_photo], "credits")
    # Without a lead photo, the body's first photo is in the first screen: load it at once.
    return [expand_embeds(a.body, photos, eager_first=not a.lead_photo_id) for a in articles]


def render_parts(article: Article, *, preview: bool = False) -> dict[str, Any]:
    """The parts of ``article``'s page that do not change by request: title, head tags,
    JSON-LD, the article element, and the keys of what they show."""
    article.load_for_page()
    body = render_bodies([article])[0]
    meta = seo.article_metadata(article)
    context = {
        "article": article,
        "body": body,
        "meta": meta,
        "preview": preview,
        "site_name": settings.NEWSROOM["SITE_NAME"],
    }
    keys = {f"article-{article.pk}", f"section-{article.section_id}"}
    keys |= {f"author-{byline.author_id}" for byline in article.bylines.all()}
    keys |= {f"tag-{tag.pk}" for tag in article.tags.all()}
    keys |= {f"photo-{pk}" for pk in embedded_photo_ids(article.body)}
    if article.lead_photo_id:
        keys.add(f"photo-{article.lead_photo_id}")
    return {
        "title": meta["title"],
        "head": render_to_string("includes/article_head.html", context),
        "json_ld": meta["json_ld"],
        "html": render_to_string("includes/article.html", context),
        "keys": " ".join(sorted(keys)),
    }


def refresh(ids: Iterable[int]) -> int:
    """Render and store the parts of the published articles of ``ids``; the count."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    # A row of a story no longer published goes: it is rendered anew if it comes back.
    RenderedArticle.objects.filter(article_id__in=ids).exclude(
        article__status=Status.PUBLISHED
    ).delete()
    count = 0
    for article in Article.objects.for_page().filter(pk__in=ids, status=Status.PUBLISHED):
        store(article)
        count += 1
    return count


def store(article: Article) -> RenderedArticle:
    parts = render_parts(article)
    rendered, _ = RenderedArticle.objects.update_or_create(
        article_id=article.pk, defaults={**parts, "rendered_at": timezone.now()}
    )
    return rendered


def stored_parts(article: Article) -> RenderedArticle:
    """The stored parts of ``article`` (loaded with ``select_related("rendered")``), or
    rendered now when it has none yet."""
    try:
        return article.rendered
    except RenderedArticle.DoesNotExist:
        return store(article)


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
        # As ``ArticleQuerySet.showing_photo``, from the ids alone (a photo may be gone):
        # one query for any number of photos.
        shows = Q(lead_photo_id__in=wanted["photo"])
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
