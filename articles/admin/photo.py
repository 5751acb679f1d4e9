from django.contrib import admin
from django.utils.html import format_html

from ..models import Credit, Photo


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    fields = ["position", "creator", "organisation", "licence", "licence_url", "platform"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "__str__", "credit_line", "uploaded_at"]
    list_display_links = ["thumbnail", "__str__"]
    search_fields = ["title", "caption", "credit_line", "alt_text",
                     "credits__creator", "credits__organisation"]
    inlines = [CreditInline]
    readonly_fields = ["thumbnail", "width", "height", "content_hash"]
    fieldsets = [
        (None, {"fields": ["image", "thumbnail", "title", "alt_text", "caption"]}),
        ("Credit and rights", {"fields": ["credit_line", "copyright_notice", "usage_terms",
                                          "source_url"]}),
        ("Focal point", {"classes": ["collapse"],
                         "fields": ["focal_x", "focal_y", "focal_width", "focal_height"]}),
        ("File", {"classes": ["collapse"], "fields": ["width", "height", "content_hash"]}),
    ]

    @admin.display(description="Preview")
    def thumbnail(self, photo):
        if not photo.image:
            return "Pending upload"
        return format_html(
            '<img src="{}" alt="" style="max-height:60px;max-width:100px">', photo.image.url
        )


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["creator", "organisation", "licence", "platform", "photo"]
    search_fields = ["creator", "organisation", "licence", "platform"]
    list_select_related = ["photo"]
