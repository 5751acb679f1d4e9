"""Articles as IPTC ninjs 2.1 documents (https://iptc.org/standards/ninjs/).

ninjs 2.1 has no ``authors`` property: the byline is ``by`` and the authors are
``people`` with ``rel: "author"``. Section, tags and the source's subject codes are
``subjects``; the lead photo and the photos in the body are ``associations`` of type
picture, each with its caption, credit line, renditions and the copyright holder and
usage terms read from its structured credits.

A document is made when its article changes, with the article page's parts
(``articles.rendering``), and stored with them; the API reads it with the article's row.
The embargo time, which only some keys see, is added when it is read (:func:`embargoed`).
"""

import re
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from articles.models import Article
from articles.richtext import EMBED_RE
from articles.seo import absolute, description
from photos import renditions
from photos.models import Photo

FIGURE_RE = re.compile(r'<figure data-photo="\d+">')
CONTENT_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}


def article_uri(pk: int) -> str:
    return absolute(reverse("api:article", kwargs={"pk": pk}))


def document(article: Article, photos: dict[int, Photo]) -> dict:
    """The ninjs document of ``article``: its bylines with their authors, tags and section
    loaded, and ``photos`` (lead and inline, by id) with their renditions and credits
    (``articles.rendering.render_parts``). Without the embargo time (:func:`embargoed`)."""
    bylines = article.ordered_bylines
    names = [b.author.name for b in bylines]
    doc: dict[str, Any] = {
        "uri": article_uri(article.pk),
        "type": "text",
        "representationtype": "full",
        "profile": "article",
        "version": str(article.version),
        "firstcreated": iso(article.created_at),
        "versioncreated": iso(article.updated_at),
        "contentcreated": iso(article.published_at or article.created_at),
        "pubstatus": "usable",
        "language": settings.NEWSROOM["LANGUAGE"],
        "slugline": article.slug,
        "headlines": [{"role": "main", "value": article.headline}],
        "copyrightholder": settings.NEWSROOM["SITE_NAME"],
        "altids": [{"role": "url", "value": absolute(article.get_absolute_url())}],
        "subjects": subjects(article),
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body(article)}],
    }
    if article.dek:
        doc["descriptions"] = [{"role": "summary", "value": article.dek}]
    else:
        doc["descriptions"] = [{"role": "summary", "value": description(article)}]
    if names:
        doc["by"] = join_names(names)
        doc["people"] = [
            {
                "name": b.author.name,
                "rel": "author" if b.role == "writer" else b.role,
                "uri": absolute(b.author.get_absolute_url()),
                "literal": b.author.slug,
            }
            for b in bylines
        ]
    if article.dateline:
        doc["located"] = article.dateline
    associations = []
    lead = photos.get(article.lead_photo_id) if article.lead_photo_id else None
    if lead is not None:
        # From the loaded photo: ``lead_caption_text`` would read the photo again.
        associations.append(picture(lead, "lead", article.lead_caption or lead.caption))
    for number, match in enumerate(EMBED_RE.finditer(article.body or ""), start=1):
        photo = photos.get(int(match.group("id")))
        if photo is not None:
            caption = match.group("caption") or photo.caption
            associations.append(picture(photo, f"inline-{number}", caption, html=True))
    if associations:
        doc["associations"] = associations
    return doc


def embargoed(doc: dict, published_at: datetime | None, now: datetime) -> dict:
    """``doc`` as a key allowed embargoed stories reads it: a story scheduled after ``now``
    says until when it is embargoed. A copy: the stored document stays as it is."""
    if published_at is None or published_at <= now:
        return doc
    return {**doc, "embargoed": iso(published_at)}


def body(article: Article) -> str:
    """The body, each photo embed naming its association (``inline-1``, ``inline-2``...)."""
    number = 0

    def name(match):
        nonlocal number
        number += 1
        return f'<figure data-association="inline-{number}">'

    return FIGURE_RE.sub(name, article.body or "")


def subjects(article: Article) -> list[dict[str, str]]:
    found = []
    section = article.section
    if section is not None:  # always, once past draft (only drafts may lack one)
        found.append(
            {
                "name": section.name,
                "rel": "section",
                "uri": absolute(section.get_absolute_url()),
                "literal": section.slug,
            }
        )
    found += [
        {
            "name": tag.name,
            "rel": "tag",
            "uri": absolute(tag.get_absolute_url()),
            "literal": tag.slug,
        }
        for tag in article.tags.all()
    ]
    # The source's own vocabulary codes ("medtop:20000763"): for partners, not readers.
    found += [
        {"rel": "subject-code", "literal": code, "creator": article.source or "newsroom"}
        for code in (line.strip() for line in article.subject_codes.splitlines())
        if code
    ]
    return found


def picture(photo: Photo, name: str, caption: str, *, html: bool = False) -> dict:
    assoc: dict[str, Any] = {
        "name": name,
        "uri": f"urn:newsroom:photo:{photo.pk}",
        "type": "picture",
        "pubstatus": "usable",
    }
    if caption:
        assoc["descriptions"] = [
            {
                "role": "caption",
                "contenttype": "text/html" if html else "text/plain",
                "value": caption,
            }
        ]
    if photo.alt_text:
        assoc.setdefault("descriptions", []).append({"role": "alt", "value": photo.alt_text})
    if photo.title:
        assoc["title"] = photo.title
    if photo.credit_line:
        assoc["by"] = photo.credit_line
    credits = list(photo.credits.all())
    holders = [c.organisation or c.creator for c in credits if c.organisation or c.creator]
    if holders:
        assoc["copyrightholder"] = holders[0]
    if photo.copyright_notice:
        assoc["copyrightnotice"] = photo.copyright_notice
    terms = usage_terms(photo, credits)
    if terms:
        assoc["usageterms"] = terms
    made = [r for r in renditions.renditions_of(photo).values() if r.file]
    if made:
        assoc["renditions"] = [
            {
                "name": r.spec,
                "href": absolute(r.file.url),
                "contenttype": CONTENT_TYPES.get(r.spec.rsplit("-", 1)[-1], "image/jpeg"),
                "width": r.width,
                "height": r.height,
            }
            for r in sorted(made, key=lambda r: r.spec)
        ]
    return assoc


def usage_terms(photo: Photo, credits: list) -> str:
    if photo.usage_terms:
        return photo.usage_terms
    for credit in credits:
        if credit.licence:
            return f"{credit.licence} {credit.licence_url}".strip()
    return ""


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
