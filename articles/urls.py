from django.urls import path

from . import feeds, views
from .caching import cached_page

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("feeds/rss/", cached_page(feeds.LatestRss()), name="feed-rss"),
    path("feeds/atom/", cached_page(feeds.LatestAtom()), name="feed-atom"),
    path("section/<slug:slug>/rss/", cached_page(feeds.SectionRss()), name="section-feed-rss"),
    path("section/<slug:slug>/atom/", cached_page(feeds.SectionAtom()), name="section-feed-atom"),
    path("author/<slug:slug>/rss/", cached_page(feeds.AuthorRss()), name="author-feed-rss"),
    path("author/<slug:slug>/atom/", cached_page(feeds.AuthorAtom()), name="author-feed-atom"),
    path(
        "<slug:section>/<int:year>/<str:month>/<str:day>/<slug:slug>/",
        views.detail,
        name="detail",
    ),
]
