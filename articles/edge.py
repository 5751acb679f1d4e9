"""The edge cache (Varnish with xkey, or a CDN with surrogate keys): what to purge, and when.

Every public response names what it shows in its ``xkey`` header (``article-42 section-3
author-7 tag-12 photo-9 home feed sitemap``, see ``caching.cached_page``). The edge keeps
pages for long (``EDGE_S_MAXAGE``) and this module purges exactly the keys a write
touches:

- writes of the public models (signals, the article queryset's bulk writes and workflow
  transitions) name the objects they touched, gathered per transaction;
- once the transaction commits, one task (:func:`purge_edge`) is enqueued with them; a
  rolled-back save purges nothing, and the editor's request never talks to the edge;
- the task turns articles into the keys of everything that lists them (their section,
  authors and tags, the home page, feeds and sitemaps), reading the committed rows, and
  sends one ``PURGE`` with an ``xkey-purge`` header; an unreachable edge is retried later
  (``background.retries``), never reported to the editor.

A scheduled story is not purged at its time: until it is due, every public page's
``s-maxage`` is capped at that time, without grace (``caching.edge_cache_control``), so
the edge fetches them anew when it arrives.

With ``EDGE_CACHE_URL`` empty (the default, ``make run``) nothing is gathered or sent.
"""

import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django_tasks import TaskContext, task

from background.queueing import enqueue_or_keep
from background.retries import retry_later

log = logging.getLogger(__name__)

# Keys of pages that list the newest stories: a publication or take-down changes them.
LISTING_KEYS = ("home", "feed", "sitemap", "missing")
# Seconds to wait for the edge; a purge is small and the edge is near.
PURGE_TIMEOUT = 5
# Header names of the purge request (read by deploy/varnish/default.vcl).
PURGE_HEADER = "xkey-purge"


def enabled() -> bool:
    return bool(getattr(settings, "EDGE_CACHE_URL", ""))


# Gathering what a transaction touched ---------------------------------------------------


def touched(keys: Iterable[str] = (), articles: Iterable[int] = (), *, shown: bool = True) -> None:
    """``keys`` and the pages of ``articles`` (ids) changed.

    At once, in the writing transaction: the stored parts of what shows them are dropped
    (``rendering.forget``: they commit with the write) and so are their pages in the page
    cache. Once the transaction commits (:func:`committed`): the parts are rendered, the
    pages dropped again (a reader may have made one from what was read before the commit)
    and the edge purged. Within one transaction everything touched is gathered.
    """
    from . import caching, rendering

    keys, articles = set(keys), {int(pk) for pk in articles if pk is not None}
    if not keys and not articles:
        return
    keys |= article_keys(articles)
    # ``shown=False``: no stored parts show it (a new photo).
    rendering.forget(keys if shown else (), articles)
    caching.invalidate(keys)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        committed(keys, articles)
        return
    pending = getattr(connection, "_edge_pending", None)
    # Django replaces the list of commit hooks after a commit or a rollback: what was
    # gathered under another list belongs to a transaction that is over.
    if pending is None or pending["hooks"] is not connection.run_on_commit:
        pending = {"keys": set(), "articles": set(), "hooks": connection.run_on_commit}
        connection._edge_pending = pending
    pending["keys"] |= keys
    pending["articles"] |= articles

    def flush() -> None:
        # The first hook to run after the commit takes everything gathered; the others
        # find nothing left. (A hook per write: a rolled-back savepoint drops only its own.)
        if getattr(connection, "_edge_pending", None) is not pending:
            return
        connection._edge_pending = None
        committed(pending["keys"], pending["articles"])

    transaction.on_commit(flush, robust=True)


def committed(keys: set[str], articles: set[int], *, render: bool = True) -> None:
    """After a commit: the stored parts first (``articles.rendering``), so that no page is
    made anew from the parts being replaced; then the page cache and the edge."""
    from . import caching, rendering, search

    if render:
        rendering.refresh_after_write(keys, articles)
    if "home" in keys:  # a public story was written: "Did you mean" may learn its words
        search.words_changed(articles)
    # A section's first story published, or its last taken down, changes every page's menu.
    if articles and caching.menu_changed():
        keys = keys | {"menu"}
    caching.invalidate(keys)
    if enabled():
        _enqueue(keys, set())


def _enqueue(keys: set[str], articles: set[int]) -> None:
    enqueue_or_keep(purge_edge, [], {"keys": sorted(keys), "articles": sorted(articles)})


# The purge task -------------------------------------------------------------------------


class EdgeUnreachable(Exception):
    pass


@task(takes_context=True)
def purge_edge(context: TaskContext, keys: list[str], articles: list[int], attempt: int = 1) -> int:
    """Purge ``keys`` and everything showing ``articles`` from the edge; the key count."""
    all_keys = sorted(set(keys) | article_keys(articles))
    if not all_keys or not enabled():
        return 0
    try:
        send_purge(all_keys)
    except (OSError, EdgeUnreachable) as error:
        # The keys, not the articles: what listed them when they changed is what to purge.
        retry_later(context, attempt, keys=all_keys, articles=[])
        raise EdgeUnreachable(f"Purge of {len(all_keys)} key(s) failed: {error}") from error
    return len(all_keys)


def article_keys(ids: Iterable[int]) -> set[str]:
    """The keys of pages showing or listing the articles ``ids``, as committed now.

    Pages showing an article carry its own key; the lists it joins carry their section's,
    authors' and tags' list keys (``section-3-list``: not ``section-3``, which every page
    showing the section's name carries) and the listing keys. A draft never listed
    anywhere needs only its own key, and the feeds and sitemaps (no keys per item).
    """
    from .models import Article, Byline, Status

    ids = sorted(set(ids))
    if not ids:
        return set()
    keys = {f"article-{pk}" for pk in ids}
    rows = list(Article.objects.filter(pk__in=ids).values_list("pk", "status", "section_id"))
    keys |= {"feed", "sitemap"}
    listed = [pk for pk, status, _ in rows if status == Status.PUBLISHED]
    if listed:
        keys |= set(LISTING_KEYS)
        keys |= {f"section-{section}-list" for pk, _, section in rows if pk in listed and section}
        authors = Byline.objects.filter(article_id__in=listed).values_list("author_id", flat=True)
        keys |= {f"author-{pk}-list" for pk in authors}
        tags = Article.tags.through.objects.filter(article_id__in=listed).values_list(
            "tag_id", flat=True
        )
        keys |= {f"tag-{pk}-list" for pk in tags}
    return keys


def send_purge(keys: list[str]) -> None:
    """One ``PURGE`` request naming ``keys``; raises when the edge does not confirm it."""
    url = settings.EDGE_CACHE_URL.rstrip("/") + "/"
    # Varnish's header lines are limited (8 KB by default): a long list goes in parts.
    for start in range(0, len(keys), 200):
        request = urllib.request.Request(  # noqa: S310 (an http URL from settings)
            url, method="PURGE", headers={PURGE_HEADER: " ".join(keys[start : start + 200])}
        )
        try:
            with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise EdgeUnreachable(f"{url} answered {status} to PURGE")


# What each write touches ----------------------------------------------------------------


def _article_saved(sender, instance, **kwargs):
    touched(articles=[instance.pk])


def _byline_or_correction(sender, instance, **kwargs):
    touched(keys=[f"article-{instance.article_id}"], articles=[instance.article_id])


def _author(sender, instance, **kwargs):
    touched(keys=[f"author-{instance.pk}"])


def _section(sender, instance, **kwargs):
    # The menu, with every section's name, is on every page.
    touched(keys=[f"section-{instance.pk}", "menu"])


def _tag(sender, instance, **kwargs):
    touched(keys=[f"tag-{instance.pk}"])


def _photo(sender, instance, created=False, **kwargs):
    # A new photo is shown by no stored article parts yet: nothing to drop.
    touched(keys=[f"photo-{instance.pk}"], shown=not created)


def _photo_part(sender, instance, **kwargs):
    touched(keys=[f"photo-{instance.photo_id}"])


def _redirect(sender, instance, **kwargs):
    touched(keys=["missing"], articles=[instance.article_id])


def _article_tags(sender, instance, action, pk_set, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    # The tag's list gains or loses the article; the tag itself did not change.
    if reverse:  # tag.articles.add(...): ``instance`` is the tag
        touched(keys=[f"tag-{instance.pk}-list"], articles=pk_set or ())
    else:
        touched(keys=[f"tag-{pk}-list" for pk in pk_set or ()], articles=[instance.pk])


# Rows of these name the article or the photo they belong to.
_OF_ARTICLE = ("articles.Byline", "articles.Correction", "articles.ArticleRedirect")
_OF_PHOTO = ("photos.Credit", "photos.Rendition")


def _bulk(sender, pks=None, **kwargs):
    """Queryset writes (``content_changed``): the pages of the rows they touched."""
    if not pks:
        return
    label = sender._meta.label
    if label == "articles.Article":
        touched(articles=pks)
    elif label in _OF_ARTICLE:
        touched(articles=sender.objects.filter(pk__in=pks).values_list("article_id", flat=True))
    elif label in _OF_PHOTO:
        photos = sender.objects.filter(pk__in=pks).values_list("photo_id", flat=True)
        touched(keys=[f"photo-{pk}" for pk in photos])
    else:  # authors, sections, tags, photos (an author's photo field is not its photo's)
        prefix = sender._meta.model_name
        touched(keys=[f"{prefix}-{pk}" for pk in pks] + (["menu"] if prefix == "section" else []))


def _after_transition(article, transition, by, comment):
    touched(articles=[article.pk])


RECEIVERS = {
    "articles.Article": _article_saved,
    "articles.Byline": _byline_or_correction,
    "articles.Correction": _byline_or_correction,
    "articles.Author": _author,
    "articles.Section": _section,
    "articles.Tag": _tag,
    "articles.ArticleRedirect": _redirect,
    "photos.Photo": _photo,
    "photos.Credit": _photo_part,
    "photos.Rendition": _photo_part,
}


def connect_signals() -> None:
    from django.apps import apps

    from . import workflow
    from .models import Article
    from .signals import content_changed

    for name, receiver in RECEIVERS.items():
        model = apps.get_model(name)
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"edge-{name}")
    m2m_changed.connect(_article_tags, sender=Article.tags.through, dispatch_uid="edge-tags")
    content_changed.connect(_bulk, dispatch_uid="edge-bulk")
    if _after_transition not in workflow.AFTER_TRANSITION:
        workflow.AFTER_TRANSITION.append(_after_transition)
