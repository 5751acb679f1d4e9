from django.conf import settings

from .caching import site_fragment
from .models import Section, with_published_articles


def menu_entries():
    # A section with nothing published is not offered to readers (it would be empty, and
    # its name may announce a story that is not out yet).
    return [
        {"pk": s.pk, "name": s.name, "slug": s.slug, "url": s.get_absolute_url()}
        for s in with_published_articles(Section.objects.all(), "section")
    ]


def section_menu():
    """The site's sections in menu order, kept until they change (``caching.menu_changed``)."""
    return site_fragment("menu", menu_entries, keys=["menu"])


def menu_paths():
    """The paths the menu links to: on those pages, an entry is marked as the current one."""
    return {"/", *(entry["url"] for entry in section_menu())}


def site(request):
    """The outlet's name, language and sections, for the header and footer of every page."""
    return {
        "site_name": settings.NEWSROOM["SITE_NAME"],
        "site_language": settings.NEWSROOM["LANGUAGE"],
        # Made once per site state: sections change rarely, and a hundred reverse() calls
        # for the header and footer cost more than the rest of a small page. A callable,
        # so pages without the menu (the admin) never ask for it.
        "nav_sections": section_menu,
    }
