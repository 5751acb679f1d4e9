"""The API's response types: the OpenAPI schema at /api/v1/schema is made from them.

``Ninjs`` is the part of IPTC ninjs 2.1 that the API writes (api/ninjs.py); the tests
validate the documents against IPTC's own JSON schema as well. Answers are plain pydantic
models (``Out``): they are validated from dicts, and django-ninja's ``Schema`` would read
each field through its Django-object getter, several times slower for a list of 100.
"""

from datetime import datetime

from ninja import Field, Schema
from pydantic import BaseModel

MAX_LIMIT = 100


class Out(BaseModel):
    """An answer's type."""


class Text(Out):
    role: str | None = None
    contenttype: str | None = None
    value: str


class Person(Out):
    name: str
    rel: str
    uri: str
    literal: str


class Subject(Out):
    name: str | None = None
    rel: str
    uri: str | None = None
    literal: str
    creator: str | None = None


class Rendition(Out):
    name: str
    href: str
    contenttype: str
    width: int
    height: int


class AltId(Out):
    role: str
    value: str


class Picture(Out):
    name: str
    uri: str
    type: str
    pubstatus: str
    title: str | None = None
    by: str | None = None
    descriptions: list[Text] | None = None
    copyrightholder: str | None = None
    copyrightnotice: str | None = None
    usageterms: str | None = None
    renditions: list[Rendition] | None = None


class Ninjs(Out):
    uri: str
    type: str
    representationtype: str
    profile: str
    version: str
    firstcreated: datetime
    versioncreated: datetime
    contentcreated: datetime
    embargoed: datetime | None = None
    pubstatus: str
    language: str
    slugline: str
    headlines: list[Text]
    descriptions: list[Text]
    bodies: list[Text]
    by: str | None = None
    people: list[Person] | None = None
    located: str | None = None
    subjects: list[Subject]
    copyrightholder: str
    altids: list[AltId]
    associations: list[Picture] | None = None


class ArticlePage(Out):
    items: list[Ninjs]
    next_cursor: str | None = None
    next: str | None = None


class Section(Out):
    id: int
    name: str
    slug: str
    url: str


class Author(Out):
    id: int
    name: str
    slug: str
    url: str


class Tag(Out):
    id: int
    name: str
    slug: str
    url: str


class SectionList(Out):
    items: list[Section]


class AuthorPage(Out):
    items: list[Author]
    next_cursor: str | None = None


class TagPage(Out):
    items: list[Tag]
    next_cursor: str | None = None


class Error(Out):
    detail: str
    parameter: str | None = None


class ArticleFilters(Schema):
    section: str | None = Field(None, description="A section's slug.")
    author: str | None = Field(None, description="An author's slug.")
    tag: str | None = Field(None, description="A tag's slug.")
    since: datetime | None = Field(None, description="Published at or after this time.")
    updated_since: datetime | None = Field(
        None, description="Changed after this time; the list is then oldest change first."
    )
    cursor: str | None = Field(None, description="next_cursor of the page before.")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)


class TaxonomyPage(Schema):
    cursor: str | None = Field(None, description="next_cursor of the page before.")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
