"""The API against its own OpenAPI schema, by property-based testing (schemathesis):
whatever the parameters, no 500s, and every answer is one the schema describes."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles.models import Status
from tests.factories import make_article, make_author, make_photo, make_section, make_tag

pytestmark = pytest.mark.django_db
# Per operation; the whole run stays well under a minute.
EXAMPLES = 40


@pytest.fixture
def api_schema(db):
    """Loaded from /api/v1/schema as a partner would, over a small archive."""
    section, author, tag = make_section(slug="harbour"), make_author(slug="mireille"), make_tag()
    for n in range(3):
        make_article(
            section=section,
            authors=[author],
            tags=[tag],
            lead_photo=make_photo(),
            body=f"<p>Story {n}.</p>",
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
    make_article(section=section, status=Status.DRAFT)
    # As Django's test client does: the requests share the test's connection (and its
    # transaction), so it must not be closed at their start and end.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema", WSGIHandler())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_every_endpoint_answers_as_its_schema_says(api_schema):
    # Each operation in turn, as its own hypothesis run (schemathesis' pytest plugin is
    # not used: it does not load under pytest 9).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 5
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_described(case):
            # A cursor is opaque: any string fits the schema, but only those the API
            # gave are accepted (400 otherwise, which the schema describes).
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        answers_as_described()
