"""The API's articles are valid ninjs 2.1, by IPTC's own JSON schema
(tests/fixtures/ninjs/), for the sample story with every element it has."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft202012Validator

from articles.models import Article
from photos.models import Photo
from photos.renditions import ensure_renditions
from tests.conftest import run_import, shared_file
from tests.factories import image_bytes, make_article, make_photo

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parent / "fixtures" / "ninjs" / "ninjs-schema_2.1.json"
SAMPLE = "samples/petro-trump-meeting.txt"


@pytest.fixture(scope="module")
def ninjs_schema():
    schema = json.loads(SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(validator, doc):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.fixture
def sample_story():
    """The sample story as imported, its two photos given files and renditions."""
    out, err, failed = run_import(shared_file(SAMPLE), status="published")
    assert failed is None, err
    for n, photo in enumerate(Photo.objects.all()):
        upload = SimpleUploadedFile(f"photo-{n}.jpg", image_bytes(size=(800, 600)))
        photo.image.save(f"photo-{n}.jpg", upload)
        ensure_renditions(photo, ["w320-jpeg", "w640-webp", "crop-16x9"])
    return Article.objects.get()


def test_sample_story_is_valid_ninjs_with_every_element(client, ninjs_schema, sample_story):
    doc = client.get(f"/api/v1/articles/{sample_story.pk}").json()
    assert_valid(ninjs_schema, doc)
    assert doc["headlines"][0]["value"] == "Colombia’s Petro Sets Date for Trump Meeting in the US"
    assert datetime.fromisoformat(doc["contentcreated"]).date() == date(2026, 1, 15)
    assert doc["by"] == "Josep Freixes"
    body = doc["bodies"][0]["value"]
    assert "<h2>Expectations and challenges of the Washington meeting</h2>" in body
    assert '<figure data-association="inline-1">' in body
    lead, inline = doc["associations"]
    assert lead["name"] == "lead"
    assert lead["descriptions"][0]["value"].startswith("Colombian President Gustavo Petro")
    assert lead["by"] == "Ovidio González / Presidency of Colombia"
    assert lead["copyrightholder"] == "Presidency of Colombia"
    assert {r["name"] for r in lead["renditions"]} == {"w320-jpeg", "w640-webp", "crop-16x9"}
    assert all(r["href"].startswith("http") for r in lead["renditions"])
    assert inline["name"] == "inline-1" and inline["title"] == "Donald Trump & Gustavo Petro."
    assert inline["by"] == "Molly Riley, The White House / Andrea Puentes / Presidency of Colombia"
    assert inline["descriptions"][0]["value"].startswith("Relations between Donald Trump")


def test_the_list_items_are_valid_ninjs(client, ninjs_schema, sample_story):
    make_article(lead_photo=make_photo(), dek="", subject_codes="medtop:20000763")
    items = client.get("/api/v1/articles").json()["items"]
    assert len(items) == 2
    for doc in items:
        assert_valid(ninjs_schema, doc)


def test_an_invalid_document_is_caught_by_the_schema(ninjs_schema):
    # The check itself works: a property ninjs does not have is refused.
    assert list(ninjs_schema.iter_errors({"uri": "http://x/1", "authors": []}))


def test_a_detail_costs_at_most_three_queries_once_its_document_is_made(
    client, django_assert_max_num_queries, sample_story
):
    url = f"/api/v1/articles/{sample_story.pk}"
    client.get(url)
    client.get(url, {"utm_medium": "y"})
    with django_assert_max_num_queries(3):
        # Another address for the same article (a tracking tag) misses the page cache.
        assert client.get(url, {"utm_source": "x"}).status_code == 200
