from .article import (
    Article,
    ArticleQuerySet,
    ArticleRedirect,
    Byline,
    Correction,
    Status,
    bylines_with_authors,
)
from .audit import AuditEntry
from .author import Author
from .photo import Credit, Photo, Rendition
from .taxonomy import Section, Tag

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "AuditEntry",
    "Author",
    "Byline",
    "Correction",
    "Credit",
    "Photo",
    "Rendition",
    "Section",
    "Status",
    "Tag",
    "bylines_with_authors",
]
