"""A writer uploads photos where she writes: into the body from the editor's photo dialog
and by dropping a file on the text, and the lead photo from beside its field (pasted into
the dialog); the chooser shows thumbnails; the preview shows each photo with its caption
and credit. An editor sets a photo's focal point by clicking on it.

Screenshots at 1,280 px go to test-artifacts/desk/photo-upload-*.png.
"""

import base64
import re
from io import BytesIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from articles.models import Article
from photos import renditions, uploads
from photos.models import Photo
from tests.browser.admin_form import choose, write_body
from tests.factories import make_author, make_photo, make_roles, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
HEADLINE = "Harbour wall repaired before the winter storms"
FOCAL = ("x", "y", "width", "height")


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "desk"
    folder.mkdir(exist_ok=True)

    def shoot(page, name, **options):
        page.screenshot(path=folder / f"photo-upload-{name}.png", **options)

    return shoot


@pytest.fixture
def writer(live_server):
    """Wanda, a writer, with the photo permissions the roles have on a migrated database
    (make_roles() gives only the articles app's)."""
    make_roles()
    photos = Permission.objects.filter(content_type__app_label="photos")
    Group.objects.get(name="Writer").permissions.add(
        *photos.filter(codename__in=["add_photo", "change_photo", "view_photo"])
    )
    user = make_user("wanda", role="Writer", first_name="Wanda", last_name="Reyes")
    make_author(name="Wanda Reyes", slug="wanda-reyes", user=user)
    make_section(name="City", slug="city")
    return user


def jpeg(colour, size=(1200, 800)):
    picture = Image.new("RGB", size, colour)
    ImageDraw.Draw(picture).ellipse((800, 150, 1000, 350), fill=(250, 214, 120))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def hand_over(page, target, kind, content, name):
    """Drop ``content`` as file ``name`` at the end of ``target``, or paste it there, as
    the system does when a file is dragged from the desktop or an image copied."""
    page.evaluate(
        """([selector, kind, data, name]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
            const transfer = new DataTransfer()
            transfer.items.add(new File([bytes], name, { type: "image/jpeg" }))
            const target = document.querySelector(selector)
            target.scrollIntoView({ block: "center" })
            const box = target.getBoundingClientRect()
            const event = kind === "paste"
              ? new ClipboardEvent("paste", {
                  clipboardData: transfer, bubbles: true, cancelable: true,
                })
              : new DragEvent("drop", {
                  dataTransfer: transfer, bubbles: true, cancelable: true,
                  clientX: box.right - 5, clientY: box.top + box.height / 2,
                })
            target.dispatchEvent(event)
        }""",
        [target, kind, base64.b64encode(content).decode(), name],
    )


def upload_in_dialog(page, caption, credit, alt):
    dialog = page.locator("dialog.photo-upload")
    dialog.locator("textarea[name=caption]").fill(caption)
    dialog.locator("input[name=credit_line]").fill(credit)
    dialog.locator("input[name=alt_text]").fill(alt)
    dialog.get_by_role("button", name="Upload and use").click()
    dialog.wait_for(state="detached")


def test_a_writer_uploads_body_and_lead_photos_where_she_writes(
    live_server, writer, page, admin_login, shots, tmp_path
):
    base = live_server.url
    # The admin's policy allows no inline style or script: the dialogs must not need any.
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    admin_login(page, base, "wanda", PASSWORD)
    page.goto(f"{base}/admin/articles/article/add/")
    page.fill("#id_headline", HEADLINE)
    choose(page, ".field-section", "City")
    choose(page, "#bylines-0", "Wanda Reyes")
    write_body(page, "The council finished the harbour wall on Monday.")

    # 1. From the body editor's photo dialog: a file chosen with the button. A broken
    # file is refused in the dialog, with the library's message; then a good one.
    page.get_by_title("Insert a photo from the library").click()
    picker = page.locator("dialog.photo-embed-picker")
    picker.get_by_role("button", name="Upload a new photo…").click()
    dialog = page.locator("dialog.photo-upload")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(jpeg((90, 120, 160))[:400])
    dialog.locator("input[type=file]").set_input_files(str(broken))
    dialog.locator("input[name=alt_text]").fill("Workers on the wall")
    dialog.get_by_role("button", name="Upload and use").click()
    alert = dialog.locator(".photo-upload__errors")
    alert.get_by_text("broken.jpg is damaged or incomplete").wait_for()
    assert "Say who made the photo" in dialog.inner_text()
    shots(page, "01-body-dialog-errors")

    wall = tmp_path / "wall.jpg"
    wall.write_bytes(jpeg((90, 120, 160)))
    dialog.locator("input[type=file]").set_input_files(str(wall))
    dialog.locator(".photo-upload__preview").wait_for()
    shots(page, "02-body-dialog")
    upload_in_dialog(
        page,
        "Masons set the last stones of the harbour wall.",
        "Ana Ruiz / City Ledger",
        "Two masons on a stone wall above the water",
    )
    picker.wait_for(state="detached")
    first = Photo.objects.get(original_filename="wall.jpg")
    editor = page.locator(".prose-editor .ProseMirror[role=textbox]")
    editor.locator(f'figure.photo-embed[data-photo="{first.pk}"] img[src]').wait_for()

    # 2. A file dropped straight on the text opens the same dialog with it.
    hand_over(page, ".ProseMirror[role=textbox] > p", "drop", jpeg((150, 60, 60)), "crane.jpg")
    page.locator("dialog.photo-upload .photo-upload__name", has_text="crane.jpg").wait_for()
    upload_in_dialog(
        page, "The crane leaves the quay.", "Ana Ruiz / City Ledger", "A crane on a barge"
    )
    second = Photo.objects.get(original_filename="crane.jpg")
    editor.locator(f'figure.photo-embed[data-photo="{second.pk}"] img[src]').wait_for()

    # A pasted picture opens it too; cancelled, nothing is placed.
    hand_over(page, ".ProseMirror[role=textbox] > p", "paste", jpeg((9, 9, 9)), "image.png")
    page.locator("dialog.photo-upload .photo-upload__name", has_text="image.png").wait_for()
    page.locator("dialog.photo-upload").get_by_role("button", name="Cancel").click()
    page.locator("dialog.photo-upload").wait_for(state="detached")
    assert editor.locator("figure.photo-embed").count() == 2

    # 3. The lead photo: "Upload a new photo" beside the field; the file is pasted.
    page.locator(".field-lead_photo").get_by_role("button", name="Upload a new photo").click()
    hand_over(page, "dialog.photo-upload", "paste", jpeg((40, 110, 70)), "quay.jpg")
    page.locator("dialog.photo-upload .photo-upload__preview").wait_for()
    shots(page, "03-lead-dialog")
    upload_in_dialog(
        page,
        "The rebuilt quay at low tide.",
        "Marta Gil / City Ledger",
        "A stone quay with moored boats at low tide",
    )
    lead = Photo.objects.get(original_filename="quay.jpg")
    page.wait_for_function(f"() => document.querySelector('#id_lead_photo').value === '{lead.pk}'")
    page.locator(".field-lead_photo .select2-selection img.photo-choice__image").wait_for()
    page.locator(".field-lead_photo").scroll_into_view_if_needed()
    shots(page, "04-lead-chosen")

    # The chooser shows thumbnails, and finds a photo by its credit.
    page.locator(".field-lead_photo .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Marta Gil")
    results = page.locator(".select2-results__option")
    expect(results).to_have_count(1)
    result = results.filter(has_text="A stone quay with moored boats")
    expect(result.locator("img.photo-choice__image")).to_be_visible()
    shots(page, "05-lead-chooser")
    result.click()

    assert refused == []
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/articles/article/(\?.*)?$"))
    article = Article.objects.get(headline=HEADLINE)
    assert article.lead_photo == lead
    assert f'<figure data-photo="{first.pk}">' in article.body
    assert f'<figure data-photo="{second.pk}">' in article.body

    # The preview shows each photo with its caption and credit, as readers will.
    page.goto(f"{base}/preview/{article.pk}/")
    text = page.locator("main").inner_text()
    for caption, credit in [
        ("The rebuilt quay at low tide.", "Marta Gil / City Ledger"),
        ("Masons set the last stones of the harbour wall.", "Ana Ruiz / City Ledger"),
        ("The crane leaves the quay.", "Ana Ruiz / City Ledger"),
    ]:
        assert caption in text and credit in text
    images = page.locator("main figure img")
    assert images.count() == 3
    alts = [images.nth(i).get_attribute("alt") for i in range(3)]
    assert "A stone quay with moored boats at low tide" in alts
    shots(page, "06-preview", full_page=True)


def test_an_editor_sets_the_focal_point_by_clicking(live_server, page, admin_login, shots):
    make_user("eddie", is_superuser=True)
    photo = make_photo(with_file=False, caption="The harbour at dawn.")
    clean = uploads.prepare_upload(ContentFile(jpeg((20, 20, 20)), name="dawn.jpg"), photo)
    photo.image.save(clean.name, clean)
    renditions.ensure_renditions(photo, [renditions.preview_spec(photo)])
    base = live_server.url
    admin_login(page, base, "eddie", PASSWORD)
    page.goto(f"{base}/admin/photos/photo/{photo.pk}/change/")

    image = page.locator(".focal-point-picker img")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    box = image.bounding_box()
    # Three quarters across, a quarter down: (900, 200) in the original's pixels.
    image.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})
    marker = page.locator(".focal-point-picker__box")
    marker.wait_for()
    x, y, width, height = (int(page.input_value(f"#id_focal_{n}")) for n in FOCAL)
    # A box a quarter of the shorter side (200 px) around the point, to a pixel or two
    # of where the click lands on the scaled picture.
    assert (width, height) == (200, 200)
    assert abs(x - 800) <= 3 and abs(y - 100) <= 3
    status = page.locator(".focal-point-picker__status").inner_text()
    assert f"Focal box: 200×200 at {x}, {y}" in status
    shots(page, "07-focal-point", full_page=True)

    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(rf"/admin/photos/photo/{photo.pk}/change/"))
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y, photo.focal_width, photo.focal_height) == (
        x,
        y,
        200,
        200,
    )
    # The marker is drawn again from the saved box.
    page.locator(".focal-point-picker__box").wait_for()
