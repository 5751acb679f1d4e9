"""Caching of public pages: shared caches and our own cache may keep them, staff pages never.

Every page names what it shows (``add_keys``: ``article-42``, ``section-3-list``,
``home``...), and so does every piece of pages kept on its own (``site_fragment``: the
menu, cards, counts). A write readers could see names the keys it touched
(``articles.edge.touched``: signals, the queryset writes of ``newsroom.signals``, workflow
transitions), and once its transaction commits, :func:`invalidate` stamps those keys with
the time. A kept page or piece is current while none of its keys was stamped after it
was made, so a publication drops its own article, its section's, authors' and tags'
lists, the home page, feeds and sitemaps, and nothing else; the edge is purged by the
same keys.

Lifetimes are capped at the next scheduled story, and what was made before the schedule
changed is not served after: a cached list never hides a scheduled story once it is due.
This *site state* (the time of the next scheduled story) is kept in the cache too, so a
page served from the cache reads nothing from the database.

A per-process cache (the local-memory default) cannot hear another process's writes, so
there the state also holds the time of the newest article save, read again every few
seconds: when it moved, the process drops what it kept (its own writes it hears at
once). With a shared cache (Redis in production) every process sees every write at once.
"""

import contextvars
import hashlib
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import parse_http_date_safe, quote_etag

from newsroom.breaker import breaker
from newsroom.errors import DATABASE_DOWN, RETRY_AFTER_SECONDS

from .models import Article, Status

T = TypeVar("T")
View = Callable[..., HttpResponse]

MAX_AGE = 60  # seconds: short, because a correction or a take-down must reach readers soon
# How long a process-local cache may trust the state another process may have replaced.
LOCAL_STATE_SECONDS = 2
STATE_KEY = "site-state"
# ``changed:<key>``: when a write last touched what pages with that key show.
CHANGED_PREFIX = "changed:"
# When the stamps began: a key with no stamp has not changed since.
EPOCH_KEY = CHANGED_PREFIX + "*"
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


@dataclass
class _Making:
    """The page being made: when it started, its state, its keys, the pieces it read."""

    started: float
    state: dict[str, Any] | None = None
    keys: set[str] = field(default_factory=set)
    seen: dict[str, Any] = field(default_factory=dict)


_making: contextvars.ContextVar[_Making | None] = contextvars.ContextVar("making", default=None)
# This process dropped everything it kept before this time (a per-process cache that saw
# another process's write), and the newest article save it knew of then.
_local: dict[str, Any] = {"dropped": 0.0, "changed": None}


# The site state -------------------------------------------------------------------------


def site_state(now: datetime) -> dict[str, Any]:
    """The state pages are cached under: ``next_due`` (and ``changed``, see the module).

    Read from the page being made, then the cache; on a miss (after an article write,
    when the next scheduled story is due, or when a process-local copy is no longer
    trusted) read again by two index reads.
    """
    making = _making.get()
    if making is not None and making.state is not None:
        return making.state
    state = cache.get(STATE_KEY)
    if state is None or (state["next_due"] is not None and state["next_due"] <= now):
        breaker.check()  # while the database is known to be down, do not wait for it
        state = _read_state(now)
        cache.set(STATE_KEY, state, _state_lifetime(state, now))
        if _is_local():
            _heard(state["changed"])
    _last_state[STATE_KEY] = state
    if making is not None:
        making.state = state
    return state


def prime_state(next_due: datetime | None) -> None:
    """The view read the next scheduled time with its own query (``next_due_query``): the
    page being made uses it rather than asking again, and a shared cache keeps it (a
    per-process one reads the whole state itself, to hear other processes' writes)."""
    making = _making.get()
    if making is None or making.state is not None:
        return
    state = cache.get(STATE_KEY)
    if state is None:
        state = {"next_due": next_due, "changed": None}
        if not _is_local():
            cache.set(STATE_KEY, state, lifetime(state, timezone.now()))
    _last_state[STATE_KEY] = state
    making.state = state


def next_due_query(now: datetime) -> QuerySet[Any]:
    """The time of the next scheduled story, as a subquery (one index read)."""
    return (
        Article.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values("published_at")[:1]
    )


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
    due = next_due_query(now).values_list("published_at", flat=True)
    # Only a per-process cache needs the newest save (to hear other processes' writes).
    newest = Article.objects.order_by("-updated_at").values_list("updated_at", flat=True)
    return {"changed": newest.first() if _is_local() else None, "next_due": due.first()}


def _is_local() -> bool:
    # By class, not by name: a subclass (or the same class under another path) is still
    # a copy of its own in each process.
    return isinstance(caches["default"], LocMemCache)


def _heard(changed: datetime | None) -> None:
    """A per-process cache read the newest save: another process's write drops all."""
    if _local["changed"] is not None and changed != _local["changed"]:
        _local["dropped"] = time.time()
    _local["changed"] = changed


def _state_lifetime(state, now):
    return min(LOCAL_STATE_SECONDS if _is_local() else MAX_AGE, lifetime(state, now))


# Invalidation ---------------------------------------------------------------------------


def invalidate(keys: Iterable[str]) -> None:
    """What pages with ``keys`` show has changed: they are made anew.

    Called in the writing transaction and again once it commits
    (``articles.edge.touched``). An article's write may move the next scheduled time, so
    the state is read again here, by the writer, rather than by the next reader.
    """
    keys = set(keys)
    now = time.time()
    cache.set_many({CHANGED_PREFIX + key: now for key in keys}, timeout=None)
    if any(key.startswith("article-") for key in keys):
        state = _read_state(timezone.now())
        cache.set(STATE_KEY, state, _state_lifetime(state, timezone.now()))
        # This process's own write is heard here: only another's drops everything.
        _local["changed"] = state["changed"]


def menu_changed() -> bool:
    """Whether the kept section menu differs from the sections readers may now see."""
    from .context_processors import menu_entries

    entry = cache.get("fragment:menu")
    return isinstance(entry, tuple) and entry[0] != menu_entries()


def _current(entries: list[tuple[Iterable[str], float, Any]]) -> list[bool]:
    """Whether each kept ``(keys, made_at, next_due)`` is current: one cache read for all."""
    if not entries:
        return []
    names = {CHANGED_PREFIX + key for keys, _, _ in entries for key in keys}
    stamps = cache.get_many([EPOCH_KEY, *names])
    # A key never stamped has not changed since the stamps began; if they were lost (the
    # cache restarted), nothing kept before is trusted.
    epoch = stamps.get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, time.time(), timeout=None)
        return [False] * len(entries)
    state = site_state(timezone.now())
    return [
        made_at > _local["dropped"]
        and next_due == state["next_due"]
        and all(stamps.get(CHANGED_PREFIX + key, epoch) < made_at for key in keys)
        for keys, made_at, next_due in entries
    ]


def _begin_stamps(made_at: float) -> None:
    # The first entry kept: keys never stamped have not changed since just before it.
    cache.add(EPOCH_KEY, made_at - 0.001, timeout=None)


# Pieces of pages ------------------------------------------------------------------------


def add_keys(*keys: str) -> None:
    """Name what the page (or the piece) being made shows (``article-42``, ``home``...)."""
    making = _making.get()
    if making is not None:
        making.keys.update(keys)


def site_fragment(name: str, make: Callable[[], T], keys: Iterable[str] = ()) -> T:
    """A piece of pages (the section menu, a list's count) kept until what it shows changes.

    It shows ``keys``, those it adds itself while made, and (for a piece made without
    naming any) those of the page it is first made for so far.
    """
    return site_fragments([name], lambda missing: {name: make()}, keys)[name]


def site_fragments(
    names: Iterable[str],
    make: Callable[[list[str]], dict[str, Any]],
    keys: Iterable[str] | Callable[[str, Any], Iterable[str]] = (),
) -> dict[str, Any]:
    """Many pieces at once: {name: value}, from one cache read; ``make(missing)`` returns
    {name: value} for the names the cache did not have, and they are kept. ``keys`` is
    what they show, or a function of a name and its value giving it."""
    making = _making.get() or _Making(started=time.time())
    cache_keys = {name: f"fragment:{name}" for name in names}
    found = cache.get_many([key for key in cache_keys.values() if key not in making.seen])
    found = {key: entry for key, entry in found.items() if isinstance(entry, tuple)}
    current = dict(zip(found, _current([entry[1:] for entry in found.values()]), strict=True))
    values, shown = {}, set()
    for name, key in cache_keys.items():
        entry = making.seen.get(key) or (found[key] if current.get(key) else None)
        if entry is not None:
            values[name] = entry[0]
            shown.update(entry[1])
    missing = [name for name in cache_keys if name not in values]
    if missing:
        outer, making.keys = making.keys, set()
        token = _making.set(making)
        try:
            made = make(missing)
        finally:
            _making.reset(token)
            added, making.keys = making.keys, outer
        state = site_state(timezone.now())
        made_keys = {}
        for name, value in made.items():
            named = set(keys(name, value) if callable(keys) else keys) | added
            made_keys[name] = named or set(outer)
        entries = {
            cache_keys[name]: (value, frozenset(made_keys[name]), making.started, state["next_due"])
            for name, value in made.items()
        }
        _begin_stamps(making.started)
        cache.set_many(entries, lifetime(state, timezone.now()))
        making.seen.update(entries)
        values.update(made)
        shown.update(*made_keys.values())
    making.seen.update((key, found[key]) for key in cache_keys.values() if current.get(key))
    making.keys.update(shown)
    return values


# Responses ------------------------------------------------------------------------------


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
        making = _Making(started=time.time())
        token = _making.set(making)
        try:
            try:
                response = _cached_response(request, view, making, *args, **kwargs)
                state, stale = site_state(now), False
            except DATABASE_DOWN as exc:
                state, stale = _outage_state(exc), True
                making.state = state
                response = _cached_response(request, view, making, *args, **kwargs)
        finally:
            _making.reset(token)
        return _finish(request, response, making.keys, state, now, stale=stale)

    # newsroom.middleware lets these through while the database is down: they may answer
    # from the cache.
    wrapper.answers_during_outage = True  # type: ignore[attr-defined]
    return wrapper


def _finish(request, response, keys, state, now, *, stale=False):
    """The public headers of a page (kept or made), and a 304 where the reader has it."""
    # A page served during an outage is not the edge's to keep for long.
    max_age = min(lifetime(state, now), RETRY_AFTER_SECONDS) if stale else lifetime(state, now)
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


class KeptPageMiddleware:
    """Answer an anonymous reader's GET of a page the cache holds before the rest of the
    stack runs: sessions, CSRF, authentication, messages, the replica router, the login
    and old-address checks change nothing on a public page, and cost more than the answer.

    Placed after the security, static-file and CSP middleware, which still add their
    headers; the one header of a later middleware a page gets (``X-Frame-Options``) is
    added here. A request with a session cookie, or a page not kept (or no longer
    current), goes through the whole stack to its view (``cached_page``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            now = timezone.now()
            try:
                stored = cache.get(_page_key(request))
                current = isinstance(stored, tuple) and _current([stored[2:]])[0]
                state = site_state(now) if current else None
            except DATABASE_DOWN:
                current = False  # the view's path answers, from the last state it knew
            if current:
                response = _kept(stored)
                response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
                return _finish(request, response, stored[2], state, now)
        return self.get_response(request)


def _kept(stored: tuple[Any, ...]) -> HttpResponse:
    content, headers = stored[0], stored[1]
    response = HttpResponse(content)
    for header, value in headers.items():
        response[header] = value
    return response


def _page_key(request: HttpRequest) -> str:
    # The host too: feeds and sitemaps write absolute URLs from it.
    fingerprint = f"{request.get_host()}|{request.get_full_path()}"
    return "page:" + hashlib.sha256(fingerprint.encode()).hexdigest()


def _cached_response(request, view, making, *args, **kwargs):
    """The page from the cache, or made by ``view`` (and kept when it may be)."""
    key = _page_key(request)
    stored = cache.get(key)
    if isinstance(stored, tuple) and _current([stored[2:]])[0]:
        making.keys.update(stored[2])
        return _kept(stored)
    breaker.check()  # not in the cache, and the database is down: 503 at once
    response = view(request, *args, **kwargs)
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
    response[KEYS_HEADER] = " ".join(sorted(making.keys))
    if not response.has_header("ETag"):
        # From the bytes, so it stays the same across processes.
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
    # A query string the views do not read (tracking tags, a crawler's noise) gets
    # the page, made from the kept pieces, but is not kept itself: the cache holds
    # the site's pages, not one copy per made-up address.
    if set(request.GET) <= PAGE_PARAMS:
        state = site_state(timezone.now())
        entry = (response.content, headers, frozenset(making.keys), making.started)
        _begin_stamps(making.started)
        cache.set(key, (*entry, state["next_due"]), lifetime(state, timezone.now()))
    return response


def _timestamp(value):
    return parse_http_date_safe(value) if value else None


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
    # Every write is heard once, by the edge module, which tells the page cache and the
    # stored parts (``articles.rendering``) what it touched.
    from . import edge

    edge.connect_signals()
