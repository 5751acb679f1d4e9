from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL's query string with ``page`` set to ``number`` (keeps ?q= on search)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
