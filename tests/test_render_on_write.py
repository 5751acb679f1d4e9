"""Article pages' parts are rendered when what they show changes, not when they are read.

A cold article page (nothing in any cache) reads its row with the stored parts, the
related stories and the menu: three queries, however many people, photos and tags it
shows. Every write readers could see (each model's save, delete, queryset writes and
many-to-many changes) leaves the stored parts as a fresh render would make them.
"""

import pytest
from django.core.cache import cache

from articles import rendering, workflow
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    RenderedArticle,
    Section,
    Status,
    Tag,
)
from photos import renditions
from photos.models import Credit, Photo
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_section,
    make_tag,
    make_user,
    run_worker,
)

pytestmark = pytest.mark.django_db

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _photo(**fields):
    photo = make_photo(**fields)
    renditions.ensure_renditions(photo)
    return photo


def _rich_article(committed, **fields):
    """An article with four authors, a lead photo and two more in the body, five tags,
    a correction, and related stories."""
    section = make_section()
    lead, inline, other = _photo(), _photo(), _photo(credit_line="Inline Credit / Wire")
    body = (
        f'<p>First.</p><figure data-photo="{inline.pk}"></figure>'
        f'<p>Second.</p><figure data-photo="{other.pk}"><figcaption>Here.</figcaption></figure>'
    )
    tags = [make_tag() for _ in range(5)]

    def write():
        article = make_article(
            section=section,
            authors=[make_author() for _ in range(4)],
            tags=tags,
            lead_photo=lead,
            body=body,
            **fields,
        )
        Correction.objects.create(article=article, text="An earlier version misspelt a name.")
        for _ in range(4):
            make_article(section=section, tags=tags[:1])
        return article

    return committed(write)


def cold_page(client, settings, article):
    """The article's page with nothing in any cache, and its HTML."""
    settings.CACHES = NO_CACHE
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_cold_article_page_reads_three_queries_whatever_it_shows(
    client, settings, committed, django_assert_max_num_queries
):
    article = _rich_article(committed)
    settings.CACHES = NO_CACHE
    with django_assert_max_num_queries(3):
        html = client.get(article.get_absolute_url()).content.decode()
    # Everything the page shows is there: people, photos with their srcset and credits,
    # tags, the correction, JSON-LD and the related stories.
    for byline in article.bylines.select_related("author"):
        assert byline.author.name in html
    assert html.count("srcset=") >= 3 and "Inline Credit / Wire" in html
    for tag in article.tags.all():
        assert tag.name in html
    assert "misspelt a name" in html
    assert '"@type": "NewsArticle"' in html or '"@type":"NewsArticle"' in html
    assert html.count('class="related') >= 1


def test_the_parts_are_stored_when_a_story_is_published_and_dropped_when_taken_down(
    committed,
):
    editor = make_user(role="Editor")
    draft = committed(make_article, status=Status.REVIEW)
    assert not RenderedArticle.objects.filter(article=draft).exists()
    committed(workflow.transition, draft, "publish", by=editor)
    assert draft.headline in RenderedArticle.objects.get(article=draft).html
    committed(
        workflow.transition,
        Article.objects.get(pk=draft.pk),
        "take_down",
        by=editor,
        comment="Legal",
    )
    assert not RenderedArticle.objects.filter(article=draft).exists()


def _edit(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


# Each model's writes, and what the stored page shows after them (None: ``gone`` is not).
WRITES = {
    "article save": (lambda a: _edit(a, headline="Saved headline"), "Saved headline"),
    "article queryset update": (
        lambda a: Article.objects.filter(pk=a.pk).update(dek="An updated standfirst"),
        "An updated standfirst",
    ),
    "article bulk_update": (
        lambda a: Article.objects.bulk_update([setattr(a, "dek", "Bulk standfirst") or a], ["dek"]),
        "Bulk standfirst",
    ),
    "correction create": (
        lambda a: Correction.objects.create(article=a, text="Added correction."),
        "Added correction.",
    ),
    "correction queryset update": (
        lambda a: Correction.objects.filter(article=a).update(text="Reworded correction."),
        "Reworded correction.",
    ),
    "correction queryset delete": (
        lambda a: Correction.objects.filter(article=a).delete(),
        ("gone", "misspelt a name"),
    ),
    "byline delete": (
        lambda a: a.bylines.order_by("position").last().delete(),
        ("gone-author",),
    ),
    "byline create": (
        lambda a: Byline.objects.create(
            article=a, author=make_author(name="Newly Credited"), position=9
        ),
        "Newly Credited",
    ),
    "author save": (
        lambda a: _edit(a.bylines.first().author, name="Renamed Writer"),
        "Renamed Writer",
    ),
    "author queryset update": (
        lambda a: Author.objects.filter(bylines__article=a).update(name="Bulk Writer"),
        "Bulk Writer",
    ),
    "section save": (lambda a: _edit(a.section, name="Renamed Desk"), "Renamed Desk"),
    "section queryset update": (
        lambda a: Section.objects.filter(pk=a.section_id).update(name="Bulk Desk"),
        "Bulk Desk",
    ),
    "tag save": (lambda a: _edit(a.tags.first(), name="Renamed Topic"), "Renamed Topic"),
    "tag queryset update": (
        lambda a: Tag.objects.filter(pk=a.tags.first().pk).update(name="Bulk Topic"),
        "Bulk Topic",
    ),
    "tag m2m add": (lambda a: a.tags.add(make_tag(name="Added Topic")), "Added Topic"),
    "tag m2m remove (reverse)": (
        lambda a: a.tags.first().articles.remove(a),
        ("gone-tag",),
    ),
    "photo save": (
        lambda a: _edit(a.lead_photo, credit_line="Lead Credit / Agency"),
        "Lead Credit / Agency",
    ),
    "photo queryset update": (
        lambda a: Photo.objects.filter(pk=a.lead_photo_id).update(caption="Bulk caption."),
        "Bulk caption.",
    ),
    "embedded photo queryset update": (
        lambda a: Photo.objects.filter(credit_line="Inline Credit / Wire").update(
            credit_line="Inline Recredited / Wire"
        ),
        "Inline Recredited / Wire",
    ),
    "credit create": (
        lambda a: Credit.objects.create(
            photo=a.lead_photo, creator="Ana Lens", licence_url="https://example.org/lic"
        ),
        "https://example.org/lic",
    ),
    "credit queryset update": (
        lambda a: (
            Credit.objects.create(photo=a.lead_photo, licence_url="https://example.org/one"),
            Credit.objects.filter(photo=a.lead_photo).update(licence_url="https://example.org/two"),
        ),
        "https://example.org/two",
    ),
}


@pytest.mark.parametrize("change", WRITES)
def test_each_models_writes_refresh_the_stored_parts(
    client, settings, committed, change, django_assert_max_num_queries
):
    article = _rich_article(committed)
    write, expected = WRITES[change]
    article = Article.objects.select_related("section", "lead_photo").get(pk=article.pk)
    last_author = article.bylines.order_by("position").last().author.name
    first_tag = article.tags.order_by("pk").first()
    committed(write, article)
    # Stored after the commit: the cold page reads it, and renders nothing.
    settings.CACHES = NO_CACHE
    with django_assert_max_num_queries(3):
        html = client.get(article.get_absolute_url()).content.decode()
    if isinstance(expected, str):
        assert expected in html
    elif expected[0] == "gone":
        assert expected[1] not in html
    elif expected[0] == "gone-author":
        assert last_author not in html.split('class="related')[0]
    else:
        assert f'href="{first_tag.get_absolute_url()}"' not in html.split('class="related')[0]


@pytest.mark.django_db(transaction=True)
def test_a_photo_shown_by_many_stories_is_rendered_anew_by_a_task(committed):
    photo = _photo(credit_line="Old Credit / Wire")
    stories = committed(
        lambda: [make_article(lead_photo=photo) for _ in range(rendering.SYNC_LIMIT + 5)]
    )
    committed(_edit, photo, credit_line="New Credit / Wire")
    # Too many to render in the editor's request: their parts are dropped at once (a
    # reader renders a missing one), and a worker renders them all.
    assert not RenderedArticle.objects.filter(article__in=stories).exists()
    run_worker()
    stored = RenderedArticle.objects.filter(article__in=stories)
    assert stored.count() == len(stories)
    assert all("New Credit / Wire" in parts.html for parts in stored)


def test_a_missing_row_is_rendered_by_the_first_reader(client):
    article = make_article(headline="Published before the parts were stored")
    RenderedArticle.objects.all().delete()
    cache.clear()
    assert "Published before the parts" in client.get(article.get_absolute_url()).content.decode()
    assert RenderedArticle.objects.filter(article=article).exists()


def test_preview_renders_unsaved_parts_and_stores_nothing(client):
    draft = make_article(status=Status.DRAFT, headline="A draft in preview")
    client.force_login(make_user(role="Editor"))
    assert "A draft in preview" in client.get(f"/preview/{draft.pk}/").content.decode()
    assert not RenderedArticle.objects.filter(article=draft).exists()


def test_a_new_rendition_of_an_authors_photo_renders_their_stories_author_box(committed):
    # The author box shows each author's photo: its renditions are part of the page.
    portrait = make_photo()
    author = make_author(name="Portrayed Writer", photo=portrait)
    story = committed(make_article, authors=[author])
    stored = RenderedArticle.objects.get(article=story)
    assert f"photo-{portrait.pk}" in stored.keys.split()
    box = stored.html.split('class="author-box"')[1]
    assert "srcset=" not in box  # no renditions yet: the original is shown
    committed(renditions.ensure_renditions, portrait)
    box = RenderedArticle.objects.get(article=story).html.split('class="author-box"')[1]
    assert "srcset=" in box and "Portrayed Writer" in box
