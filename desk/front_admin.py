"""The "Front page" admin page: editors order the home page's and each section's pinned
stories by dragging, with a time after which the pins lapse."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Section

from . import front
from .models import Pin

# Stories offered to pin: the newest published, by front.
CANDIDATES = 30
# Most fronts show a lead and a few more.
MAX_PINS = 12
LAPSE_CHOICES = [
    ("", "Until changed"),
    ("2", "2 hours"),
    ("6", "6 hours"),
    ("12", "12 hours"),
    ("24", "24 hours"),
    ("48", "2 days"),
]


class PinsForm(forms.Form):
    # The pinned ids in order, comma-separated (the page's script keeps it in step).
    order = forms.CharField(required=False)
    lapse = forms.ChoiceField(choices=LAPSE_CHOICES, required=False, label="Pins lapse after")

    def clean_order(self) -> list[int]:
        raw = [part for part in self.cleaned_data["order"].split(",") if part.strip()]
        try:
            ids = list(dict.fromkeys(int(part) for part in raw))
        except ValueError as error:
            raise forms.ValidationError("Not a list of stories.") from error
        if len(ids) > MAX_PINS:
            raise forms.ValidationError(f"Pin at most {MAX_PINS} stories.")
        live = set(Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
        if missing := [pk for pk in ids if pk not in live]:
            raise forms.ValidationError(
                f"Only published stories can be pinned (not {', '.join(map(str, missing))})."
            )
        return ids


def _section(slug: str | None) -> Section | None:
    return get_object_or_404(Section, slug=slug) if slug else None


def front_page(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    if not workflow.is_editor(request.user):
        raise PermissionDenied
    section = _section(slug or request.GET.get("section"))
    form = PinsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hours = form.cleaned_data["lapse"]
        until = timezone.now() + timedelta(hours=int(hours)) if hours else None
        front.set_pins(section, form.cleaned_data["order"], until=until, by=request.user)
        name = "home page" if section is None else section.name
        messages.success(request, f"Saved the {name} front: readers see it now.")
        url = reverse("desk:front")
        return HttpResponseRedirect(f"{url}?section={section.slug}" if section else url)
    pins = list(Pin.objects.of_front(section).select_related("article", "article__section"))
    now = timezone.now()
    pinned = [
        pin.article
        for pin in pins
        if pin.article.is_public and (pin.until is None or pin.until > now)
    ]
    candidates = Article.objects.published().newest_first().select_related("section")
    if section is not None:
        candidates = candidates.filter(section=section)
    candidates = [
        a
        for a in candidates.only("pk", "headline", "published_at", "section__name")[:CANDIDATES]
        if a.pk not in {p.pk for p in pinned}
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Front page",
        "section": section,
        "sections": Section.objects.order_by("order", "name"),
        "pinned": pinned,
        "lapsed": [pin for pin in pins if pin.article not in pinned],
        "until": next((pin.until for pin in pins if pin.until), None),
        "candidates": candidates,
        "form": form,
        "max_pins": MAX_PINS,
    }
    request.current_app = admin.site.name
    return TemplateResponse(request, "desk/front_page.html", context)
