from django.contrib import admin

from .models import LoginLock


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    """Superusers see account lockouts here, and end one early by moving its end."""

    list_display = ["username", "started_at", "ends_at"]
    search_fields = ["username"]
    readonly_fields = ["username", "started_at"]
    ordering = ["-started_at"]

    def has_add_permission(self, request):
        return False
