from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles import icons, sitemaps
from articles.caching import cached_page
from articles.sitemaps import ARTICLE_SITEMAPS, NEWS_SITEMAPS, SITEMAPS
from articles.views import robots_txt
from desk.dashboard import dashboard
from newsroom.health import healthz
from newsroom.media import media_urlpatterns

urlpatterns = [
    # The desk's start page and pages, before the admin's own (its index is the dashboard).
    path("admin/", admin.site.admin_view(dashboard), name="desk-dashboard"),
    path("admin/desk/", include("desk.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("api.urls", namespace="api")),
    path("share/", include("sharing.urls")),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", icons.favicon, name="favicon"),
    path("site.webmanifest", icons.web_manifest, name="web-manifest"),
    path(
        "sitemap.xml",
        # The news sitemap is listed only while it holds a story (articles/sitemaps.py).
        cached_page(sitemaps.index),
        {"sitemap_url_name": "sitemap-section"},
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
        cached_page(sitemaps.news),
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
