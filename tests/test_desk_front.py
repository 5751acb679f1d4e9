"""The front page: editors pin the home page's lead and top stories (and a section's),
readers see the choice at once; pins lapse, and only published stories count."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Status
from desk import front
from desk.models import Pin
from tests.conftest import database_tasks_only
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

FRONT = reverse("desk:front")


def reader_home():
    return Client().get("/").content.decode()


def lead_of(html):
    start = html.index('class="lead')
    return html[start : start + 3000]


@pytest.fixture
def stories():
    """Three published stories, the newest last."""
    now = timezone.now()
    section = make_section(name="City", slug="city")
    return [
        make_article(
            headline=f"Story {n}", section=section, published_at=now - timedelta(hours=5 - n)
        )
        for n in range(3)
    ]


def test_editor_pins_a_lead_and_readers_see_it_at_once(
    editor_client, stories, django_capture_on_commit_callbacks
):
    oldest, middle, newest = stories
    assert "Story 2" in lead_of(reader_home())  # the newest leads by default
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(FRONT, {"order": f"{oldest.pk},{middle.pk}", "lapse": ""})
    assert response.status_code == 302
    html = reader_home()
    assert "Story 0" in lead_of(html)
    assert html.index("Story 1") < html.index("Story 2")  # pinned order, then the newest


def test_a_section_front_starts_with_its_pins(editor_client, stories):
    oldest, _, _ = stories
    response = editor_client.post(FRONT + "?section=city", {"order": str(oldest.pk), "lapse": "6"})
    assert response.status_code == 302
    pin = Pin.objects.get()
    assert pin.section.slug == "city" and pin.until > timezone.now() + timedelta(hours=5)
    html = Client().get(reverse("articles:section", args=["city"])).content.decode()
    assert html.index("Story 0") < html.index("Story 2")


def test_unpublished_pin_leaves_the_front_at_once(editor, stories):
    oldest, _, _ = stories
    front.set_pins(None, [oldest.pk], until=None, by=editor)
    assert front.pinned_ids(None) == [oldest.pk]
    workflow.transition(oldest, "unpublish", by=editor, comment="Legal check")
    assert front.pinned_ids(None) == []
    assert "Story 0" not in reader_home()


def test_lapsed_pin_falls_back_to_the_newest(editor, stories):
    oldest, _, _ = stories
    front.set_pins(None, [oldest.pk], until=timezone.now() + timedelta(hours=1), by=editor)
    assert front.pinned_ids(None, now=timezone.now() + timedelta(hours=2)) == []
    assert front.pinned_ids(None) == [oldest.pk]


def test_only_published_stories_can_be_pinned(editor_client, stories):
    draft = make_article(status=Status.DRAFT, headline="Not out")
    response = editor_client.post(FRONT, {"order": f"{stories[0].pk},{draft.pk}", "lapse": ""})
    assert response.status_code == 200
    assert "Only published stories can be pinned" in response.content.decode()
    assert not Pin.objects.exists()


def test_writers_may_not_set_the_front(writer_client, stories):
    assert writer_client.get(FRONT).status_code == 403
    assert writer_client.post(FRONT, {"order": str(stories[0].pk)}).status_code == 403
    assert not Pin.objects.exists()


def test_front_page_lists_pins_and_candidates(editor_client, editor, stories):
    front.set_pins(None, [stories[0].pk], until=None, by=editor)
    page = editor_client.get(FRONT)
    assert [a.pk for a in page.context["pinned"]] == [stories[0].pk]
    assert stories[0] not in page.context["candidates"]
    assert f'value="{stories[0].pk}"' in page.content.decode()


def test_a_pin_write_purges_the_front(editor, stories, monkeypatch):
    seen = []
    monkeypatch.setattr(front.edge, "touched", lambda keys=(), articles=(): seen.append(keys))
    section = stories[0].section
    front.set_pins(section, [stories[0].pk], until=None, by=editor)
    assert [f"section-{section.pk}-list"] in seen
    front.front_expired.call(None)
    assert ["home"] in seen


@database_tasks_only
def test_a_lapsing_pin_asks_for_a_purge_at_its_time(
    editor, stories, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    until = timezone.now() + timedelta(hours=6)
    with django_capture_on_commit_callbacks(execute=True):
        front.set_pins(None, [stories[0].pk], until=until, by=editor)
    task = DBTaskResult.objects.get(task_path="desk.front.front_expired")
    assert task.run_after == until
    assert task.args_kwargs["args"] == [None]
