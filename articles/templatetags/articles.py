from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from ..caching import site_fragment
from ..context_processors import menu_paths

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL's query string with ``page`` set to ``number`` (keeps ?q= on search)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def site_chrome(context, template_name):
    """The header or the footer, made once per site state and day (they show the date).

    They differ only by which menu entry is the current page, and on the search page by
    the query in the search box, which is never kept.
    """
    request = context["request"]
    if context.get("query"):
        return render_to_string(template_name, context.flatten())
    current = request.path if request.path in menu_paths() else ""
    name = f"{template_name}:{timezone.localdate()}:{current}"
    return site_fragment(name, lambda: render_to_string(template_name, context.flatten()))
