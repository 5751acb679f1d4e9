from .article import (
    Article,
    ArticleQuerySet,
    ArticleRedirect,
    Byline,
    Correction,
    RenderedArticle,
    Status,
    bylines_with_authors,
    with_published_articles,
)
from .audit import AuditEntry
from .author import Author
from .mail import SentMail
from .taxonomy import Section, Tag

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "AuditEntry",
    "Author",
    "Byline",
    "Correction",
    "RenderedArticle",
    "Section",
    "SentMail",
    "Status",
    "Tag",
    "bylines_with_authors",
    "with_published_articles",
]
