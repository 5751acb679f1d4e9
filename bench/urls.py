"""The site's addresses plus the floor at ``/_bench/floor/<path>`` (bench/floor.py)."""

from django.urls import include, path

from newsroom.urls import handler500
from newsroom.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("_bench/floor/", include("bench.floor")), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
