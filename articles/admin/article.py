from django.contrib import admin

from ..models import Article, AuditEntry, Byline, Correction


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author", "role"]


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0


class AuditInline(admin.TabularInline):
    model = AuditEntry
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_status", "to_status", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "section", "author_names", "published_at"]
    list_filter = ["status", "section", "tags"]
    search_fields = ["headline", "dek", "bylines__author__name"]
    date_hierarchy = "published_at"
    list_select_related = ["section"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "tags", "lead_photo"]
    readonly_fields = ["status"]
    inlines = [BylineInline, CorrectionInline, AuditInline]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "section", "tags", "body"]}),
        ("Lead photo", {"fields": ["lead_photo", "lead_caption", "lead_alt"]}),
        ("Publication", {"fields": ["status", "published_at", "substantive_update_at"]}),
        ("Search engines", {
            "classes": ["collapse"],
            "fields": ["seo_title", "seo_description", "canonical_url", "noindex"],
        }),
        ("Import", {"classes": ["collapse"], "fields": ["source", "external_id"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    @admin.display(description="Authors")
    def author_names(self, article):
        return ", ".join(b.author.name for b in article.ordered_bylines)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.last_saved_by = request.user
        super().save_model(request, obj, form, change)
