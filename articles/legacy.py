"""Old addresses keep working: the fallback for every address an article once had.

An import records the addresses the source's own site gave an article (a WordPress
permalink, ``/?p=123``, ``/?page_id=45``, ``/archives/12``) and a move records the URL
readers saw before it; all are ``ArticleRedirect`` rows, matched on path *and* query
string. Like Django's redirects app this runs when no page answers (a 404), and, since
``/?p=12`` has a page (the home page, which reads no ``p``), also before the home page
is made for a root address whose query string the home page does not read. The answer
is a 301 to the article's address as it is now (computed from the article, so never a
chain of redirects), or 410 for a story taken down. Anything else is left as it was.
"""

from django.http import HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import render

from .models import ArticleRedirect, Status

# Query parameters our own pages read; an address with only these is a page of ours.
OWN_PARAMS = frozenset({"page", "q"})
# WordPress's own ways to address one post: an address with one of these at the root is
# never our home page, even when no import recorded it.
WORDPRESS_PARAMS = frozenset({"p", "page_id", "attachment_id"})


def _candidates(request):
    """The stored forms of the request's address: path with query string, then path."""
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    if query:
        yield f"{path}?{query}"
        # The same parameters in WordPress's order, without the ones added on the way
        # (tracking tags, a share button's): "/?utm_source=x&p=12" is still post 12.
        kept = [(k, v) for k, v in QueryDict(query).lists() if k in WORDPRESS_PARAMS]
        if kept:
            yield path + "?" + "&".join(f"{k}={vs[0]}" for k, vs in kept[:1])
    yield path


def answer(request):
    """The 301 (or 410) for the request's address when an article had it, else None."""
    redirect = (
        ArticleRedirect.objects.select_related("article", "article__section")
        .filter(old_path__in=list(dict.fromkeys(_candidates(request))))
        .order_by("-old_path")  # the longest form first: path with query string
        .first()
    )
    if redirect is None:
        return None
    article = redirect.article
    if article.is_public:
        return HttpResponsePermanentRedirect(article.get_absolute_url())
    if article.status == Status.ARCHIVED:
        return render(request, "410.html", {"article": article}, status=410)
    # A draft or a story not yet live: as if the address were unknown.
    return None


class LegacyAddressMiddleware:
    """Answer old addresses (see the module's docstring); place it after CommonMiddleware
    so that a 404 is redirected here before a slash is appended to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WordPress's query-string addresses (?p=, ?page_id=, ?cat=...) are all at the
        # root, the one address of ours they collide with; every other old address meets
        # no page of ours and is looked up only once it is a 404. So other pages (the
        # admin's filtered lists) cost no query here.
        if (
            request.path == "/"
            and request.method in ("GET", "HEAD")
            and set(request.GET) - OWN_PARAMS
        ):
            response = answer(request)
            if response is not None:
                return response
            if set(request.GET) & WORDPRESS_PARAMS:
                # A post of the old site that was never imported: not our home page.
                return render(request, "404.html", status=404)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return answer(request) or response
        return response
