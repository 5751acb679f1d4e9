"""Sitemaps of what readers can see: articles, sections, authors, and the last 48 hours for
Google News (served with its own template, ``sitemaps/news.xml``).

With no story in the last 48 hours the news sitemap would be an empty <urlset>, which
the sitemaps.org schema refuses (it asks for at least one <url>). So while it is empty it
is left out of the index and robots.txt, and its address answers 404, which crawlers
read as "nothing here now" and ask again later.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef
from django.http import Http404
from django.utils import timezone

from .models import Article, Author, Byline, Section

NEWS_WINDOW = timedelta(hours=48)


class ArticleSitemap(Sitemap):
    limit = 5000  # under the protocol's 50,000 so each page stays small

    def items(self):
        return (
            Article.objects.published()
            .filter(noindex=False, canonical_url="")
            .select_related("section", "lead_photo")
            .newest_first()
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            photo = url["item"].lead_photo
            # Google's image extension: the lead photo, for image search.
            url["image"] = base + photo.image.url if photo and photo.image else ""
        return urls

    def lastmod(self, item):
        return max(item.substantive_update_at or item.published_at, item.published_at)


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        newest = dict(
            Article.objects.published()
            .order_by()
            .values_list("section")
            .annotate(Max("published_at"))
        )
        sections = list(Section.objects.all())
        for section in sections:
            section.newest = newest.get(section.pk)
        return sections

    def lastmod(self, item):
        return item.newest


class AuthorSitemap(Sitemap):
    def items(self):
        public = Byline.objects.filter(
            author=OuterRef("pk"), article__in=Article.objects.published()
        )
        return Author.objects.filter(Exists(public)).order_by("name", "pk")


class NewsSitemap(ArticleSitemap):
    """Only what was published in the last 48 hours, as Google News asks."""

    limit = 1000  # Google News reads at most 1,000 URLs per sitemap

    def items(self):
        return super().items().filter(published_at__gte=timezone.now() - NEWS_WINDOW)

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            url["publication"] = settings.NEWSROOM["SITE_NAME"]
            url["language"] = settings.NEWSROOM["LANGUAGE"]
        return urls


SITEMAPS = {"sections": SectionSitemap, "authors": AuthorSitemap}
ARTICLE_SITEMAPS = {"articles": ArticleSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}


def news_is_empty() -> bool:
    return not NewsSitemap().items().exists()


def listed_sitemaps() -> dict[str, type[Sitemap]]:
    """Every sitemap of the index: the news sitemap only while it holds a story."""
    news = {} if news_is_empty() else NEWS_SITEMAPS
    return {**ARTICLE_SITEMAPS, **SITEMAPS, **news}


def index(request, **kwargs):
    return sitemap_views.index(request, sitemaps=listed_sitemaps(), **kwargs)


def news(request, **kwargs):
    if news_is_empty():
        raise Http404("No story was published in the last 48 hours.")
    return sitemap_views.sitemap(request, **kwargs)
