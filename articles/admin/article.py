"""The article admin: where writers write and editors decide.

Every status change goes through ``workflow.transition()``: the buttons on the change
form, the bulk actions and nothing else. Saves are guarded by the optimistic version
lock (``workflow.claim_edit``) and snapshotted by django-reversion.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.db.models import Exists, F, Lookup, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal
from reversion.admin import VersionAdmin
from reversion.models import Version

from .. import workflow
from ..forms import ArticleAdminForm
from ..models import Article, AuditEntry, Author, Byline, Correction, Status, bylines_with_authors
from . import revisions

# Bylines are saved with each snapshot; corrections and the audit trail are not, so a
# restore can never remove a public correction or a line of history.
reversion.register(Byline)
reversion.register(Article, follow=["bylines"])


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author", "role"]


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    verbose_name_plural = "Corrections (dated, shown to readers)"


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


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Published"),
            ("archived", "Taken down"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        return {
            "draft": lambda: queryset.filter(status=Status.DRAFT),
            "review": lambda: queryset.filter(status=Status.REVIEW),
            "scheduled": lambda: queryset.filter(status=Status.PUBLISHED, published_at__gt=now),
            "live": lambda: queryset.published(now=now),
            "archived": lambda: queryset.filter(status=Status.ARCHIVED),
        }.get(self.value(), lambda: queryset)()


class MineFilter(admin.SimpleListFilter):
    title = "whose"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", "My articles")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(own_articles(request.user, queryset.db))
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    """Articles credited to one author, who is found by typing a name.

    Listing every author with a byline as a link costs a DISTINCT over all bylines and
    thousands of links on every page of the list. Only the chosen author is loaded here;
    the others come from the admin's author autocomplete as the editor types. The
    parameter keeps the name the list has always used, so saved links still work.
    """

    title = "author"
    parameter_name = "authors__id__exact"
    template = "admin/articles/article/author_filter.html"

    def lookups(self, request, model_admin):
        self.widget = AuthorChoice(model_admin.admin_site)
        value = self.value()
        if not value:
            return []
        try:
            author = Author.objects.only("name").get(pk=int(value))
        except (ValueError, Author.DoesNotExist) as error:
            raise IncorrectLookupParameters(error) from error
        self.widget.choices = [("", ""), (author.pk, author.name)]
        return [(str(author.pk), author.name)]

    def has_output(self):
        return True  # the autocomplete box is there even before an author is chosen

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # EXISTS, not a join: an author credited twice on one article (writer and
        # photographer) lists it once, with no DISTINCT over whole rows.
        credited = Byline.objects.filter(article=OuterRef("pk"), author_id=self.value())
        return queryset.filter(Exists(credited))

    def choose(self):
        """The autocomplete box, showing the chosen author if there is one."""
        return self.widget.render(
            self.parameter_name,
            self.value(),
            attrs={
                "id": "author-filter",
                "data-author-filter": self.parameter_name,
                "data-width": "100%",
            },
        )


class AuthorChoice(AutocompleteSelect):
    """The admin's author autocomplete, as a filter box rather than a form field.

    Its one option (the chosen author) is given by AuthorFilter, which has loaded it
    already; the form widget would query for it again.
    """

    def __init__(self, admin_site):
        super().__init__(Article._meta.get_field("authors"), admin_site, choices=[("", "")])

    def optgroups(self, name, value, attrs=None):
        return forms.Select.optgroups(self, name, value, attrs)

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "admin/article-author-filter.js"]
        )


def search_terms(text):
    """The words of an admin search, quoted phrases kept whole, as Django's own search does."""
    for bit in smart_split(text):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            yield bit


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
        return rows.order_by(*self.get_ordering(request, self.queryset))


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        fields = [*self.workflow_fields, "body_text"]
        if not workflow.is_editor(request.user):
            fields.append("published_at")  # writers never set publication dates
        return fields

    def get_fieldsets(self, request, obj=None):
        publication = ["status", "published_at", "first_published_at", "substantive_update_at"]
        if obj and obj.status == Status.PUBLISHED and workflow.is_editor(request.user):
            publication.append("substantive_update")
        # Someone who may only read the article reads its body as text, not as markup.
        body = "body" if obj is None or workflow.may_edit(request.user, obj) else "body_text"
        return [
            (None, {"fields": ["headline", "slug", "dek", "section", "tags", body]}),
            ("Lead photo", {"fields": ["lead_photo", "lead_caption", "lead_alt"]}),
            ("Publication", {"fields": publication}),
            (
                "Search engines",
                {
                    "classes": ["collapse"],
                    "fields": ["seo_title", "seo_description", "canonical_url", "noindex"],
                },
            ),
            ("Import", {"classes": ["collapse"], "fields": ["source", "external_id"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        restore = getattr(request, "restore_initial", None)
        return type(form.__name__, (form,), {"user": request.user, "restore_initial": restore})

    # Saving.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.StaleEdit:
            # Another save committed between the form's check and ours: the view's
            # transaction rolled back, so nothing was written. Rendering again lets the
            # form's check name who saved, with this user's input kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        user = request.user
        if change:
            workflow.claim_edit(obj, expected_version=form.cleaned_data["loaded_version"], by=user)
        else:
            obj.created_by = user
            obj.last_saved_by = user
        editor = workflow.is_editor(user)
        # Only editors change what readers see as dates, and only on published articles
        # does "updated" mean anything.
        if editor and change and obj.status == Status.PUBLISHED:
            if form.cleaned_data.get("substantive_update"):
                obj.substantive_update_at = timezone.now()
            if "published_at" in form.changed_data:
                old = form.initial.get("published_at")
                workflow.record(
                    obj,
                    "date_change",
                    by=user,
                    comment=f"Publication date {old:%Y-%m-%d %H:%M} → "
                    f"{obj.published_at:%Y-%m-%d %H:%M}"
                    if old
                    else "",
                )
        super().save_model(request, obj, form, change)
        if obj.substantive_update_at and form.cleaned_data.get("substantive_update") and editor:
            workflow.record(obj, "substantive_update", by=user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        name = form.transition_name()
        if not name:
            return
        try:
            workflow.transition(
                form.instance,
                name,
                by=request.user,
                comment=form.cleaned_data.get("workflow_comment", ""),
                at=form.cleaned_data.get("publish_at"),
            )
        except (PermissionDenied, workflow.TransitionError, ValueError) as refusal:
            messages.error(request, f"Saved, but not moved on: {refusal}")
        else:
            request.workflow_done = workflow.TRANSITIONS[name]

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_transition(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._after_transition(request, obj) or super().response_change(request, obj)

    def _after_transition(self, request, obj):
        done = getattr(request, "workflow_done", None)
        if done is None:
            return None
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at)
            text = f"Scheduled “{obj}” for {when:%Y-%m-%d %H:%M %Z}."
        else:
            text = f"{done.label}: “{obj}” is now {obj.get_status_display().lower()}."
        messages.success(request, text)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    # Bulk actions: each article goes through transition() on its own.

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

    # The list.

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

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
                Q(headline__icontains=term) | Q(dek__icontains=term) | key_in(credited, queryset.db)
            )
        return queryset, False

    @admin.display(description="Status", ordering="status")
    def status_badge(self, article):
        key, label = article.status, article.get_status_display()
        if article.is_scheduled:
            when = timezone.localtime(article.published_at)
            key, label = "scheduled", f"Scheduled {when:%Y-%m-%d %H:%M}"
        return format_html('<span class="status-badge status-{}">{}</span>', key, label)

    @admin.display(description="Body")
    def body_text(self, article):
        # The body is sanitised against the allow-list on every save, so it is safe to show.
        return mark_safe(article.body)  # noqa: S308

    @admin.display(description="Authors")
    def author_names(self, article):
        return ", ".join(b.author.name for b in article.ordered_bylines)

    # Extra pages: the review queue, history, comparing and restoring revisions.

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

    def changelist_view(self, request, extra_context=None):
        extra = {
            "has_publish_permission": self.has_publish_permission(request),
            **(extra_context or {}),
        }
        response = super().changelist_view(request, extra)
        context = getattr(response, "context_data", None) or {}
        if "cl" in context and "media" in context:
            # The author filter's autocomplete box brings its scripts and styles.
            author_filters = [f for f in context["cl"].filter_specs if isinstance(f, AuthorFilter)]
            for spec in author_filters:
                context["media"] += spec.widget.media
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if obj is not None:
            extra.update(self._workflow_context(request, obj))
        return super().change_view(request, object_id, form_url, extra)

    def add_view(self, request, form_url="", extra_context=None):
        submit = workflow.TRANSITIONS["submit"]
        extra = {"transitions": [submit], **(extra_context or {})}
        return super().add_view(request, form_url, extra)

    def _workflow_context(self, request, obj):
        transitions = workflow.available(request.user, obj)
        return {
            "transitions": transitions,
            "needs_comment": any(t.needs_comment for t in transitions),
            "can_schedule": any(t.name == "publish" for t in transitions),
            "audit_entries": obj.audit_entries.select_related("actor"),
            "preview_url": reverse("articles:preview", args=[obj.pk])
            if workflow.may_edit(request.user, obj)
            else None,
            "is_scheduled": obj.is_scheduled,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        versions = list(
            Version.objects.get_for_object(obj).select_related("revision__user").order_by("-pk")
        )
        rows = [
            {"version": v, "previous": versions[i + 1] if i + 1 < len(versions) else None}
            for i, v in enumerate(versions)
        ]
        extra = {
            "revisions": rows,
            "audit_entries": obj.audit_entries.select_related("actor"),
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra)

    def compare_view(self, request, object_id, older, newer):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        a = get_object_or_404(versions, pk=older)
        b = get_object_or_404(versions, pk=newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"Changes to “{obj}”",
            "older": a,
            "newer": b,
            "rows": revisions.compare(a, b),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore: the change form filled with an old revision's editorial fields.

        Nothing is written until the user saves, and that save is an ordinary one (to the
        normal change URL, against the current version). Status is never restored.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        if request.method != "GET":
            raise PermissionDenied  # restoring saves through the change form, never here
        request.restore_initial = revisions.restorable(version)
        when = timezone.localtime(version.revision.date_created)
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        context = {
            "restoring": version,
            "title": f"Restore “{obj}” as saved {when:%Y-%m-%d %H:%M}",
            **(extra_context or {}),
        }
        return self.change_view(request, object_id, change_url, context)

    def recover_view(self, request, version_id, extra_context=None):
        # Recovering a deleted article would bring back its old status without a
        # transition; articles are taken down, not deleted, in normal work.
        raise PermissionDenied

    def recoverlist_view(self, request, extra_context=None):
        raise PermissionDenied
