from django.urls import path, re_path

from .access import error, public_read
from .views import api

patterns, app_name, namespace = api.urls


def not_found(request, rest=""):
    return error(404, "Not found.")


# Every answer of the API, its schema included, goes through the same keys, limits,
# CORS and caching; an address it does not know answers in JSON too.
urlpatterns = [
    path(str(p.pattern), public_read(p.callback), p.default_args, name=p.name) for p in patterns
] + [re_path(r"^(?P<rest>.*)$", public_read(not_found))]
