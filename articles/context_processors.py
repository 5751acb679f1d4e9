from django.conf import settings

from .models import Section


def site(request):
    """The outlet's name, language and sections, for the header and footer of every page."""
    return {
        "site_name": settings.NEWSROOM["SITE_NAME"],
        "site_language": settings.NEWSROOM["LANGUAGE"],
        # One queryset for header and footer: evaluated once, then its cache serves both.
        "nav_sections": Section.objects.all(),
    }
