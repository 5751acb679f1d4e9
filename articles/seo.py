"""What an article page tells search engines and social sites: canonical URL, description,
Open Graph and Twitter cards, and NewsArticle JSON-LD with image licence data.
"""

import json
import logging

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from photos import renditions

logger = logging.getLogger(__name__)

LOGO = "img/logo.png"
LOGO_SIZE = (600, 60)
JSON_LD_IMAGE_SPECS = ("crop-16x9", "crop-4x3", "crop-1x1")
DESCRIPTION_LENGTH = 200


def absolute(url):
    """``url`` made absolute with the site's public address (never the request's Host)."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.NEWSROOM["SITE_URL"].rstrip("/") + url


def script_json(data):
    """JSON safe inside a <script> element: <, > and & cannot close it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, indent=None, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - every character that could end the script is escaped


def description(article):
    text = article.seo_description or article.dek or strip_tags(article.body)
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)


def made_renditions(photo, specs):
    """{spec: Rendition} of ``photo`` for those of ``specs`` already made.

    Renditions are made when a photo is uploaded or imported, never while a page renders
    (``regenerate_renditions`` backfills); until then the page simply names fewer images.
    """
    if photo is None or not photo.image:
        return {}
    found = renditions.renditions_of(photo)
    missing = [spec for spec in specs if spec not in found]
    if missing:
        logger.info("Photo %s has no %s rendition yet", photo.pk, ", ".join(missing))
    return {spec: found[spec] for spec in specs if spec in found}


def licence(photo):
    """schema.org image licence properties known for ``photo``."""
    data = {}
    if photo.credit_line:
        data["creditText"] = photo.credit_line
    notice = photo.copyright_notice or photo.credit_line
    if notice:
        data["copyrightNotice"] = notice
    for credit in photo.credits.all():
        if credit.licence_url:
            data["license"] = credit.licence_url
            break
    if photo.source_url:
        data["acquireLicensePage"] = photo.source_url
    creators = [credit.creator for credit in photo.credits.all() if credit.creator]
    if creators:
        data["creator"] = [{"@type": "Person", "name": name} for name in creators]
    return data


def image_object(made, photo):
    return {
        "@type": "ImageObject",
        "url": absolute(made.file.url),
        "width": made.width,
        "height": made.height,
        **licence(photo),
    }


def publisher():
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM["SITE_NAME"],
        "url": absolute("/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static(LOGO)),
            "width": LOGO_SIZE[0],
            "height": LOGO_SIZE[1],
        },
    }


def news_article(article, canonical, summary, made):
    photo = article.lead_photo
    crops = [made.get(spec) for spec in JSON_LD_IMAGE_SPECS]
    modified = article.substantive_update_at or article.published_at
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": Truncator(article.headline).chars(110),
        "description": summary,
        "datePublished": article.published_at.isoformat(),
        "dateModified": max(modified, article.published_at).isoformat(),
        "author": [
            {"@type": "Person", "name": b.author.name, "url": absolute(b.author.get_absolute_url())}
            for b in article.ordered_bylines
        ],
        "publisher": publisher(),
        "inLanguage": settings.NEWSROOM["LANGUAGE"],
        "isAccessibleForFree": True,
    }
    if canonical:  # a draft without a section has no address yet (article_metadata)
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": canonical}
        data["url"] = canonical
    if article.section_id is not None:  # a draft's preview may have none yet
        data["articleSection"] = article.section.name
    if any(crops):
        data["image"] = [image_object(made, photo) for made in crops if made]
    tags = [tag.name for tag in article.tags.all()]
    if tags:
        data["keywords"] = tags
    return data


def article_metadata(article):
    """Everything the <head> of an article page needs, as template context."""
    canonical = article.canonical_url
    if not canonical and article.section_id is not None:
        canonical = absolute(article.get_absolute_url())
    # Else a draft without a section, seen in a preview: it has no public address yet, and
    # its preview's is no one's to share or index.
    summary = description(article)
    made = made_renditions(article.lead_photo, [renditions.SOCIAL[0], *JSON_LD_IMAGE_SPECS])
    social = made.get(renditions.SOCIAL[0])
    return {
        # The parts are rendered without a request, so without the context processors.
        "site_name": settings.NEWSROOM["SITE_NAME"],
        "canonical": canonical,
        "description": summary,
        "title": article.seo_title or article.headline,
        "social_image": absolute(social.file.url) if social else "",
        "social_image_size": (social.width, social.height) if social else None,
        "social_image_alt": article.lead_alt_text,
        "author_urls": [absolute(b.author.get_absolute_url()) for b in article.ordered_bylines],
        "json_ld": script_json(news_article(article, canonical, summary, made)),
    }
