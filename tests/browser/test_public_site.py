"""The public site in headless Chromium: the demo article, small screens, accessibility.

Screenshots go to test-artifacts/ for people to look at.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import include, path, re_path
from django.utils import timezone
from django.views.static import serve
from PIL import Image, ImageDraw

from articles.importers.formats.plaintext import read
from articles.importers.writer import save_parsed
from articles.models import Status
from tests.conftest import SHARED
from tests.factories import make_article, make_author, make_photo, make_section, make_tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def media(request, path):
    # The test's media folder changes per test, so it is read at request time.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# This module doubles as the URLconf: the site, plus uploaded files (not served when DEBUG
# is off, as it is in tests).
urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), path("", include("newsroom.urls"))]


@pytest.fixture
def site(settings, live_server, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.NEWSROOM = {**settings.NEWSROOM, "SITE_URL": live_server.url}
    return live_server.url


def picture(path, size, colours):
    """An original test photo: a landscape of colour bands with a sun."""
    image = Image.new("RGB", size, colours[0])
    draw = ImageDraw.Draw(image)
    w, h = size
    for i, colour in enumerate(colours[1:], start=1):
        draw.rectangle([0, h * (i + 2) // 6, w, h], fill=colour)
    draw.ellipse([w * 0.65, h * 0.12, w * 0.8, h * 0.12 + w * 0.15], fill=(250, 214, 120))
    image.save(path, "JPEG", quality=85)
    return path


def demo_article(tmp_path):
    """The sample article through the importer when ../shared has it, else our own text."""
    sample = SHARED / "samples" / "petro-trump-meeting.txt"
    if sample.exists():
        (parsed,) = read(sample)
        photos = [p for p in [parsed.lead_photo, *parsed.photos] if p]
        palettes = [
            [(120, 160, 200), (70, 110, 80), (40, 70, 50)],
            [(200, 170, 140), (150, 90, 60), (90, 50, 40)],
        ]
        for n, photo in enumerate(photos):
            photo.file_path = str(
                picture(tmp_path / f"photo-{n}.jpg", (1600, 1000), palettes[n % 2])
            )
        return save_parsed(parsed, status=Status.PUBLISHED, section="World").article
    section = make_section(name="World", slug="world")
    lead = make_photo(
        caption="Delegates arrive for the talks.", credit_line="Ana Ruiz / Ledger Photo"
    )
    inline = make_photo(
        caption="The two delegations at the table.",
        credit_line="Li Wei, Harbour Times / Ledger Photo",
    )
    return make_article(
        section=section,
        headline="Leaders set a date for talks",
        lead_photo=lead,
        dek="Both governments say the meeting will be decisive.",
        authors=[make_author(name="Ana Ruiz")],
        body="<p>The two leaders will meet next month.</p><h2>What is at stake</h2>"
        f'<figure data-photo="{inline.pk}"></figure>'
        "<p>Trade and security top the agenda.</p>",
    )


def front_page_stories(tmp_path):
    sections = [
        make_section(name=name, order=n)
        for n, name in enumerate(["Politics", "Business", "Sport", "Culture"], start=1)
    ]
    tag = make_tag(name="City hall")
    writers = [make_author(name=name) for name in ("Maria Lopez", "Tom Hale", "Ines Duarte")]
    headlines = [
        "Council approves a new budget after a long night of debate",
        "Harbour traffic returns to pre-storm levels",
        "Local team wins the regional final in extra time",
        "A forgotten theatre reopens with a season of new plays",
        "Rail strike talks resume on Monday",
        "Markets steady as exporters count the cost of the storm",
        "Schools prepare for a record intake",
        "The city's oldest bakery turns 150",
    ]
    for n, headline in enumerate(headlines):
        photo = None
        if n % 3 == 0:
            photo = make_photo(
                caption="A scene from the story.",
                credit_line="Ledger Photo",
                alt_text="A street scene",
            )
            made = picture(
                tmp_path / f"front-{n}.jpg",
                (1200, 800),
                [(90 + n * 15, 140, 190), (80, 120, 90), (50, 80, 60)],
            )
            photo.image.save(made.name, ContentFile(made.read_bytes()))
        make_article(
            section=sections[n % len(sections)],
            headline=headline,
            lead_photo=photo,
            dek="What happened, and what it means for residents.",
            authors=[writers[n % 3], writers[(n + 1) % 3]] if n % 2 else [writers[n % 3]],
            tags=[tag],
            published_at=timezone.now() - timedelta(hours=n + 2),
        )


@pytest.fixture
def pages(site, tmp_path):
    article = demo_article(tmp_path)
    front_page_stories(tmp_path)
    author = article.bylines.first().author
    # The author box and the author page show a portrait and a short bio.
    portrait = make_photo(with_file=False, alt_text="", credit_line="Ledger Photo")
    made = picture(tmp_path / "portrait.jpg", (400, 400), [(150, 120, 100), (90, 70, 60)])
    portrait.image.save(made.name, ContentFile(made.read_bytes()))
    author.photo = portrait
    author.title = "Latin America correspondent"
    author.bio = "Reports on politics and trade across the Andes from Bogotá."
    author.website = "https://example.org/"
    author.save()
    return {
        "home": site + "/",
        "article": site + article.get_absolute_url(),
        "section": site + article.section.get_absolute_url(),
        "author": site + author.get_absolute_url(),
        "search": site + "/search/?q=meeting",
    }


def load_every_photo(page):
    """Every photo of the page loaded, those below the fold too, for a full-page picture;
    none broken. (Scrolling through to trigger lazy loading misses some on a busy
    machine: the page is back at the top before the browser asks for them.)"""
    page.evaluate("() => document.querySelectorAll('img').forEach((i) => { i.loading = 'eager'; })")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => [...document.images].every((i) => i.complete)", timeout=15_000)
    broken = page.evaluate(
        "() => [...document.images].filter((i) => !i.naturalWidth).map((i) => i.currentSrc)"
    )
    assert not broken, (page.url, broken)


def open_page(browser, url, width, **options):
    page = browser.new_page(viewport={"width": width, "height": 900}, **options)
    response = page.goto(url, wait_until="load")
    assert response.status == 200, url
    return page


def test_demo_article_shows_figure_captions_and_credits(browser, pages):
    page = open_page(browser, pages["article"], 1280)
    captions = page.locator("figure figcaption")
    assert captions.count() >= 2
    for i in range(captions.count()):
        assert captions.nth(i).is_visible()
    credits = page.locator(".figure__credit")
    assert credits.count() >= 2
    assert credits.first.is_visible() and "Credit:" in credits.first.inner_text()
    images = page.locator("figure img")
    assert images.count() >= 2
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()  # inline photos load lazily
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0",
            arg=image.element_handle(),
            timeout=10_000,
        )
    page.close()


def test_no_horizontal_scrolling_at_360px(browser, pages):
    for name, url in pages.items():
        page = open_page(browser, url, 360)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (name, widths)
        page.close()


def test_screenshots_are_saved_at_360_and_1280px(browser, pages):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, url in pages.items():
        for width in (360, 1280):
            page = open_page(browser, url, width)
            load_every_photo(page)
            target = ARTIFACTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            with Image.open(target) as shot:
                assert shot.width == width
            page.close()


def test_skip_link_is_first_and_focus_is_visible(browser, pages):
    page = open_page(browser, pages["article"], 1280)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, getComputedStyle(document.activeElement)"
        ".outlineStyle, document.activeElement.getBoundingClientRect().left]"
    )
    assert focused[0] == "skip-link" and focused[2] >= 0
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.close()


def test_axe_reports_no_serious_or_critical_violations(browser, pages):
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is absent: run `npm ci` in the checkout")
    problems = {}
    for name in ("home", "article"):
        for width in (360, 1280):
            # The site's CSP rightly refuses injected scripts; the audit needs one.
            page = open_page(browser, pages[name], width, bypass_csp=True)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document)")
            assert result["passes"], "axe ran no checks"
            bad = [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "nodes": [n["target"] for n in v["nodes"]][:5],
                }
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if bad:
                problems[f"{name} at {width}px"] = bad
            page.close()
    assert not problems, json.dumps(problems, indent=1)


def test_print_shows_the_story_with_credits_and_hides_navigation(browser, pages):
    page = open_page(browser, pages["article"], 1280)
    page.emulate_media(media="print")
    assert not page.locator("nav.sections").is_visible()
    assert not page.locator("form.search-form").first.is_visible()
    assert page.locator(".article__headline").is_visible()
    assert page.locator(".figure__credit").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "article-print.pdf"))
    page.close()


READER = ARTIFACTS / "reader"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_reader_pages_in_light_and_dark_at_1280_and_390px_pass_axe(browser, pages, scheme):
    """The article, home, author and search pages, screenshotted into
    test-artifacts/reader/ and audited by axe, in both colour schemes."""
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is absent: run `npm ci` in the checkout")
    READER.mkdir(parents=True, exist_ok=True)
    problems = {}
    author = pages["author"].rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
    urls = {
        **{name: pages[name] for name in ("article", "home", "author", "search")},
        # An author's name: their page first, then their stories.
        "search-author": pages["home"] + "search/?q=" + author.replace(" ", "+"),
        # Nothing found: a suggestion from the archive's words, and the sections.
        "search-none": pages["home"] + "search/?q=meetnig",
    }
    for name, url in urls.items():
        for width in (1280, 390):
            page = open_page(browser, url, width, bypass_csp=True, color_scheme=scheme)
            load_every_photo(page)
            page.screenshot(path=str(READER / f"{name}-{width}-{scheme}.png"), full_page=True)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document)")
            bad = [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "nodes": [n["target"] for n in v["nodes"]][:5],
                }
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if bad:
                problems[f"{name} at {width}px"] = bad
            page.close()
    assert not problems, json.dumps(problems, indent=1)


def test_a_portrait_lead_photo_stays_within_the_first_screen(browser, site, tmp_path):
    portrait = make_photo(with_file=False, alt_text="A lighthouse keeper", credit_line="Ledger")
    made = picture(tmp_path / "tall.jpg", (800, 1200), [(120, 150, 190), (60, 80, 70)])
    portrait.image.save(made.name, ContentFile(made.read_bytes()))
    article = make_article(lead_photo=portrait, headline="The last lighthouse keeper")
    page = open_page(browser, site + article.get_absolute_url(), 1280)
    box = page.locator(".figure--lead img").bounding_box()
    assert box["height"] <= 900 * 0.7 + 1
    READER.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(READER / "portrait-lead-1280.png"))
    page.close()


def test_the_web_share_button_shows_only_where_the_browser_has_the_api(browser, pages):
    page = open_page(browser, pages["article"], 390)
    has_api = page.evaluate("() => Boolean(navigator.share)")
    assert page.locator(".share__native").is_visible() == has_api
    assert page.locator(".share__links a").count() == 5
    page.close()
