"""One slug rule for every article, author, section and tag (articles.slugs), whatever
path made them: the admin, an import, the demo."""

import pytest

from articles.importers.parsed import ParsedAuthor
from articles.importers.writer import Lookups
from articles.models import Author, Section, Tag
from articles.slugs import slugify
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Zoë Østergaard", "zoe-ostergaard"),  # Danish, Norwegian
        ("Åse Ærø", "ase-aero"),
        ("Sigurður Þórsson", "sigurdur-thorsson"),  # Icelandic
        ("Begoña Peña Muñoz", "begona-pena-munoz"),  # Spanish
        ("João Gonçalves", "joao-goncalves"),  # Portuguese
        ("Jürgen Straße", "jurgen-strasse"),  # German
        ("Łódź Świętochowski", "lodz-swietochowski"),  # Polish
        ("Işık Şahin Ağaoğlu", "isik-sahin-agaoglu"),  # Turkish
        ("Nguyễn Thị Minh Khai", "nguyen-thi-minh-khai"),  # Vietnamese
    ],
)
def test_names_keep_every_letter_transliterated(name, slug):
    assert slugify(name) == slug


def test_a_name_in_another_script_keeps_a_distinct_address():
    tokyo, osaka = slugify("東京 2020"), slugify("大阪 2020")
    assert tokyo.startswith("2020-") and osaka.startswith("2020-") and tokyo != osaka


def test_long_names_are_cut_at_a_word_boundary():
    slug = slugify("Zoë Østergaard " * 20, max_length=30)
    assert len(slug) <= 30 and not slug.endswith("-") and slug.startswith("zoe-ostergaard")


def test_models_fill_a_blank_slug_with_the_rule_and_never_repeat_one():
    first = Author.objects.create(name="Zoë Østergaard")
    second = Author.objects.create(name="Zoe Ostergaard")
    assert (first.slug, second.slug) == ("zoe-ostergaard", "zoe-ostergaard-2")
    assert Section.objects.create(name="Łódź").slug == "lodz"
    assert Tag.objects.create(name="Straße").slug == "strasse"
    article = make_article(headline="Nguyễn Thị Minh Khai wins", slug="")
    assert article.slug == "nguyen-thi-minh-khai-wins"


def test_an_existing_slug_is_never_changed():
    author = make_author(name="Zoë Østergaard", slug="zoe-stergaard")
    author.name = "Zoë Østergaard-Lund"
    author.save()
    author.refresh_from_db()
    assert author.slug == "zoe-stergaard"


def test_an_import_finds_the_author_made_under_the_former_rule():
    before = make_author(name="Zoë Østergaard", slug="zoe-stergaard")
    found = Lookups().author(ParsedAuthor(name="Zoë Østergaard"))
    assert found == before
    assert Author.objects.count() == 1


def test_an_import_makes_a_new_author_with_the_rule():
    found = Lookups().author(ParsedAuthor(name="Łucja Ćwik"))
    assert found.slug == "lucja-cwik"
    assert Lookups().section("Región Sur").slug == "region-sur"
    assert Lookups().tag("Öl & Gas").slug == "ol-gas"


def test_the_admin_leaves_the_slug_to_the_rule(admin_client):
    """No prepopulating script of its own: a blank slug is made by the model on save."""
    page = admin_client.get("/admin/articles/author/add/").content.decode()
    assert 'data-prepopulated-fields="[]"' in page
    response = admin_client.post(
        "/admin/articles/author/add/", {"name": "Zoë Østergaard", "slug": ""}
    )
    assert response.status_code == 302
    assert Author.objects.get(name="Zoë Østergaard").slug == "zoe-ostergaard"
