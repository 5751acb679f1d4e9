"""Plain functions the tests share: make_x(**overrides) returns a saved object, and
helpers that act on the admin as a browser would (``change_url``, ``form_data``)."""

import itertools
import json
import os
import subprocess
import sys
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import CheckboxInput, ModelMultipleChoiceField, MultiWidget
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, Section, Status, Tag
from photos.models import Photo

ROOT = Path(__file__).resolve().parent.parent
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


# The admin, as a browser sees it.


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _value(widget, value):
    if isinstance(widget, MultiWidget):
        if isinstance(value, list):  # a bound form gives back what was posted
            return value
        parts = widget.decompress(value) if value else [None] * len(widget.widgets)
        return [_value(w, v) for w, v in zip(widget.widgets, parts, strict=True)]
    if value is None:
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def _fields(form, data):
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = _value(field.widget, form[name].value())
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(field, ModelMultipleChoiceField):
            data[key] = [getattr(v, "pk", v) for v in value or []]
        elif isinstance(field.widget, MultiWidget):
            for i, part in enumerate(value):
                data[f"{key}_{i}"] = part
        else:
            data[key] = value


def form_data(response, **changes):
    """What the browser would post back from the admin form in ``response``."""
    data = {}
    _fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _fields(formset.management_form, data)
        for form in formset.forms:
            _fields(form, data)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post_change(client, article, **changes):
    """Open the article's change form and save it with ``changes``, as an editor would."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    return client.post(change_url(article), form_data(page, **changes))


def upload_photo(client, name, content, **fields):
    """Post ``content`` as file ``name`` to the photo library's add form, the rest left empty."""
    data = {
        "image": SimpleUploadedFile(name, content),
        "title": "",
        "alt_text": "",
        "caption": "",
        "credit_line": "",
        "copyright_notice": "",
        "usage_terms": "",
        "source_url": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        **fields,
    }
    return client.post(reverse("admin:photos_photo_add"), data)


# Settings are read once per process: what depends on them at start-up runs in a new one.


def run_django_script(script, *args, without=(), **env):
    """Run ``script`` in a fresh Python process with newsroom's settings, in this process's
    environment less the variables named in ``without``, plus ``env``. Returns the JSON it
    printed last."""
    environ = {k: v for k, v in os.environ.items() if k not in without}
    environ.update({"DJANGO_SETTINGS_MODULE": "newsroom.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_worker():
    """A real task worker, in this process, until the queue is empty.

    The worker closes and reopens its database connection between tasks, as a real one
    does: on PostgreSQL the calling test must be transactional.
    """
    from django.core.management import call_command

    call_command("run_worker", batch=True, interval=0, no_fork=True, verbosity=0)
