"""The article lists: the change list with its search, paging and bulk actions, and the
editors' review queue.

Each part of the change list asks the database for no more than the page shows, so the
list stays as fast as the archive grows: keys before rows, conditions an index can
answer, no counts of the whole archive.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import F, Lookup, OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal

from .. import workflow
from ..models import Article, AuditEntry, Byline, Status, bylines_with_authors


class AnyOf(Lookup):
    """``lhs = ANY(ARRAY(subquery))`` (PostgreSQL): see key_in()."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def key_in(keys, using):
    """``pk IN keys`` (a one-column subquery), as a condition to OR with others.

    PostgreSQL cannot use an index for ``pk IN (subquery)`` under an OR: it tests every
    row. As ``pk = ANY(ARRAY(subquery))`` it reads the keys once and ORs them with the
    other conditions' indexes in one bitmap scan.
    """
    if connections[using].vendor == "postgresql":
        return Q(AnyOf(F("pk"), ArraySubquery(keys.order_by())))
    return Q(pk__in=keys)


def own_articles(user, using="default"):
    """Articles ``user`` created or is credited on, as a filter condition."""
    credited = Byline.objects.filter(author__user=user).values("article_id")
    return Q(created_by=user) | key_in(credited, using)


def search_terms(text):
    """The words of an admin search, quoted phrases kept whole, as Django's own search does."""
    for bit in smart_split(text):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            yield bit


class CappedPaginator(Paginator):
    """Counts matching articles up to CAP and no further.

    Counting every match of a search or a filter reads every matching row (a search for
    a common word: tens of thousands) to print one number. Past CAP the list says "more
    than 10,000", which is all an editor can use; the pages up to it stay reachable, and
    the date links and filters narrow the rest.
    """

    CAP = 10_000
    # A search tests every matching row's text in the table itself (the trigram indexes
    # only narrow the candidates): counting 10,000 of them took 50 ms at 100k articles.
    # Twenty pages of a search are more than an editor reads; a longer word narrows it.
    SEARCH_CAP = 1_000

    def __init__(self, *args, searching=False, **kwargs):
        super().__init__(*args, **kwargs)
        if searching:
            self.CAP = min(self.CAP, self.SEARCH_CAP)

    @cached_property
    def count(self):
        # Unordered, so the database may stop at the first CAP + 1 rows it finds; keys
        # only, so no column the list shows (the desk's last audit action, a subquery per
        # row) is worked out for rows that are only counted.
        return self.object_list.order_by().values("pk")[: self.CAP + 1].count()

    @property
    def capped(self):
        return self.count > self.CAP


class ArticleChangeList(ChangeList):
    """The article list, loading only what it shows."""

    def get_results(self, request):
        super().get_results(request)
        rows = self.result_list
        paged = self.multi_page and not (self.show_all and self.can_show_all)
        if paged and not self.queryset.query.distinct:
            # (The keys of a DISTINCT query would carry its ordering columns too.)
            rows = self.page_rows(request)
        # The body and the search document are the bulk of each row and are not shown;
        # the bylines come with their authors in one query. Bulk actions get their
        # queryset afresh (get_queryset), with every field.
        self.result_list = (
            rows.defer("body", "search_vector")
            .prefetch_related(None)
            .prefetch_related(bylines_with_authors())
        )

    def page_rows(self, request):
        """This page's rows, found by key first.

        A page is reached by OFFSET, so the database steps over every row before it. Asked
        for keys alone, it steps over entries of the (published_at, id) index (migration
        0008) without touching the table: page 200 reads 20,000 index entries and 100
        rows rather than 20,000 rows. The rows are then fetched by key only, without the
        filters and search again: those chose the keys already.
        """
        page = self.paginator.page(self.page_num)
        keys = self.queryset.values("pk")[page.start_index() - 1 : page.end_index()]
        rows = self.apply_select_related(self.model._default_manager.filter(pk__in=keys))
        # The columns the admin's queryset works out per row (the desk's last audit
        # action, for "Sent back"), for this page's rows only.
        query = self.queryset.query
        rows = rows.annotate(**{name: query.annotations[name] for name in query.annotation_select})
        return rows.order_by(*self.get_ordering(request, self.queryset))


class ChangeListMixin(admin.ModelAdmin):
    """The article admin's list pages: the change list, its bulk actions, the review queue."""

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        searching = bool(request and request.GET.get("q", "").strip())
        return CappedPaginator(
            queryset, per_page, orphans, allow_empty_first_page, searching=searching
        )

    def get_search_results(self, request, queryset, search_term):
        """Each word must appear in the headline, the standfirst or a credited author's name.

        Django's own search ORs the three across the byline join: no index can answer
        that, so PostgreSQL read every article and then needed a DISTINCT over whole rows.
        Here the author part is a condition on the article's own key, so no row repeats
        and, on PostgreSQL, each word is one bitmap scan OR-ing the trigram indexes of
        migration 0008 with the credited articles' keys.
        """
        for term in search_terms(search_term):
            credited = Byline.objects.filter(author__name__icontains=term).values("article_id")
            queryset = queryset.filter(
                Q(headline__icontains=term)
                | Q(dek__icontains=term)
                | Q(subject_codes__icontains=term)  # an agency's codes, for staff only
                | key_in(credited, queryset.db)
            )
        return queryset, False

    def changelist_view(self, request, extra_context=None):
        extra = {
            "has_publish_permission": self.has_publish_permission(request),
            **(extra_context or {}),
        }
        response = super().changelist_view(request, extra)
        context = getattr(response, "context_data", None) or {}
        if "cl" in context and "media" in context:
            # A filter drawn with a widget (the author autocomplete box) brings its
            # scripts and styles, which Django's own filters never need.
            for spec in context["cl"].filter_specs:
                if media := getattr(spec, "media", None):
                    context["media"] += media
        return response

    # Columns.

    def action_checkbox(self, obj):
        # The same markup as Django's, without rendering a form widget's template for
        # every row: that was a third of the list's time at 100k articles.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            str(obj),
        )

    @admin.display(description="Status", ordering="status")
    def status_badge(self, article):
        key, label = article.status, article.get_status_display()
        if article.is_scheduled:
            # The date column says when: the badge stays one short word.
            when = timezone.localtime(article.published_at)
            return format_html(
                '<span class="status-badge status-scheduled" title="Goes live {}">Scheduled</span>',
                f"{when:%Y-%m-%d %H:%M}",
            )
        return format_html('<span class="status-badge status-{}">{}</span>', key, label)

    @admin.display(description="Date", ordering="published_at")
    def publication_date(self, article):
        # Compact and on one line: the list has room for the headline that way.
        if article.published_at is None:
            return "—"
        return f"{timezone.localtime(article.published_at):%Y-%m-%d %H:%M}"

    @admin.display(description="Authors")
    def author_names(self, article):
        names = ", ".join(b.author.name for b in article.ordered_bylines)
        # At most two lines in the list (desk-layout.css); the whole byline on hover.
        return format_html('<span class="list-authors" title="{}">{}</span>', names, names)

    # Bulk actions: each article goes through transition() on its own.

    def response_action(self, request, queryset):
        """Refuse the whole action when any selected id is outside what the user may see.

        Django filters the posted ids by the user's queryset and acts on the rest, so a
        forged id beside a permitted one was dropped silently and the action reported
        success. A request naming an article the user may not touch is not a mistake the
        list can make: nothing is done.
        """
        if request.POST.get("select_across") != "1":
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            try:
                ids = {int(pk) for pk in selected}
            except ValueError:
                ids = None
            permitted = self.get_queryset(request).filter(pk__in=ids or ()).count()
            if ids is None or permitted != len(ids):
                self.message_user(
                    request,
                    "Nothing was done: the selection includes articles you may not act on "
                    "or that no longer exist. Reload the list and select again.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    @admin.action(description="Submit selected articles for review")
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    def _bulk(self, request, queryset, name):
        done, refused = [], []
        for article in queryset:
            try:
                with transaction.atomic():
                    workflow.transition(article, name, by=request.user)
            except (PermissionDenied, workflow.TransitionError, ValueError) as refusal:
                refused.append(f"“{article}”: {refusal}")
            else:
                done.append(f"“{article}”")
        label = workflow.TRANSITIONS[name].label
        if done:
            messages.success(request, f"{label}: {len(done)} done ({', '.join(done)}).")
        for line in refused:
            messages.error(request, f"{label} refused for {line}")

    # The review queue: what writers have submitted, oldest first.

    def review_queue_view(self, request):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        submitted = AuditEntry.objects.filter(
            article=OuterRef("pk"), to_status=Status.REVIEW
        ).order_by("-at", "-pk")
        articles = (
            Article.objects.filter(status=Status.REVIEW)
            .annotate(
                submitted_at=Subquery(submitted.values("at")[:1]),
                submitted_by=Subquery(submitted.values("actor__username")[:1]),
            )
            .select_related("section")
            .prefetch_related("bylines__author")
            .order_by("submitted_at", "pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Review queue",
            "articles": articles,
        }
        return TemplateResponse(request, "admin/articles/article/review_queue.html", context)
