"""The floor: a bare Django view that answers with a real page's bytes, held in memory.

A page measured against it shows what our own work costs on top of what Django,
gunicorn and the middleware cost anyway. ``/_bench/floor/<path>`` answers with the bytes
of ``/<path>``, fetched once per worker through the whole stack in-process and kept.

Mounted only by the benchmarks' own settings (bench/settings.py, bench/urls.py), never by
the site's URLconf.
"""

from django.http import HttpResponse
from django.test import Client
from django.urls import path

_pages = {}


def floor(request, page):
    target = "/" + page
    stored = _pages.get(target)
    if stored is None:
        # The same request the page gets (host, proxy scheme header), as an anonymous reader.
        headers = {"host": request.get_host()}
        if proto := request.headers.get("X-Forwarded-Proto"):
            headers["x-forwarded-proto"] = proto
        response = Client(headers=headers).get(target)
        if response.status_code != 200:
            return HttpResponse(
                f"{target} answered {response.status_code}", status=502, content_type="text/plain"
            )
        stored = _pages[target] = (response.content, response["Content-Type"])
    content, content_type = stored
    return HttpResponse(content, content_type=content_type)


urlpatterns = [
    path("", floor, {"page": ""}, name="bench-floor-home"),
    path("<path:page>", floor, name="bench-floor"),
]
