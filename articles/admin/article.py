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

from desk.article_admin import DeskArticleMixin
from sharing.admin import ShareLinkInline

from .. import workflow
from ..forms import ArticleAdminForm
from ..models import Article
from .article_form import BylineInline, ChangeFormMixin, CorrectionInline
from .changelist import ChangeListMixin, own_articles
from .filters import AuthorFilter, MineFilter, SectionFilter, StatusFilter
from .revisions import RevisionsMixin


@admin.register(Article)
class ArticleAdmin(
    DeskArticleMixin, ChangeFormMixin, ChangeListMixin, RevisionsMixin, VersionAdmin
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = [
        "headline",
        "status_badge",
        "section",
        "author_names",
        "publication_date",
    ]
    list_filter = [StatusFilter, ("section", SectionFilter), AuthorFilter, MineFilter]
    # What get_search_results() searches; it does not go through Django's lookups.
    search_fields = ["headline", "dek", "bylines__author__name"]
    search_help_text = "Every word must be in the headline, the standfirst or an author's name."
    # Its links are drawn by article_admin.article_date_hierarchy (see change_list.html),
    # from the archive's first and last dates rather than a scan of every row.
    date_hierarchy = "published_at"
    list_select_related = ["section"]
    # Thirty rows, about a screen and a half of one-line rows at 1,280 px. Rendering a
    # row through the admin's columns costs about half a millisecond: at fifty rows
    # that was half of every list's time at 100k articles (bench/RESULTS.md).
    list_per_page = 30
    # A filtered list says "N results" without a second count of the whole archive.
    show_full_result_count = False
    # No "Show counts": it counts every filter choice over the whole archive, a full scan
    # per filter (half a second at 100k articles) that grows with the archive.
    show_facets = admin.ShowFacets.NEVER
    # No prepopulated_fields: a slug left blank is made by Article.save() (articles.slugs).
    autocomplete_fields = ["section", "tags", "lead_photo"]
    # Share links are listed, made and revoked from the article's page (sharing/admin.py).
    inlines = [BylineInline, CorrectionInline, ShareLinkInline]
    actions = ["submit_selected", "publish_selected"]
    # Status and workflow dates are never typed in: transitions set them.
    workflow_fields = ["status", "first_published_at", "substantive_update_at"]

    class Media:
        css = {"all": ["admin/css/workflow.css", "admin/css/desk-layout.css"]}
        js = ["admin/article-writing-aids.js"]

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
        allowed = super().has_delete_permission(request, obj) and workflow.is_editor(request.user)
        # The bulk delete asks this for every selected article too, and refuses them all
        # when one is refused.
        return allowed and (obj is None or obj.never_public)

    def view_on_site(self, obj):
        # Only what readers can open: a draft's or a scheduled story's address is a 404.
        return obj.get_absolute_url() if obj.is_public else None

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
