"""The benchmark floor serves a page's own bytes, and only when a benchmark mounts it."""

import pytest
from django.test import RequestFactory

from bench.floor import floor
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_floor_is_not_mounted_on_a_normal_site(client):
    assert client.get("/_bench/floor/").status_code == 404


def test_floor_answers_with_the_bytes_of_the_page(client):
    article = make_article(headline="Floor and page")
    page = client.get(article.get_absolute_url())

    served = floor(RequestFactory().get("/_bench/floor/x"), article.get_absolute_url()[1:])

    assert served.status_code == 200
    assert served.content == page.content
    assert b"Floor and page" in served.content


def test_floor_refuses_a_page_that_does_not_answer_200():
    served = floor(RequestFactory().get("/_bench/floor/x"), "no/such/page/")

    assert served.status_code == 502
