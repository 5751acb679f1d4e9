from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.caching import cached_page
from articles.sitemaps import ARTICLE_SITEMAPS, NEWS_SITEMAPS, SITEMAPS
from articles.views import robots_txt
from newsroom.health import healthz
from newsroom.media import media_urlpatterns

ALL_SITEMAPS = {**ARTICLE_SITEMAPS, **SITEMAPS, **NEWS_SITEMAPS}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cached_page(sitemap_views.index),
        {"sitemaps": ALL_SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    # Listed before the general pattern: these two have their own templates.
    path(
        "sitemap-articles.xml",
        cached_page(sitemap_views.sitemap),
        {
            "sitemaps": ARTICLE_SITEMAPS,
            "section": "articles",
            "template_name": "sitemaps/articles.xml",
        },
        name="sitemap-articles",
    ),
    path(
        "sitemap-news.xml",
        cached_page(sitemap_views.sitemap),
        {"sitemaps": NEWS_SITEMAPS, "section": "news", "template_name": "sitemaps/news.xml"},
        name="sitemap-news",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("", include("articles.urls")),
]

# Uploaded media with nosniff, in production too (see newsroom/media.py).
urlpatterns += media_urlpatterns()

# A database outage met outside a view is a 503, not a 500 (newsroom/errors.py).
handler500 = "newsroom.errors.server_error"
