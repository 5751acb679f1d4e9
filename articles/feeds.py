"""RSS 2.0 and Atom feeds of published articles: the whole site, each section, each author.

Each item carries the dek as its summary and the full body (embeds expanded) as its
content, every author, and the lead photo as an enclosure and a Media RSS element.
"""

import mimetypes
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape

from .models import Article, Author, Section
from .rendering import render_bodies
from .seo import absolute

ITEMS = 30
# Feed readers show item content away from our site: its links and images need our address.
URL_ATTRIBUTE_RE = re.compile(r'(\s(?:src|href|srcset)=")([^"]*)(")')
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def absolute_urls(html):
    """``html`` with every site-relative src, href and srcset URL made absolute."""

    def fix(url):
        url = url.strip()
        return absolute(url) if url.startswith("/") and not url.startswith("//") else url

    def replace(match):
        name = match.group(1)
        if "srcset" in name:
            parts = []
            for candidate in match.group(2).split(","):
                url, _, descriptor = candidate.strip().partition(" ")
                parts.append(f"{fix(url)} {descriptor}".strip())
            value = ", ".join(parts)
        else:
            value = fix(match.group(2))
        return f"{name}{value}{match.group(3)}"

    return URL_ATTRIBUTE_RE.sub(replace, html)


class NewsRss(Rss201rev2Feed):
    """RSS 2.0 with every author, the full body and the lead image.

    One rule for every text node: plain text (titles, names, categories) is written as
    text, and where readers render a node as HTML (the item's and the channel's
    ``description``) the plain text is HTML-escaped first, so a name like
    ``<script>`` shows as written everywhere. The channel description was once written
    as text only, which readers took as markup a writer could choose (an author's name).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed["description"] = escape(self.feed["description"])

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs.update({"xmlns:content": CONTENT_NS, "xmlns:media": MEDIA_NS, "xmlns:dc": DC_NS})
        return attrs

    def add_item_elements(self, handler, item):
        authors = item.pop("authors", [])
        # Django writes one dc:creator; we write one per author instead.
        item["author_name"] = None
        super().add_item_elements(handler, item)
        for author in authors:
            handler.addQuickElement("dc:creator", author["name"])
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        if item.get("image"):
            handler.addQuickElement("media:content", "", item["image"])


class NewsAtom(Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        authors = item.pop("authors", [])
        item["author_name"] = None
        super().add_item_elements(handler, item)
        for author in authors:
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["uri"])
            handler.endElement("author")
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        if item.get("image"):
            handler.addQuickElement("media:content", "", item["image"])


class LatestRss(Feed):
    feed_type = NewsRss

    def title(self, obj=None):
        return settings.NEWSROOM["SITE_NAME"]

    def description(self, obj=None):
        return f"The latest stories from {settings.NEWSROOM['SITE_NAME']}."

    def link(self, obj=None):
        return "/"

    def feed_url(self, obj=None):
        return None  # the request's own URL

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        articles = list(self.articles(obj).for_display().newest_first()[:ITEMS])
        for article, body in zip(articles, render_bodies(articles), strict=True):
            article.rendered_body = body
        return articles

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Readers render the description as HTML; the dek is plain text, so escape it.
        return escape(item.dek or item.headline)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        # Stable when the slug, section or date (and so the link) changes.
        host = urlsplit(settings.NEWSROOM["SITE_URL"]).hostname or "localhost"
        return f"tag:{host},2026:article:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.substantive_update_at or item.published_at, item.published_at)

    def item_categories(self, item):
        return [item.section.name, *(tag.name for tag in item.tags.all())]

    def item_enclosures(self, item):
        photo = item.lead_photo
        if photo is None or not photo.image:
            return []
        try:
            size = photo.image.size
        except OSError:
            return []  # the file is missing on disk; the feed still goes out
        kind = mimetypes.guess_type(photo.image.name)[0] or "image/jpeg"
        return [Enclosure(absolute(photo.image.url), str(size), kind)]

    def item_extra_kwargs(self, item):
        photo = item.lead_photo
        image = None
        if photo is not None and photo.image:
            image = {
                "url": absolute(photo.image.url),
                "medium": "image",
                "type": mimetypes.guess_type(photo.image.name)[0] or "image/jpeg",
            }
            if photo.width:
                image.update(width=str(photo.width), height=str(photo.height))
        return {
            "content": absolute_urls(str(item.rendered_body)),
            "image": image,
            "authors": [
                {"name": b.author.name, "uri": absolute(b.author.get_absolute_url())}
                for b in item.ordered_bylines
            ],
        }


class AtomFeed:
    """The Atom form of an RSS feed class: Atom calls the description a subtitle."""

    feed_type = NewsAtom

    def subtitle(self, obj=None):
        return self.description(obj)


class LatestAtom(AtomFeed, LatestRss):
    pass


class SectionRss(LatestRss):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} · {settings.NEWSROOM['SITE_NAME']}"

    def description(self, obj=None):
        return obj.description or f"The latest {obj.name} stories."

    def link(self, obj=None):
        return obj.get_absolute_url()

    def articles(self, obj):
        return Article.objects.published().filter(section=obj)


class SectionAtom(AtomFeed, SectionRss):
    pass


class AuthorRss(LatestRss):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} · {settings.NEWSROOM['SITE_NAME']}"

    def description(self, obj=None):
        return f"The latest stories by {obj.name}."

    def link(self, obj=None):
        return obj.get_absolute_url()

    def articles(self, obj):
        return Article.objects.published().filter(bylines__author=obj)


class AuthorAtom(AtomFeed, AuthorRss):
    pass
