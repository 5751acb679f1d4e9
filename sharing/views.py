"""The page a share link opens: the article's current text as readers would see it,
for someone without an account, never cached, never indexed. Not published, it shows no
publication time and none of the readers' share buttons."""

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from articles.caching import make_private
from articles.rendering import render_parts
from articles.workflow import record

from .models import ShareLink

MESSAGES = {
    ShareLink.Answer.EXPIRED: "This preview link has expired.",
    ShareLink.Answer.REVOKED: "This preview link has been withdrawn.",
    ShareLink.Answer.GONE: "This story is no longer available for preview.",
}
NOT_A_LINK = "There is no preview at this address."


def shared(request, token):
    key = ShareLink.key_from(token)
    link = None
    if key is not None:
        link = (
            ShareLink.objects.select_related("article__section", "created_by")
            .filter(key=key)
            .first()
        )
    if link is None:
        return _plain(NOT_A_LINK, 404)
    answer = link.answer()
    if answer == ShareLink.Answer.PUBLISHED:
        # Out now: the reader is sent to the story itself.
        return _private(HttpResponseRedirect(link.article.get_absolute_url()))
    if answer != ShareLink.Answer.SHOW:
        return _plain(MESSAGES[answer], 410)
    article = link.article
    link.opened()
    record(
        article,
        "share_link_opened",
        by=None,
        comment=f"Share link {link.pk}, made by {sharer(link)}",
    )
    # Unsaved, for the head's structured data only (it needs a date): the page shows none.
    article.published_at = article.published_at or timezone.now()
    context = {
        "article": article,
        "parts": render_parts(article, unpublished=True),
        "sharer": sharer(link),
        "link": link,
    }
    return _private(render(request, "sharing/shared.html", context))


def sharer(link: ShareLink) -> str:
    user = link.created_by
    return (user.get_full_name() or user.get_username()) if user else "the newsroom"


def _plain(message: str, status: int) -> HttpResponse:
    return _private(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


def _private(response: HttpResponse) -> HttpResponse:
    make_private(response)
    # Exactly these: no shared or stored copy anywhere, no search engine.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
