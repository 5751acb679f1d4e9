"""The article admin: where writers write and editors decide.

This class says what the admin shows and who may do what; the pages are put together
from ``article_form`` (the add and change pages and the save flow), ``changelist`` (the
lists, their search and bulk actions), ``filters`` and ``revisions`` (history, compare
and restore).

Every status change goes through ``workflow.transition()``: the buttons on the change
form, the bulk actions and nothing else. Saves are guarded by the optimistic version
lock (``workflow.claim_edit``) and snapshotted by django-reversion.
"""

from django.contrib import admin
from django.urls import path
from reversion.admin import VersionAdmin

from .. import workflow
from ..forms import ArticleAdminForm
from ..models import Article
from .article_form import BylineInline, ChangeFormMixin, CorrectionInline
from .changelist import ChangeListMixin, own_articles
from .filters import AuthorFilter, MineFilter, StatusFilter
from .revisions import RevisionsMixin


@admin.register(Article)
class ArticleAdmin(ChangeFormMixin, ChangeListMixin, RevisionsMixin, VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = [
        "headline",
        "status_badge",
        "section",
        "author_names",
        "published_at",
        "updated_at",
    ]
    list_filter = [StatusFilter, "section", AuthorFilter, MineFilter]
    # What get_search_results() searches; it does not go through Django's lookups.
    search_fields = ["headline", "dek", "bylines__author__name"]
    search_help_text = "Every word must be in the headline, the standfirst or an author's name."
    # Its links are drawn by article_admin.article_date_hierarchy (see change_list.html),
    # from the archive's first and last dates rather than a scan of every row.
    date_hierarchy = "published_at"
    list_select_related = ["section"]
    # A filtered list says "N results" without a second count of the whole archive.
    show_full_result_count = False
    # No "Show counts": it counts every filter choice over the whole archive, a full scan
    # per filter (half a second at 100k articles) that grows with the archive.
    show_facets = admin.ShowFacets.NEVER
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "tags", "lead_photo"]
    inlines = [BylineInline, CorrectionInline]
    actions = ["submit_selected", "publish_selected"]
    # Status and workflow dates are never typed in: transitions set them.
    workflow_fields = ["status", "first_published_at", "substantive_update_at"]

    class Media:
        css = {"all": ["admin/css/workflow.css"]}

    # Who sees and changes what.

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("bylines__author")
        if workflow.is_editor(request.user):
            return queryset
        return queryset.filter(own_articles(request.user, queryset.db))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.may_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.is_editor(request.user)

    def has_publish_permission(self, request):
        return workflow.is_editor(request.user)

    # Pages beyond Django's and django-reversion's own.

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("review/", wrap(self.review_queue_view), name="articles_article_review"),
            path(
                "<path:object_id>/history/compare/<int:older>/<int:newer>/",
                wrap(self.compare_view),
                name="articles_article_compare",
            ),
            *super().get_urls(),
        ]
