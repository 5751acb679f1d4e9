"""Plain factory functions: make_x(**overrides) returns a saved object."""

import itertools
from datetime import timedelta
from io import BytesIO

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, Section, Status, Tag
from photos.models import Photo

_seq = itertools.count(1)


def make_section(**overrides):
    n = next(_seq)
    return Section.objects.create(**{"name": f"Section {n}", "slug": f"section-{n}", **overrides})


def make_tag(**overrides):
    n = next(_seq)
    return Tag.objects.create(**{"name": f"Tag {n}", "slug": f"tag-{n}", **overrides})


def make_author(**overrides):
    n = next(_seq)
    return Author.objects.create(**{"name": f"Author {n}", "slug": f"author-{n}", **overrides})


def image_bytes(fmt="JPEG", size=(64, 48), color=(120, 40, 30)):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def make_photo(with_file=True, **overrides):
    photo = Photo(
        **{
            "caption": "A caption.",
            "credit_line": "Jane Roe / Ledger Photo",
            "alt_text": "A photo",
            **overrides,
        }
    )
    if with_file:
        photo.image.save(
            f"p{next(_seq)}.jpg", SimpleUploadedFile("p.jpg", image_bytes()), save=False
        )
    photo.save()
    return photo


def make_article(*, authors=None, tags=(), status=Status.PUBLISHED, **overrides):
    """A published article by default, dated an hour ago."""
    n = next(_seq)
    fields = {
        "headline": f"Headline {n}",
        "slug": f"headline-{n}",
        "body": "<p>Body text.</p>",
        "status": status,
        "published_at": timezone.now() - timedelta(hours=1)
        if status in (Status.PUBLISHED, Status.ARCHIVED)
        else None,
        **overrides,
    }
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors if authors is not None else [make_author()]):
        Byline.objects.create(article=article, author=author, position=position)
    article.tags.set(tags)
    return article


def make_user(username=None, *, role=None, **overrides):
    """A staff user, in the "Writer" or "Editor" group when ``role`` names one."""
    user = User.objects.create_user(
        username or f"user{next(_seq)}",
        password="a-long-test-password",
        is_staff=True,
        **overrides,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_roles():
    """The Writer and Editor groups as the roles migration makes them.

    Transactional tests (live server, real concurrency) flush the database after each
    test, taking the migration's groups with them; this puts them back.
    """
    from importlib import import_module

    from django.apps import apps

    import_module("articles.migrations.0002_roles").create_roles(apps, None)
