"""Uploaded media served by the app itself, for sites whose media live on local disk.

The files pass through the middleware like any page, so SecurityMiddleware adds
``X-Content-Type-Options: nosniff`` and CSPMiddleware the site's policy: an upload can
never be sniffed into HTML or script. A site on object storage (MEDIA_STORAGE=s3) serves
media from the bucket or its CDN instead, and DJANGO_SERVE_MEDIA is off.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve


def serve_media(request, path):
    # MEDIA_ROOT is read per request, not when the URLconf loads.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def media_urlpatterns():
    if not settings.SERVE_MEDIA or not settings.MEDIA_URL.startswith("/"):
        return []
    prefix = settings.MEDIA_URL.lstrip("/")
    return [
        re_path(rf"^{prefix}(?P<path>.+)$", serve_media, name="media"),
    ]
