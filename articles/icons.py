"""The site's icons for browsers and home screens: ``/favicon.ico``, which browsers ask
for by that address whatever the page links, and the web app manifest, which names the
outlet and its colours (``NEWSROOM_SITE_NAME``). The files are in ``static/img/``."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static

# The masthead's accent and the page's paper (static/css/site.css).
THEME_COLOUR = "#a4161a"
BACKGROUND_COLOUR = "#ffffff"
# Browsers ask for /favicon.ico on every site; a day is long enough to pick up a new one.
ICON_MAX_AGE = 24 * 3600


def favicon(request: HttpRequest) -> HttpResponse:
    # A redirect to the static file: in production its hashed, long-cached address.
    response = HttpResponseRedirect(static("img/favicon.ico"))
    response["Cache-Control"] = f"public, max-age={ICON_MAX_AGE}"
    return response


def web_manifest(request: HttpRequest) -> JsonResponse:
    name = settings.NEWSROOM["SITE_NAME"]
    manifest = {
        "name": name,
        "short_name": name.removeprefix("The ")[:12],
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "lang": settings.NEWSROOM["LANGUAGE"],
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = f"public, max-age={ICON_MAX_AGE}"
    return response
