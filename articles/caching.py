"""Caching of public pages: shared caches and our own cache may keep them, staff pages never.

A page is cached under a key made from its path and the state of the article table: the
newest ``updated_at`` (every save bumps it, so any change to any article makes new keys)
and the time of the next scheduled story. Lifetimes are capped at
that time, so a cached list never hides a scheduled story once it is due.
"""

import hashlib
import math
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from .models import Article, Status

MAX_AGE = 60  # seconds: short, because a correction or a take-down must reach readers soon
KEPT_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Content-Language", "X-Robots-Tag")


def site_state(now):
    """When articles last changed, and the next scheduled time: two reads served by indexes,
    so their cost does not grow with the archive. (A hard delete is seen when cached pages
    expire, within MAX_AGE.)"""
    newest = Article.objects.order_by("-updated_at").values_list("updated_at", flat=True)
    due = (
        Article.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
    )
    return {"changed": newest.first(), "next_due": due.first()}


def lifetime(state, now):
    if state["next_due"] is None:
        return MAX_AGE
    return max(1, min(MAX_AGE, math.ceil((state["next_due"] - now).total_seconds())))


def make_private(response):
    """For staff, previews and anything personal: no shared or stored copy anywhere."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def make_public(response, max_age):
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Cookie"])
    return response


def cached_page(view):
    """Serve anonymous GETs of ``view`` from the cache; answer conditional requests with 304."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return make_private(view(request, *args, **kwargs))
        now = timezone.now()
        state = site_state(now)
        max_age = lifetime(state, now)
        fingerprint = "|".join(
            # The host too: feeds and sitemaps write absolute URLs from it.
            str(part) for part in (request.get_host(), request.get_full_path(),
                                   state["changed"], state["next_due"])
        )
        key = "page:" + hashlib.sha256(fingerprint.encode()).hexdigest()
        stored = cache.get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return make_public(response, max_age)
            if hasattr(response, "render"):
                response.render()
            if not response.has_header("ETag"):
                response["ETag"] = quote_etag(key[5:37])
            if not response.has_header("Last-Modified") and state["changed"]:
                response["Last-Modified"] = http_date(state["changed"].timestamp())
            headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
            cache.set(key, (response.content, headers), max_age)
        else:
            content, headers = stored
            response = HttpResponse(content)
            for header, value in headers.items():
                response[header] = value
        make_public(response, max_age)
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=_timestamp(response.get("Last-Modified")),
            response=response,
        )

    return wrapper


def _timestamp(value):
    return parse_http_date_safe(value) if value else None
