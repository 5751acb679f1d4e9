"""Who reads the API, how often, and the HTTP around every answer: keys, the rate limit
per key, CORS for public reads, and caching like the pages' (lifetimes capped at the
next scheduled story, the edge's s-maxage, surrogate keys, ETag and Last-Modified with
304s).

Unlike a page, an API answer is never kept whole in the app cache: what it holds depends
on the key asking (embargo), and every request must pass the key and rate checks. Its
articles' documents are stored with their rows instead (``articles.rendering``), so a
list or a detail reads one query besides the site state's."""

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from articles.caching import edge_cache_control, lifetime, make_private, make_public, site_state

from .models import ApiKey

KEY_HEADER = "X-Api-Key"
View = Callable[..., HttpResponse]
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": f"{KEY_HEADER}, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def error(status: int, detail: str, parameter: str | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "parameter": parameter}, status=status)


def over_limit(key: ApiKey) -> int:
    """Seconds until ``key`` may ask again, or 0: a count per key and minute, in the
    shared cache, so every app server counts the same requests."""
    now = time.time()
    name = f"api-rate:{key.pk}:{int(now // 60)}"
    cache.add(name, 0, timeout=120)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between the two calls
        cache.set(name, 1, timeout=120)
        count = 1
    if count <= key.requests_per_minute:
        return 0
    return max(1, 60 - int(now % 60))


def may_see_embargoed(request: HttpRequest) -> bool:
    key = getattr(request, "api_key", None)
    return bool(key and key.allow_embargoed)


def public_read(view: View) -> View:
    """An API view behind keys, the rate limit, CORS and HTTP caching."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for header, value in PREFLIGHT_HEADERS.items():
                response[header] = value
        else:
            response = _answer(request, view, *args, **kwargs)
        for header, value in CORS_HEADERS.items():
            response[header] = value
        # A key that sees embargoed stories gets other answers: shared caches keep one
        # copy per key (and none of those answers: they are private).
        patch_vary_headers(response, [KEY_HEADER])
        return response

    return wrapper


def _answer(request, view, *args, **kwargs):
    request.api_key = None
    secret = request.headers.get(KEY_HEADER)
    if secret:
        key = ApiKey.objects.matching(secret)
        if key is None:
            return make_private(error(401, "Unknown or revoked API key.", KEY_HEADER))
        if wait := over_limit(key):
            response = make_private(error(429, "Too many requests for this key.", KEY_HEADER))
            response["Retry-After"] = str(wait)
            return response
        request.api_key = key
    elif not settings.API_ALLOW_ANONYMOUS:
        return make_private(
            error(401, f"An API key is required ({KEY_HEADER} header).", KEY_HEADER)
        )
    if may_see_embargoed(request) or request.user.is_authenticated:
        # Embargoed stories, or a reader logged in to the admin: never in a shared cache.
        return make_private(view(request, *args, **kwargs))
    now = timezone.now()
    state = site_state(now)
    response = view(request, *args, **kwargs)
    if response.status_code not in (200, 404):
        return make_private(response)
    make_public(response, lifetime(state, now))
    edge_cache_control(response, state, now)
    if response.status_code != 200:
        return response
    if not response.has_header("Last-Modified") and state.get("changed"):
        # A list changes with any article: the newest save of all, as the pages say.
        response["Last-Modified"] = http_date(state["changed"].timestamp())
    # From the bytes, so it stays the same across processes and app servers.
    response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(modified) if modified else None,
        response=response,
    )
