"""The article list's filters: status as readers see it, whose article, and by author."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import Article, Author, Byline, Status
from .changelist import own_articles


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


class SectionFilter(admin.RelatedFieldListFilter):
    """By section, with the drafts not yet given one as a choice of their own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = "No section yet"


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

    @property
    def media(self):
        """The autocomplete box's scripts and styles, which the change list page adds."""
        return self.widget.media

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
