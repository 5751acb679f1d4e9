"""The autosave endpoints: the article form's typing, kept per user and article.

Both answer only to the signed-in user (CSRF-protected POSTs through the admin's own
login check) about their own row, and only for an article they may change now.
"""

import json
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import workflow
from articles.models import Article

from .models import Autosave

# A form's worth of text; a body at the sanitiser's limit fits several times over.
MAX_BYTES = 4 * 1024 * 1024


def _article(request: HttpRequest, key: str) -> Article | None:
    """The article ``key`` names ("new": none), if the user may change it; else 403/404."""
    if key == "new":
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        return None
    if not key.isdigit():
        raise Http404("No such article")
    article = get_object_or_404(Article, pk=int(key))
    if not workflow.may_edit(request.user, article):
        raise PermissionDenied
    return article


@require_POST
def save(request: HttpRequest, key: str) -> HttpResponse:
    article = _article(request, key)
    if len(request.body) > MAX_BYTES:
        return JsonResponse({"error": "Too large to keep."}, status=413)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "Not JSON."}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": "Not a form."}, status=400)
    # Never the CSRF token or the button pressed: only what was typed.
    data = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken" and not k.startswith("_")}
    now = timezone.now()
    saved, _ = Autosave.objects.update_or_create(
        user=cast(User, request.user),  # admin_view: signed in
        article=article,
        defaults={
            "data": data,
            "saved_at": now,
            "base_version": article.version if article else None,
        },
    )
    return JsonResponse({"saved_at": timezone.localtime(now).strftime("%H:%M:%S")})


@require_POST
def discard(request: HttpRequest, key: str) -> HttpResponse:
    article = _article(request, key)
    Autosave.objects.filter(user=cast(User, request.user), article=article).delete()
    if article is None:
        return HttpResponseRedirect(reverse("admin:articles_article_add"))
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
