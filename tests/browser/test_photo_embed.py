"""An editor places a library photo in the body with the admin's editor; readers see it.

There is no shared browser conftest yet, so this module carries its own fixtures.
Screenshots go to test-artifacts/.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import include, path, re_path
from django.views.static import serve
from PIL import Image, ImageDraw

from articles.models import Article
from photos import renditions, uploads
from photos.models import Photo
from tests.factories import make_article, make_author, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "a-long-test-password"


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# This module doubles as the URLconf: the site plus uploaded files (DEBUG is off in tests).
urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), path("", include("newsroom.urls"))]


@pytest.fixture
def site(settings, live_server):
    settings.ROOT_URLCONF = __name__
    return live_server.url


def library_photo():
    picture = Image.new("RGB", (1600, 1000), (110, 150, 200))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 620, 1600, 1000], fill=(60, 100, 70))
    draw.ellipse([1050, 120, 1290, 360], fill=(250, 214, 120))
    photo = Photo(
        title="Harbour at dawn",
        alt_text="Boats in the harbour at dawn",
        caption="Boats leave the harbour at dawn.",
        credit_line="Andrea Puentes / Presidency of Colombia",
    )
    clean = uploads.prepare_upload(ContentFile(_jpeg(picture), name="harbour.jpg"), photo)
    photo.image.save(clean.name, clean)
    renditions.ensure_renditions(photo)
    return photo


def _jpeg(picture):
    from io import BytesIO

    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def test_editor_inserts_a_library_photo_and_readers_see_it(browser, site):
    User.objects.create_superuser("desk", "desk@example.org", PASSWORD)
    photo = library_photo()
    article = make_article(
        headline="Harbour reopens after the storm",
        section=make_section(name="City"),
        authors=[make_author(name="Ana Ruiz")],
        body="<p>The harbour reopened on Monday.</p><p>Fishing boats were first out.</p>",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{site}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    editor = page.locator(".prose-editor .ProseMirror[role=textbox]")
    editor.wait_for(timeout=15_000)
    page.locator(".prose-menubar").screenshot(path=str(ARTIFACTS / "photo-embed-toolbar.png"))
    page.locator(".prose-menubar__dropdown").first.click()
    page.screenshot(
        path=str(ARTIFACTS / "photo-embed-blocktypes.png"),
        clip={"x": 300, "y": 500, "width": 700, "height": 400},
    )
    page.keyboard.press("Escape")
    editor.locator("p", has_text="The harbour reopened on Monday.").click()
    page.keyboard.press("End")
    page.get_by_title("Insert a photo from the library").click()
    dialog = page.locator("dialog.photo-embed-picker")
    dialog.locator(f'[data-photo="{photo.pk}"]').click()
    dialog.locator("input[name=caption]").fill("The first boats head out, Monday morning.")
    dialog.get_by_role("button", name="Insert photo").click()
    embed = editor.locator(f'figure.photo-embed[data-photo="{photo.pk}"]')
    embed.wait_for()
    embed.locator("img[src]").wait_for()
    page.screenshot(path=str(ARTIFACTS / "photo-embed-editor.png"), full_page=True)
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))

    body = Article.objects.get(pk=article.pk).body
    assert (
        f'<p>The harbour reopened on Monday.</p><figure data-photo="{photo.pk}">'
        "<figcaption>The first boats head out, Monday morning.</figcaption></figure>"
        "<p>Fishing boats were first out.</p>"
    ) in body

    public = browser.new_page(viewport={"width": 1000, "height": 1400})
    public.goto(site + article.get_absolute_url())
    figure = public.locator(".article__body figure")
    picture = figure.locator("picture")
    picture.scroll_into_view_if_needed()
    assert picture.locator('source[type="image/webp"]').count() == 1
    img = picture.locator("img")
    assert img.get_attribute("alt") == "Boats in the harbour at dawn"
    public.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=img.element_handle()
    )
    # The browser picked a modern-format rendition, not the original upload.
    assert re.search(r"/media/renditions/.+\.(avif|webp)$", img.evaluate("i => i.currentSrc"))
    caption = figure.locator("figcaption").inner_text()
    assert "The first boats head out, Monday morning." in caption
    assert "Credit: Andrea Puentes / Presidency of Colombia" in caption
    figure.screenshot(path=str(ARTIFACTS / "photo-embed-public-figure.png"))
    public.screenshot(path=str(ARTIFACTS / "photo-embed-public.png"), full_page=True)

    # The library lists the photo with a small thumbnail and says where it is used.
    page.goto(f"{site}/admin/photos/photo/")
    thumbnail = page.locator("img.photo-thumbnail").first
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert thumbnail.bounding_box()["height"] <= 80
    page.screenshot(path=str(ARTIFACTS / "photo-library.png"))
    page.goto(f"{site}/admin/photos/photo/{photo.pk}/change/")
    assert "Harbour reopens after the storm" in page.locator(".field-used_in").inner_text()
