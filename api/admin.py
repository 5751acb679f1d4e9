"""API keys, made and revoked by editors. The secret is shown once, as the key is made."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from articles.workflow import is_editor

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "allow_embargoed",
        "requests_per_minute",
        "created_at",
        "state",
    ]
    fields = ["name", "allow_embargoed", "requests_per_minute"]
    readonly_fields = ["prefix", "created_by", "created_at", "revoked_at"]
    actions = ["revoke_selected"]

    def get_fields(self, request, obj=None):
        return self.fields + (self.readonly_fields if obj else [])

    def _editor(self, request, obj=None):
        return is_editor(request.user)

    has_module_permission = has_view_permission = has_change_permission = _editor

    def has_add_permission(self, request):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked instead, so who had access stays on record

    def save_model(self, request, obj, form, change):
        if not change:
            secret = obj.new_secret()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            messages.success(
                request,
                format_html(
                    'The key for {} is <code data-secret="{}">{}</code>. Copy it now: it is '
                    "not kept and will not be shown again.",
                    obj.name,
                    secret,
                    secret,
                ),
            )

    @admin.action(description="Revoke the selected keys")
    def revoke_selected(self, request, queryset):
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"{revoked} key(s) revoked: they are refused from now on.")

    @admin.display(description="state")
    def state(self, key):
        return "active" if key.is_active else f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
