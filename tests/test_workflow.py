"""The transition table of DESIGN §4, checked for every role, transition and state."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import workflow
from articles.models import Article, AuditEntry, Author, Status
from tests.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db

STATES = [Status.DRAFT, Status.REVIEW, Status.PUBLISHED, Status.ARCHIVED]
ROLES = ["writer_creator", "writer_byline", "writer_other", "editor", "anonymous"]

# Who may make each transition, from the table in DESIGN §4.
ALLOWED = {
    "submit": {"writer_creator", "writer_byline", "editor"},
    "send_back": {"editor"},
    "publish": {"editor"},
    "publish_direct": {"editor"},
    "unpublish": {"editor"},
    "take_down": {"editor"},
}


def make_actor(role):
    if role == "anonymous":
        return AnonymousUser()
    return make_user(role="Writer" if role.startswith("writer") else "Editor")


def relate(role, user, article):
    """Make ``article`` the writer's own, as creator or as byline author."""
    if role == "writer_creator":
        Article.objects.filter(pk=article.pk).update(created_by=user)
    elif role == "writer_byline":
        author = Author.objects.filter(user=user).first() or make_author(user=user)
        author.bylines.create(article=article, position=9)


@pytest.mark.parametrize("role", ROLES)
def test_transition_matrix(role):
    user = make_actor(role)
    for name, state in itertools.product(workflow.TRANSITIONS, STATES):
        case = f"{role} {name} from {state}"
        article = make_article(status=state)
        relate(role, user, article)
        article = Article.objects.get(pk=article.pk)
        before = Article.objects.values().get(pk=article.pk)
        t = workflow.TRANSITIONS[name]
        expected = state in t.sources and role in ALLOWED[name]

        assert workflow.may(user, article, name) is expected, case
        if expected:
            workflow.transition(article, name, by=user, comment="Because.")
            stored = Article.objects.get(pk=article.pk)
            assert stored.status == t.target, case
            assert stored.version == before["version"] + 1, case
            entry = AuditEntry.objects.get(article=article)
            assert (
                entry.actor,
                entry.action,
                entry.from_status,
                entry.to_status,
                entry.comment,
            ) == (user, name, state, t.target, "Because."), case
        else:
            with pytest.raises((PermissionDenied, workflow.TransitionError)):
                workflow.transition(article, name, by=user, comment="Because.")
            assert Article.objects.values().get(pk=article.pk) == before, case
            assert not AuditEntry.objects.filter(article=article).exists(), case


@pytest.mark.parametrize("name", ["send_back", "unpublish", "take_down"])
def test_transition_that_needs_a_reason_is_refused_without_one(name):
    source = workflow.TRANSITIONS[name].sources[0]
    article = make_article(status=source)
    editor = make_user(role="Editor")
    with pytest.raises(ValueError, match="needs a comment"):
        workflow.transition(article, name, by=editor, comment="   ")
    assert Article.objects.get(pk=article.pk).status == source
    assert not AuditEntry.objects.exists()


def test_schedule_sets_the_chosen_time_and_keeps_the_article_private_until_then():
    article = make_article(status=Status.REVIEW)
    at = timezone.now() + timedelta(days=1)
    workflow.transition(article, "publish", by=make_user(role="Editor"), at=at)
    article.refresh_from_db()
    assert article.published_at == at
    assert article.is_scheduled
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=at).filter(pk=article.pk).exists()


def test_scheduled_article_becomes_visible_when_its_time_has_passed(client):
    article = make_article(status=Status.REVIEW, headline="Embargoed budget story")
    workflow.transition(
        article, "publish", by=make_user(role="Editor"), at=timezone.now() + timedelta(hours=2)
    )
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Embargoed budget story" not in client.get("/").content.decode()

    # Nothing runs in between: the clock passing the date is all it takes.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    article.refresh_from_db()
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Embargoed budget story" in client.get("/").content.decode()


def test_taken_down_article_leaves_public_lists_and_answers_gone(client):
    article = make_article(status=Status.PUBLISHED)
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    workflow.transition(article, "take_down", by=make_user(role="Editor"), comment="Legal")
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert client.get(url).status_code == 410
    assert article.headline not in client.get("/").content.decode()


def test_republishing_keeps_the_first_publication_date():
    article = make_article(status=Status.REVIEW)
    editor = make_user(role="Editor")
    workflow.transition(article, "publish", by=editor)
    first = article.first_published_at
    workflow.transition(article, "unpublish", by=editor, comment="Hold")
    workflow.transition(article, "submit", by=editor)
    workflow.transition(article, "publish", by=editor)
    assert article.first_published_at == first
    assert article.published_at > first


def test_claim_edit_refuses_a_stale_version_and_names_who_saved():
    article = make_article(status=Status.DRAFT)
    alice = make_user("alice", first_name="Alice", last_name="Ames")
    bob = make_user("bob")
    start = article.version
    workflow.claim_edit(Article.objects.get(pk=article.pk), expected_version=start, by=alice)
    with pytest.raises(workflow.StaleEdit, match="Alice Ames saved this article") as refused:
        workflow.claim_edit(Article.objects.get(pk=article.pk), expected_version=start, by=bob)
    assert refused.value.current.version == start + 1
    assert Article.objects.get(pk=article.pk).last_saved_by == alice


def test_writer_may_edit_only_own_drafts_and_editor_any_article():
    writer, other, editor = (
        make_user(role="Writer"),
        make_user(role="Writer"),
        make_user(role="Editor"),
    )
    draft = make_article(status=Status.DRAFT, created_by=writer)
    in_review = make_article(status=Status.REVIEW, created_by=writer)
    assert workflow.may_edit(writer, draft)
    assert not workflow.may_edit(other, draft)
    assert not workflow.may_edit(writer, in_review)
    assert workflow.may_edit(editor, in_review)
    assert not workflow.may_edit(AnonymousUser(), draft)


def test_assign_role_makes_staff_and_replaces_the_other_role():
    user = make_user()
    type(user).objects.filter(pk=user.pk).update(is_staff=False)
    call_command("assign_role", user.username, "writer")
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Writer"]
    assert not user.has_perm("articles.publish_article")
    call_command("assign_role", user.username, "editor")
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
    assert list(user.groups.values_list("name", flat=True)) == ["Editor"]
    assert user.has_perm("articles.publish_article")


def test_assign_role_to_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match='No user "nobody"'):
        call_command("assign_role", "nobody", "editor")
