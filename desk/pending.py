"""Publishing or discarding the pending changes of a live story (editors only)."""

import reversion
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles import workflow
from articles.models import Article

from .models import PendingChange


def _pending(request: HttpRequest, pk: int) -> PendingChange:
    article = get_object_or_404(Article, pk=pk)
    if not workflow.is_editor(request.user):
        raise PermissionDenied
    return get_object_or_404(PendingChange.objects.select_related("article"), article=article)


def _back(pk: int) -> HttpResponse:
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _pending(request, pk)
    article = pending.article
    try:
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment("Pending changes published.")
            workflow.publish_changes(
                article, pending.values, expected_version=pending.base_version, by=request.user
            )
            pending.delete()
    except workflow.StaleEdit as stale:
        messages.error(
            request,
            f"Not published: {stale} Check the form, then save the pending changes again.",
        )
        return _back(pk)
    messages.success(request, f"Published the pending changes: readers now see “{article}”.")
    return _back(pk)


@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _pending(request, pk)
    pending.delete()
    workflow.record(pending.article, "pending_discarded", by=request.user)
    messages.success(request, "Discarded the pending changes; the live story is unchanged.")
    return _back(pk)
