from django.contrib import admin

from ..forms import AuthorForm
from ..models import Author, Section, Tag

# No prepopulated_fields: the admin's JavaScript transliterates differently from the site.
# A slug left blank is made by the model's save() with the one rule (articles.slugs).


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorForm
    list_display = ["name", "title", "email", "user"]
    search_fields = ["name", "email", "title"]
    autocomplete_fields = ["user", "photo"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
