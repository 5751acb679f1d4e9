"""Schema changes that move data: every row and file survives them."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Article, Author
from photos.models import Credit, Photo, Rendition

BEFORE_PHOTOS_APP = [("articles", "0009_section_newest_index"), ("photos", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def schema_before_photos_app():
    """The database as it was before photos had an app; put back to the latest afterwards."""
    try:
        yield migrate(BEFORE_PHOTOS_APP)
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_moving_photos_to_their_own_app_keeps_every_row_file_and_permission(
    schema_before_photos_app,
):
    old = schema_before_photos_app
    OldPhoto = old.get_model("articles", "Photo")
    OldCredit = old.get_model("articles", "Credit")
    OldRendition = old.get_model("articles", "Rendition")
    OldArticle = old.get_model("articles", "Article")
    OldAuthor = old.get_model("articles", "Author")
    OldSection = old.get_model("articles", "Section")
    OldUser = old.get_model("auth", "User")
    OldGroup = old.get_model("auth", "Group")
    OldPermission = old.get_model("auth", "Permission")
    OldContentType = old.get_model("contenttypes", "ContentType")

    original = default_storage.save("photos/2026/11/harbour.jpg", ContentFile(b"original bytes"))
    derived = default_storage.save("renditions/harbour-w320.webp", ContentFile(b"derived bytes"))
    uploader = OldUser.objects.create(username="picture-desk")
    photo = OldPhoto.objects.create(
        image=original,
        width=640,
        height=480,
        title="Harbour",
        alt_text="Boats at the pier",
        caption="The night ferry.",
        credit_line="Lena Fischer / Harbour Authority",
        source="wordpress",
        external_id="att-12",
        uploaded_by=uploader,
    )
    OldCredit.objects.create(photo=photo, position=0, creator="Lena Fischer")
    OldCredit.objects.create(photo=photo, position=1, organisation="Harbour Authority")
    OldRendition.objects.create(photo=photo, spec="w320-webp", file=derived, width=320, height=240)
    section = OldSection.objects.create(name="City", slug="city")
    article = OldArticle.objects.create(
        headline="Ferry", slug="ferry", section=section, lead_photo=photo
    )
    author = OldAuthor.objects.create(name="Lena Fischer", slug="lena-fischer", photo=photo)
    # The roles hold photo permissions by content type; they must follow the model.
    photo_type = OldContentType.objects.get_or_create(app_label="articles", model="photo")[0]
    change_photo = OldPermission.objects.get_or_create(
        content_type=photo_type, codename="change_photo", defaults={"name": "Can change photo"}
    )[0]
    OldGroup.objects.get_or_create(name="Writer")[0].permissions.add(change_photo)

    migrate_to_latest()

    moved = Photo.objects.get(pk=photo.pk)
    assert (moved.title, moved.alt_text, moved.caption, moved.credit_line) == (
        "Harbour",
        "Boats at the pier",
        "The night ferry.",
        "Lena Fischer / Harbour Authority",
    )
    assert (moved.source, moved.external_id, moved.uploaded_by.username) == (
        "wordpress",
        "att-12",
        "picture-desk",
    )
    assert moved.image.read() == b"original bytes"
    assert [(c.creator, c.organisation) for c in Credit.objects.filter(photo=moved)] == [
        ("Lena Fischer", ""),
        ("", "Harbour Authority"),
    ]
    rendition = Rendition.objects.get(photo=moved)
    assert (rendition.spec, rendition.width, rendition.file.read()) == (
        "w320-webp",
        320,
        b"derived bytes",
    )
    assert Article.objects.get(pk=article.pk).lead_photo == moved
    assert Author.objects.get(pk=author.pk).photo == moved
    writer = User.objects.create(username="writer", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writer"))
    assert writer.has_perm("photos.change_photo")
    assert not Permission.objects.filter(
        content_type__app_label="articles", codename="change_photo"
    )
