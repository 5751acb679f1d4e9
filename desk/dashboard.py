"""The admin's start page: what needs the user now, each list one short query."""

from datetime import datetime, time
from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from articles import workflow
from articles.admin.changelist import own_articles
from articles.models import Article, Status

from .article_admin import last_action

# Rows per list: a start page, not an archive; each list links to the full one.
ROWS = 10


def _rows(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.select_related("section").only(
        "pk", "headline", "status", "published_at", "updated_at", "section__name"
    )


def start_of_today(now: datetime) -> datetime:
    """Midnight today in the newsroom's time zone."""
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def lists(user: User, now: datetime | None = None) -> dict[str, Any]:
    """The dashboard's lists for ``user``: editors see the desk's, writers their own."""
    now = now or timezone.now()
    articles = Article.objects.all()
    mine = articles.filter(own_articles(user, articles.db))
    context: dict[str, Any] = {
        "my_drafts": list(
            _rows(mine.filter(status=Status.DRAFT))
            .annotate(last_action=last_action())
            .order_by("-updated_at", "-pk")[:ROWS]
        ),
        "published_today": list(
            _rows(articles.filter(status=Status.PUBLISHED))
            .filter(published_at__gte=start_of_today(now), published_at__lte=now)
            .order_by("-published_at", "-pk")[:ROWS]
        ),
    }
    if workflow.is_editor(user):
        context["review_queue"] = list(
            _rows(articles.filter(status=Status.REVIEW)).order_by("updated_at", "pk")[:ROWS]
        )
        context["scheduled"] = list(
            _rows(articles.filter(status=Status.PUBLISHED, published_at__gt=now)).order_by(
                "published_at", "pk"
            )[:ROWS]
        )
    else:
        context["my_in_review"] = list(
            _rows(mine.filter(status=Status.REVIEW)).order_by("-updated_at", "-pk")[:ROWS]
        )
        context["my_published"] = list(
            _rows(mine.filter(status=Status.PUBLISHED)).order_by("-published_at", "-pk")[:ROWS]
        )
    return context


def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Desk",
        "subtitle": None,
        "app_list": admin.site.get_app_list(request),
        "is_editor": workflow.is_editor(request.user),
        "now": timezone.now(),
        **lists(cast(User, request.user)),  # admin_view: a signed-in staff user
    }
    request.current_app = admin.site.name
    return TemplateResponse(request, "desk/dashboard.html", context)
