"""Renditions: sizes never wider than the original, crops around the focal point, made once."""

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from PIL import Image

from photos import renditions
from photos.models import Photo, Rendition

from .factories import make_article, make_photo, run_django_script

pytestmark = pytest.mark.django_db


def photo_of(size=(2400, 1600), focal=None, **fields):
    """A photo whose focal box (if given) is painted red on a grey ground."""
    picture = Image.new("RGB", size, (128, 128, 128))
    if focal:
        x, y, w, h = focal
        picture.paste((220, 20, 20), (x, y, x + w, y + h))
        fields.update(focal_x=x, focal_y=y, focal_width=w, focal_height=h)
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=95)
    photo = Photo(
        caption="Harbour", credit_line="Jane Roe / Ledger Photo", alt_text="Boats", **fields
    )
    photo.image.save("harbour.jpg", SimpleUploadedFile("h.jpg", buffer.getvalue()), save=False)
    photo.save()
    return photo


def opened(rendition_obj):
    with rendition_obj.file.open("rb") as fh:
        picture = Image.open(BytesIO(fh.read()))
        picture.load()
    return picture


def files_under(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_widths_stop_at_the_original_width():
    assert renditions.widths_for(photo_of((1000, 700))) == [320, 640, 960, 1000]
    assert renditions.widths_for(photo_of((3000, 2000))) == [320, 640, 960, 1280, 1920]
    assert renditions.widths_for(photo_of((200, 150))) == [200]


def test_width_renditions_have_their_format_and_size():
    photo = photo_of((1000, 700))
    for spec, fmt in [("w640-webp", "WEBP"), ("w640-jpeg", "JPEG"), ("w640-avif", "AVIF")]:
        if fmt == "AVIF" and "avif" not in renditions.web_formats():
            continue
        made = renditions.rendition(photo, spec)
        picture = opened(made)
        assert (picture.format, picture.size) == (fmt, (640, 448))
        assert (made.width, made.height) == (640, 448)


def test_asking_wider_than_the_original_gives_the_original_width():
    made = renditions.rendition(photo_of((500, 400)), "w1920-jpeg")
    assert opened(made).size == (500, 400)


@pytest.mark.parametrize(
    ("spec", "ratio"), [("crop-16x9", 16 / 9), ("crop-4x3", 4 / 3), ("crop-1x1", 1.0)]
)
def test_crops_have_their_ratio_and_keep_the_focal_point(spec, ratio):
    # The red focal box sits near the right edge: a centred crop would cut it off.
    photo = photo_of((2400, 1600), focal=(2150, 700, 200, 200))
    picture = opened(renditions.rendition(photo, spec)).convert("RGB")
    assert abs(picture.width / picture.height - ratio) < 0.01
    reds = [
        x
        for x in range(0, picture.width, 4)
        if picture.getpixel((x, picture.height // 2))[0] > 180
        and picture.getpixel((x, picture.height // 2))[1] < 80
    ]
    assert reds, "the focal box is not in the crop"


def test_without_a_focal_point_crops_are_centred():
    assert renditions.crop_box((2400, 1600), (1, 1)) == (400, 0, 2000, 1600)


def test_social_image_is_1200_by_630_jpeg():
    picture = opened(renditions.rendition(photo_of((2400, 1600)), "social"))
    assert (picture.format, picture.size) == ("JPEG", (1200, 630))


def test_a_rendition_is_made_once_and_reused(media_root):
    photo = photo_of((1000, 700))
    first = renditions.rendition(photo, "w320-webp")
    again = renditions.rendition(Photo.objects.get(pk=photo.pk), "w320-webp")
    assert first.pk == again.pk
    assert Rendition.objects.filter(photo=photo, spec="w320-webp").count() == 1


def test_losing_a_race_keeps_the_winner_and_removes_the_losers_file(media_root):
    photo = photo_of((1000, 700))
    # Two workers load the photo and both find the rendition missing...
    mine, theirs = Photo.objects.get(pk=photo.pk), Photo.objects.get(pk=photo.pk)
    assert renditions.renditions_of(mine) == renditions.renditions_of(theirs) == {}
    # ...then both make it; theirs is saved first.
    winner = renditions.ensure_renditions(theirs, ["w320-jpeg"])["w320-jpeg"]
    loser = renditions.ensure_renditions(mine, ["w320-jpeg"])["w320-jpeg"]
    assert loser.pk == winner.pk
    assert Rendition.objects.filter(photo=photo, spec="w320-jpeg").count() == 1
    assert files_under(media_root / "renditions") == [winner.file.name.split("/")[-1]]


def test_picture_tag_offers_modern_formats_with_a_jpeg_fallback():
    photo = photo_of((1000, 700))
    renditions.ensure_renditions(photo)
    html = Template('{% load photos %}{% picture photo sizes="100vw" %}').render(
        Context({"photo": photo})
    )
    assert '<source type="image/webp" srcset="' in html
    assert "640w" in html and "1000w" in html and "1280w" not in html
    assert 'sizes="100vw"' in html
    assert 'width="1000" height="700"' in html
    assert 'loading="lazy"' in html and 'decoding="async"' in html
    assert 'alt="Boats"' in html
    assert f'<img src="{photo.renditions.get(spec="w960-jpeg").file.url}"' in html


def test_photo_without_renditions_shows_its_original_and_makes_nothing(
    django_assert_num_queries,
):
    photo = Photo.objects.prefetch_related("renditions").get(pk=photo_of((1000, 700)).pk)
    with django_assert_num_queries(0):
        html = Template("{% load photos %}{% picture photo %}").render(Context({"photo": photo}))
    assert f'<img src="{photo.image.url}"' in html and 'width="1000" height="700"' in html
    assert "<source" not in html
    assert not Rendition.objects.exists()


def test_pending_photo_renders_no_picture():
    photo = make_photo(with_file=False)
    html = Template("{% load photos %}{% picture photo %}").render(Context({"photo": photo}))
    assert html.strip() == ""


def test_lead_photo_is_eager_and_body_photos_are_lazy(client):
    lead, inline = photo_of((800, 600)), photo_of((800, 600))
    article = make_article(
        lead_photo=lead, body=f'<p>Text.</p><figure data-photo="{inline.pk}"></figure>'
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('loading="eager"') == 1
    assert page.count('loading="lazy"') == 1
    assert page.index('loading="eager"') < page.index('loading="lazy"')


def test_first_body_photo_is_eager_when_there_is_no_lead(client):
    first, second = photo_of((800, 600)), photo_of((800, 600))
    article = make_article(
        body=f'<figure data-photo="{first.pk}"></figure>'
        f'<p>Text.</p><figure data-photo="{second.pk}"></figure>'
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('loading="eager"') == 1 and page.count('loading="lazy"') == 1


def article_with_photos(count):
    photos = [photo_of((700, 500)) for _ in range(count + 1)]
    for photo in photos:
        renditions.ensure_renditions(photo)  # as the admin does on upload
    body = "".join(
        f'<p>Para.</p><figure data-photo="{p.pk}"><figcaption>Here {p.pk}</figcaption></figure>'
        for p in photos[1:]
    )
    return make_article(lead_photo=photos[0], body=body)


def test_article_page_queries_do_not_grow_with_its_photos(client, django_assert_num_queries):
    one = article_with_photos(1)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(one.get_absolute_url()).status_code == 200
    many = article_with_photos(4)
    with django_assert_num_queries(len(baseline.captured_queries)):
        page = client.get(many.get_absolute_url()).content.decode()
    assert page.count("<picture>") == 5


def test_regenerate_renditions_backfills_and_is_safe_to_rerun(media_root):
    photos = [photo_of((700, 500)), photo_of((900, 600))]
    make_photo(with_file=False)  # pending: nothing to make
    out = StringIO()
    call_command("regenerate_renditions", "--missing-only", "--now", stdout=out)
    expected = sum(len(renditions.rendition_specs(p)) for p in photos)
    assert Rendition.objects.count() == expected
    assert "[1/2]" in out.getvalue() and "[2/2]" in out.getvalue()
    assert f"{expected} renditions made" in out.getvalue()

    out = StringIO()
    call_command("regenerate_renditions", "--missing-only", "--now", stdout=out)
    assert "0 renditions made" in out.getvalue()
    call_command("regenerate_renditions", "--now", stdout=StringIO())  # a full rebuild
    assert Rendition.objects.count() == expected
    # Rebuilding replaced the files rather than piling new ones beside the old.
    assert len(files_under(media_root / "renditions")) == expected


def test_regenerate_renditions_reports_a_missing_file_and_goes_on(media_root):
    broken, fine = photo_of((700, 500)), photo_of((700, 500))
    broken.image.storage.delete(broken.image.name)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 photo"):
        call_command("regenerate_renditions", "--now", stdout=out, stderr=err)
    assert f"photo {broken.pk}: failed" in err.getvalue()
    assert fine.renditions.count() == len(renditions.rendition_specs(fine))


# Big photos: decoded at the smallest size the renditions need, and memory given back.


def test_a_big_jpeg_decoded_small_still_gives_full_size_renditions_around_the_focal_point():
    # 5000×3400: every rendition needs under half its width, so libjpeg decodes it at 1/2.
    photo = photo_of((5000, 3400), focal=(4400, 1400, 400, 400))
    assert renditions.needed_scale(5000, 3400, renditions.rendition_specs(photo)) <= 0.5
    made = renditions.ensure_renditions(photo)
    assert (made["w1920-jpeg"].width, made["w1920-jpeg"].height) == (1920, 1306)
    assert (made["crop-16x9"].width, made["crop-1x1"].width) == (1600, 1600)
    assert (made["social"].width, made["social"].height) == (1200, 630)
    square = opened(made["crop-1x1"])
    # The 3400 px square runs from x=1600 to the right edge: the focal box (4400–4800,
    # 1400–1800) lands at 2800–3200, 1400–1800 of it, scaled by 1600/3400.
    focus = square.getpixel((round(3000 * 1600 / 3400), round(1600 * 1600 / 3400)))
    assert focus[0] > 180 and focus[1] < 80, focus


MEMORY_SCRIPT = r"""
import json, os, sys
from io import BytesIO
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.files.base import ContentFile
from PIL import Image
from photos import tasks, uploads
from photos.models import Photo

picture = Image.effect_noise((6000, 4000), 40).convert("RGB")
buffer = BytesIO()
picture.save(buffer, "JPEG", quality=80)
data = buffer.getvalue()
del picture, buffer

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(l.split()[1]) for l in lines if l.startswith(field + ":")) / 1024

baseline = status("VmRSS")
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
photo = Photo()
clean = uploads.prepare_upload(ContentFile(data, name="big.jpg"), photo)
photo.image.save(clean.name, clean)
tasks.make_preview(photo)
made = tasks.make_renditions.func(None, photo.pk)
print(json.dumps({"made": made, "peak": status("VmHWM") - baseline,
                  "after": status("VmRSS") - baseline}))
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_a_24_megapixel_upload_and_its_renditions_stay_within_bounded_memory(tmp_path):
    """Before: 257 MB more at the peak and 195 MB still held after (bench/photo_memory.py)."""
    found = run_django_script(
        MEMORY_SCRIPT,
        without=("TASKS_URL",),
        DATABASE_URL=f"sqlite:///{tmp_path / 'memory.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_DEBUG="1",
    )
    assert found["made"] >= 19
    assert found["peak"] < 150, found  # 72 MB of pixels at full size, decoded at 1/2
    assert found["after"] < 40, found


@pytest.mark.parametrize("mode", ["P", "RGBA"])
def test_a_big_png_is_reduced_after_decoding_when_its_mode_allows(mode):
    picture = Image.new("RGB", (6000, 4000), (200, 30, 30)).convert(mode)
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    photo = Photo(alt_text="Red")
    photo.image.save("big.png", SimpleUploadedFile("big.png", buffer.getvalue()))
    square = renditions.ensure_renditions(photo, ["crop-1x1"])["crop-1x1"]
    assert (square.width, square.height) == (1600, 1600)
    assert opened(square).convert("RGB").getpixel((800, 800))[0] > 180
