"""Request-level behaviour of the whole site: logging, database routing and outages, CSP."""

import json
import logging
import time

from django.conf import settings
from django.forms import Media as FormsMedia
from django.utils.functional import empty
from js_asset import Media as NonceMedia

from .breaker import DatabaseUnavailable, breaker
from .errors import DATABASE_DOWN, database_unavailable
from .routers import replica_reads

request_log = logging.getLogger("newsroom.requests")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _user_label(request):
    """The user's id, "anonymous", or None when the request never looked.

    Looking would cost a session query on pages that do not otherwise need one, so an
    unevaluated user is resolved only when there is no session cookie (then anonymous).
    """
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or user is None:
        has_session = "sessionid" in request.COOKIES
        return None if has_session else "anonymous"
    return wrapped.pk if wrapped.is_authenticated else "anonymous"


class RequestLogMiddleware:
    """One JSON line per request: method, path, status, duration_ms, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        request_log.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": _user_label(request),
                }
            )
        )
        return response


class ReplicaReadsMiddleware:
    """Let public page views read from the replica (when one is configured).

    Requests that write, and the whole admin, stay on the primary: an editor who saves
    and reloads must see the save, which a lagging replica might not have yet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS or request.path.startswith("/admin/"):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)


class AdminMediaNonceMiddleware:
    """Give admin form media (the rich-text editor's import map) the CSP nonce.

    Django 5.2's admin renders ``{{ media }}`` without a nonce, and the prose editor's
    ``<script type="importmap">`` is inline, so the strict policy would block it. Wrapping
    the media in js_asset's Media, which renders every tag with the nonce, keeps
    'unsafe-inline' out of script-src.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        context = response.context_data
        nonce = getattr(request, "csp_nonce", None)
        if nonce is not None and context and isinstance(context.get("media"), FormsMedia):
            context["media"] = NonceMedia.from_media(context["media"], nonce=str(nonce))
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 at once when a view cannot reach the database.

    Errors raised before the view (e.g. loading the session) are handled the same way by
    handler500 (newsroom.errors.server_error). While the circuit breaker is open (this
    process saw the database unreachable; newsroom.breaker) a request is answered before
    its view runs, unless the view may answer from the cache without the database
    (``answers_during_outage``: cached pages, /healthz) and the request carries no
    session, whose loading would wait for the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not breaker.is_open():
            return None
        if getattr(view_func, "answers_during_outage", False) and (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            return None
        return database_unavailable(request, DatabaseUnavailable("circuit breaker open"))

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable(request, exception)
        return None
