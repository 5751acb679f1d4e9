"""Caching of public pages: shared caches and our own cache may keep them, staff pages never.

A page is cached under a key made from its path and the *site state*: a token that every
write to published content replaces, and the time of the next scheduled story. Lifetimes
are capped at that time, so a cached list never hides a scheduled story once it is due.

The state itself lives in the cache, so a page served from the cache reads nothing from
the database. Every write path replaces it: model saves and deletes (signals), the
article queryset's bulk writes (``articles.signals.content_changed``), again once the
transaction commits. A per-process cache (the local-memory default) cannot hear another
process's writes, so there the state is read again every few seconds: another process's
article saves (they move ``updated_at``) and stories coming due show then, while its
edits of corrections or photos wait for the page lifetime. With a shared cache (Redis in
production) every process sees every write at once.
"""

import contextvars
import hashlib
import math
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from newsroom.breaker import breaker
from newsroom.errors import DATABASE_DOWN, RETRY_AFTER_SECONDS

from .models import Article, Status
from .signals import content_changed

T = TypeVar("T")
View = Callable[..., HttpResponse]

MAX_AGE = 60  # seconds: short, because a correction or a take-down must reach readers soon
# How long a process-local cache may trust the state another process may have replaced.
LOCAL_STATE_SECONDS = 2
STATE_KEY = "site-state"
# Replaced by every write; part of the state's token (kept until the next write).
GENERATION_KEY = "site-generation"
# The state a page is being made for, and the pieces already fetched for it: they are
# all kept under the same state, and a piece asked for twice (the menu) is read once.
_rendering: contextvars.ContextVar[tuple[dict[str, Any], dict[str, Any]] | None] = (
    contextvars.ContextVar("site_state", default=None)
)
# Query parameters the cached views read: pages (lists, sitemaps) and the search words.
PAGE_PARAMS = {"page", "p", "q"}
KEPT_HEADERS = (
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Content-Language",
    "X-Robots-Tag",
    KEYS_HEADER := "xkey",
)
# The surrogate keys of what the page being made shows (``add_keys``), for the edge cache:
# a write purges exactly the pages carrying its keys (articles/edge.py).
_keys: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("page_keys", default=None)


def site_state(now: datetime) -> dict[str, Any]:
    """The state pages are cached under: ``token``, ``changed`` and ``next_due``.

    Read from the cache; on a miss (after a write, when the next scheduled story is due,
    or when a process-local copy is no longer trusted) read again by two index reads.
    The token is made of what was read and of the generation that every write replaces:
    reading an unchanged site again gives the same token, so cached pages stay valid.
    """
    state = cache.get(STATE_KEY)
    if state is None or (state["next_due"] is not None and state["next_due"] <= now):
        breaker.check()  # while the database is known to be down, do not wait for it
        state = _read_state(now)
        cache.set(STATE_KEY, state, _state_lifetime(state, now))
    _last_state[STATE_KEY] = state
    return state


# The last state this process knew, per process: while the database is down, pages kept
# under it are still the site's latest (no write can have happened without the database).
_last_state: dict[str, dict[str, Any]] = {}
# Says that a page comes from the cache because the database cannot be reached.
STALE_HEADER = "X-Served-Stale"


def _outage_state(exc: Exception) -> dict[str, Any]:
    """The state to serve cached pages under when reading it failed with ``exc``."""
    breaker.failed(exc)
    state = _last_state.get(STATE_KEY)
    if state is None or not breaker.is_open():
        raise exc
    return state


def _read_state(now):
    newest = Article.objects.order_by("-updated_at").values_list("updated_at", flat=True)
    due = (
        Article.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
    )
    changed, next_due = newest.first(), due.first()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    token = hashlib.sha256(f"{generation}|{changed}|{next_due}".encode()).hexdigest()[:32]
    return {"token": token, "changed": changed, "next_due": next_due}


def _state_lifetime(state, now):
    # By class, not by name: a subclass (or the same class under another path) is still
    # a copy of its own in each process.
    local = isinstance(caches["default"], LocMemCache)
    return min(LOCAL_STATE_SECONDS if local else MAX_AGE, lifetime(state, now))


def forget_site_state(**kwargs: Any) -> None:
    """Content changed: pages made from here on get new keys. Again after the commit, so a
    page made from what was read before the commit is not kept under the new state."""
    _new_generation()
    transaction.on_commit(_new_generation, robust=True)


def _new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    cache.delete(STATE_KEY)


# What readers see is made of these; a write to any of them changes pages.
PUBLIC_MODELS = (
    "articles.Article",
    "articles.Byline",
    "articles.Correction",
    "articles.Author",
    "articles.Section",
    "articles.Tag",
    "articles.ArticleRedirect",
    "photos.Photo",
    "photos.Credit",
    "photos.Rendition",
)


def connect_signals() -> None:
    from django.apps import apps

    for name in PUBLIC_MODELS:
        model = apps.get_model(name)
        for signal in (post_save, post_delete):
            signal.connect(forget_site_state, sender=model, dispatch_uid=f"site-state-{name}")
    m2m_changed.connect(
        forget_site_state, sender=Article.tags.through, dispatch_uid="site-state-article-tags"
    )
    content_changed.connect(forget_site_state, dispatch_uid="site-state-bulk")

    from . import edge

    edge.connect_signals()


def site_fragment(name: str, make: Callable[[], T]) -> T:
    """A piece of pages (the section menu, an article's parts) made once per site state."""
    return site_fragments([name], lambda missing: {name: make()})[name]


def site_fragments(
    names: Iterable[str], make: Callable[[list[str]], dict[str, Any]]
) -> dict[str, Any]:
    """Many pieces at once: {name: value}, from one cache read; ``make(missing)`` returns
    {name: value} for the names the cache did not have, and they are kept."""
    state, seen = _rendering.get() or (site_state(timezone.now()), {})
    keys = {name: f"fragment:{name}:{state['token']}" for name in names}
    found = cache.get_many([key for key in keys.values() if key not in seen])
    values = {name: seen.get(key, found.get(key)) for name, key in keys.items()}
    missing = [name for name, value in values.items() if value is None]
    if missing:
        made = make(missing)
        cache.set_many({keys[name]: value for name, value in made.items()}, MAX_AGE)
        values.update(made)
    seen.update((keys[name], value) for name, value in values.items())
    return values


def lifetime(state: dict[str, Any], now: datetime) -> int:
    if state["next_due"] is None:
        return MAX_AGE
    return max(1, min(MAX_AGE, math.ceil((state["next_due"] - now).total_seconds())))


def make_private(response: HttpResponse) -> HttpResponse:
    """For staff, previews and anything personal: no shared or stored copy anywhere."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def make_public(response: HttpResponse, max_age: int) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Cookie"])
    return response


def add_keys(*keys: str) -> None:
    """Name what the page being made shows (``article-42``, ``section-3``, ``home``...)."""
    collected = _keys.get()
    if collected is not None:
        collected.update(keys)


def edge_cache_control(response: HttpResponse, state: dict[str, Any], now: datetime) -> None:
    """Let the edge keep a public page for long: it is purged by key on every change.

    Capped at the next scheduled story, without grace: the edge must fetch every page
    anew when the story is due (nothing purges then), and never serve the old one.
    """
    if not settings.EDGE_CACHE_URL:
        return
    s_maxage = settings.EDGE_S_MAXAGE
    if state["next_due"] is not None:
        s_maxage = min(s_maxage, math.ceil((state["next_due"] - now).total_seconds()))
    options: dict[str, Any] = {"s_maxage": max(1, s_maxage)}
    if s_maxage == settings.EDGE_S_MAXAGE and response.status_code == 200:
        options["stale_while_revalidate"] = settings.EDGE_GRACE
    patch_cache_control(response, **options)


def cached_page(view: View) -> View:
    """Serve anonymous GETs of ``view`` from the cache; answer conditional requests with 304."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return make_private(view(request, *args, **kwargs))
        now = timezone.now()
        try:
            state, stale = site_state(now), False
        except DATABASE_DOWN as exc:
            state, stale = _outage_state(exc), True
        # A page served during an outage is not the edge's to keep for long.
        max_age = min(lifetime(state, now), RETRY_AFTER_SECONDS) if stale else lifetime(state, now)
        collecting = _keys.set(set())
        try:
            response = _cached_response(request, view, state, max_age, *args, **kwargs)
            keys = _keys.get() or set()
        finally:
            _keys.reset(collecting)
        if keys and not response.has_header(KEYS_HEADER):
            response[KEYS_HEADER] = " ".join(sorted(keys))
        make_public(response, max_age)
        if stale:
            response[STALE_HEADER] = "database-unavailable"
        else:
            edge_cache_control(response, state, now)
        if response.status_code != 200:
            return response
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=_timestamp(response.get("Last-Modified")),
            response=response,
        )

    # newsroom.middleware lets these through while the database is down: they may answer
    # from the cache.
    wrapper.answers_during_outage = True  # type: ignore[attr-defined]
    return wrapper


def _cached_response(request, view, state, max_age, *args, **kwargs):
    """The page from the cache, or made by ``view`` (and kept when it may be)."""
    fingerprint = "|".join(
        # The host too: feeds and sitemaps write absolute URLs from it.
        str(part)
        for part in (request.get_host(), request.get_full_path(), state["token"])
    )
    key = "page:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    stored = cache.get(key)
    if stored is None:
        breaker.check()  # not in the cache, and the database is down: 503 at once
        rendering = _rendering.set((state, {}))
        try:
            response = view(request, *args, **kwargs)
        finally:
            _rendering.reset(rendering)
        if response.status_code != 200:
            return response
        if hasattr(response, "render"):
            response.render()
        # Every page shows the menu; feeds and sitemaps list the newest stories.
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            add_keys("menu")
        elif "sitemap" in request.path:
            add_keys("sitemap")
        elif "rss" in content_type or "atom" in content_type:
            add_keys("feed")
        if keys := _keys.get():
            response[KEYS_HEADER] = " ".join(sorted(keys))
        if not response.has_header("ETag"):
            # From the bytes, so it stays the same across new states and processes.
            response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        if not response.has_header("Last-Modified") and state["changed"]:
            response["Last-Modified"] = http_date(state["changed"].timestamp())
        headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
        # A query string the views do not read (tracking tags, a crawler's noise) gets
        # the page, made from the kept pieces, but is not kept itself: the cache holds
        # the site's pages, not one copy per made-up address.
        if set(request.GET) <= PAGE_PARAMS:
            cache.set(key, (response.content, headers), max_age)
    else:
        content, headers = stored
        response = HttpResponse(content)
        for header, value in headers.items():
            response[header] = value
    return response


def _timestamp(value):
    return parse_http_date_safe(value) if value else None
