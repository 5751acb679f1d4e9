"""Two people acting on one article at the same instant, on two real database connections.

Each thread opens its own connection (Django's connections are per thread) and waits at
a barrier so both requests reach the database together. Only PostgreSQL runs this: its
row locks make the second conditional UPDATE wait for the first and then find no row in
the expected state. SQLite serialises all writers, which would prove nothing.
"""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction

from articles import workflow
from articles.models import Article, AuditEntry, Status
from tests.factories import change_url, form_data, make_article, make_roles, make_user

# SQLite allows one writer at a time, so no race can happen there.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def roles():
    make_roles()  # a transactional test starts from a flushed database


def race(*actions):
    """Run each action in its own thread and connection, released together."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                outcomes[i] = ("won", action())
        except (workflow.TransitionError, workflow.StaleEdit, PermissionDenied) as refusal:
            outcomes[i] = ("refused", refusal)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_editors_publishing_at_once_publish_exactly_once():
    assert connection.vendor == "postgresql"
    article = make_article(status=Status.REVIEW)
    editors = [make_user(role="Editor"), make_user(role="Editor")]
    copies = [Article.objects.get(pk=article.pk) for _ in editors]

    outcomes = race(
        *(
            lambda copy=copy, ed=ed: workflow.transition(copy, "publish", by=ed)
            for copy, ed in zip(copies, editors, strict=True)
        )
    )

    assert sorted(kind for kind, _ in outcomes) == ["refused", "won"]
    refusal = next(value for kind, value in outcomes if kind == "refused")
    assert "someone else changed this article's status just now" in str(refusal)
    assert AuditEntry.objects.filter(article=article, action="publish").count() == 1
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Status.PUBLISHED
    assert stored.version == article.version + 1


def test_two_saves_from_the_same_version_let_exactly_one_through():
    article = make_article(status=Status.DRAFT)
    people = [make_user(role="Editor"), make_user(role="Editor")]

    def save(user, headline):
        copy = Article.objects.get(pk=article.pk)
        workflow.claim_edit(copy, expected_version=article.version, by=user)
        copy.headline = headline
        copy.save()
        return headline

    outcomes = race(lambda: save(people[0], "First"), lambda: save(people[1], "Second"))

    assert sorted(kind for kind, _ in outcomes) == ["refused", "won"]
    winner = next(value for kind, value in outcomes if kind == "won")
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == winner
    assert stored.version == article.version + 1


def test_save_that_loses_the_race_after_the_form_check_is_refused_with_input_kept(
    client, monkeypatch
):
    """Another save commits between the form's friendly check and the conditional UPDATE.

    The form's check is wrapped so that, the first time, a rival on another connection
    saves right after it passes: the window a real second request could hit.
    """
    from articles.forms import ArticleAdminForm

    article = make_article(status=Status.PUBLISHED, headline="Original")
    editor = make_user("ed", role="Editor")
    rival = make_user("rita", role="Editor", first_name="Rita", last_name="Rossi")
    client.force_login(editor)
    page = client.get(change_url(article))
    real_check = ArticleAdminForm.check_version
    calls = []

    def rival_saves():
        copy = Article.objects.get(pk=article.pk)
        with transaction.atomic():
            workflow.claim_edit(copy, expected_version=article.version, by=rival)
            copy.headline = "Rita's headline"
            copy.save()

    def check_then_lose_the_race(form):
        real_check(form)
        calls.append(form)
        if len(calls) == 1:
            assert race(rival_saves) == [("won", None)]

    monkeypatch.setattr(ArticleAdminForm, "check_version", check_then_lose_the_race)
    response = client.post(change_url(article), form_data(page, headline="Ed's headline"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Rita Rossi saved this article at" in html
    assert "Ed&#x27;s headline" in html
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.last_saved_by) == ("Rita's headline", rival)
    assert stored.version == article.version + 1
