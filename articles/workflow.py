"""The editorial workflow: states, the transitions between them, and who may make them.

Every path that changes an article's status (the admin form, admin actions, the
importer) goes through :func:`transition`, which checks the state and the user, writes
with a conditional update so two concurrent clicks cannot both win, and appends an
audit row. Side effects (e-mail) run after commit from ``AFTER_TRANSITION``.

Content edits have their own guard, :func:`claim_edit`: the optimistic version lock that
refuses a save based on a version someone else has since replaced. What an edit changes
of the dates readers see (the publication date, the "updated" date) is audited by
:func:`record_edit`. This module is the one place that writes audit rows.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import notifications
from .models import Article, AuditEntry, Status

PUBLISH_PERMISSION = "articles.publish_article"

# Whom an action is taken for: a user, an anonymous request, or no one (the system).
Actor = User | AnonymousUser | None


class TransitionError(Exception):
    """The article is not in a state that allows this transition (any more)."""


class MissingSection(TransitionError):
    """The article has no section, and the transition takes it past the draft stage."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    # None means: the article's own writers may make it, as well as editors.
    permission: str | None
    needs_comment: bool = False
    # Recorded in the audit trail when no comment is given: says what the step skipped.
    note: str = ""
    # A short cut for people (an editor publishing a draft), never taken by route().
    shortcut: bool = False


# A side effect of a transition (see AFTER_TRANSITION).
AfterTransition = Callable[[Article, Transition, Actor, str], None]

TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", "Submit for review", (Status.DRAFT,), Status.REVIEW, None),
        Transition(
            "send_back",
            "Send back to writer",
            (Status.REVIEW,),
            Status.DRAFT,
            PUBLISH_PERMISSION,
            needs_comment=True,
        ),
        Transition("publish", "Publish", (Status.REVIEW,), Status.PUBLISHED, PUBLISH_PERMISSION),
        Transition(
            "publish_direct",
            "Publish now",
            (Status.DRAFT,),
            Status.PUBLISHED,
            PUBLISH_PERMISSION,
            note="Published directly by an editor, without review.",
            shortcut=True,
        ),
        Transition(
            "unpublish",
            "Unpublish",
            (Status.PUBLISHED,),
            Status.DRAFT,
            PUBLISH_PERMISSION,
            needs_comment=True,
        ),
        Transition(
            "take_down",
            "Take down",
            (Status.PUBLISHED,),
            Status.ARCHIVED,
            PUBLISH_PERMISSION,
            needs_comment=True,
        ),
    )
}


def section_needed(t: Transition) -> str:
    """Why ``t`` cannot be made on an article without a section ("" when it can).

    Only a draft may lack a section: a story in review is the writer's finished work,
    and the review queue and the bulk "Publish" never meet one that cannot go out; a
    published story's address starts with its section (constraint
    ``article_has_section_past_draft``). The admin form shows this next to the field.
    """
    steps: dict[str, str] = {
        Status.REVIEW: "submitting it for review",
        Status.PUBLISHED: "publishing",
        Status.ARCHIVED: "taking it down",
    }
    step = steps.get(t.target)
    return f"Choose a section before {step}." if step else ""


def is_editor(user: Actor) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def is_own_article(user: Actor, article: Article) -> bool:
    """A writer's own article: they created it or are credited on its byline."""
    if not (user and user.is_authenticated) or article.pk is None:
        return False
    if article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def may(user: Actor, article: Article, name: str) -> bool:
    """Whether ``user`` may make transition ``name`` on ``article`` now."""
    t = TRANSITIONS[name]
    if article.status not in t.sources:
        return False
    if not (user and user.is_active and user.has_perm("articles.change_article")):
        return False
    if t.permission is None:
        return is_editor(user) or is_own_article(user, article)
    return user.has_perm(t.permission)


def available(user: Actor, article: Article) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if may(user, article, t.name)]


def may_start(user: Actor, name: str) -> bool:
    """Whether ``user`` may make transition ``name`` as they create an article: anyone
    who may add one submits it; an editor may also publish it directly."""
    if not (user and user.is_active and user.has_perm("articles.add_article")):
        return False
    if name == "submit":
        return True
    t = TRANSITIONS.get(name)
    return bool(t and Status.DRAFT in t.sources and t.permission and user.has_perm(t.permission))


def available_on_new(user: Actor) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if may_start(user, t.name)]


def may_edit(user: Actor, article: Article) -> bool:
    """Whether ``user`` may change ``article``'s content now.

    Editors may change any article. A writer may change only drafts they created or are
    credited on; once submitted, the text is the editors' until it is sent back.
    """
    if not (user and user.is_active and user.has_perm("articles.change_article")):
        return False
    if is_editor(user):
        return True
    return article.status == Status.DRAFT and is_own_article(user, article)


def may_read(user: Actor, article: Article) -> bool:
    """Whether ``user`` may read ``article`` as it stands (its preview, its admin page).

    Everyone who may edit it, and its own writers whatever its status: after submitting,
    a writer still follows the story through review and publication.
    """
    if may_edit(user, article):
        return True
    return bool(user and user.is_active and user.has_perm("articles.change_article")) and (
        is_own_article(user, article)
    )


class StaleEdit(Exception):
    """Someone saved the article after this edit began; saving would overwrite their work."""

    def __init__(self, current: Article) -> None:
        self.current = current
        user = current.last_saved_by
        self.who = (user.get_full_name() or user.get_username()) if user else "someone"
        self.when = timezone.localtime(current.updated_at)
        super().__init__(
            f"{self.who} saved this article at {self.when:%Y-%m-%d %H:%M %Z} after you opened it."
        )


def claim_edit(article: Article, *, expected_version: int, by: Actor) -> Article:
    """Take the next version of ``article`` for a save based on ``expected_version``.

    The version is compared and bumped in one conditional UPDATE, so of two saves based
    on the same version exactly one proceeds; the other gets :class:`StaleEdit` naming
    who saved in between. Call it inside the transaction that then saves the content.
    """
    now = timezone.now()
    user = by if by and by.is_authenticated else None
    won = Article.objects.filter(pk=article.pk, version=expected_version).update(
        version=F("version") + 1, last_saved_by=user, updated_at=now
    )
    if not won:
        raise StaleEdit(Article.objects.select_related("last_saved_by").get(pk=article.pk))
    article.version = expected_version + 1
    article.last_saved_by = user
    article.updated_at = now
    return article


def transition(
    article: Article,
    name: str,
    *,
    by: Actor,
    comment: str = "",
    at: datetime | None = None,
    system: bool = False,
) -> Article:
    """Move ``article`` along transition ``name`` on behalf of ``by``.

    ``at`` schedules a publish for a chosen time. ``system=True`` is for operators'
    commands, which act without a user and are not permission-checked.
    Raises PermissionDenied, TransitionError (MissingSection: past the draft stage
    without a section) or ValueError (missing comment); on any of these nothing is
    written.
    """
    t = TRANSITIONS[name]
    if not system and not may(by, article, name):
        if article.status not in t.sources:
            raise TransitionError(
                f"Cannot {t.label.lower()}: the article is {article.get_status_display().lower()}."
            )
        raise PermissionDenied(f"You may not {t.label.lower()} this article.")
    needs_section = section_needed(t)
    if needs_section and article.section_id is None:
        raise MissingSection(needs_section)
    comment = (comment or "").strip()
    if t.needs_comment and not comment:
        raise ValueError(f"{t.label} needs a comment saying why.")
    comment = comment or t.note

    now = timezone.now()
    values: dict[str, Any] = {
        "status": t.target,
        "version": F("version") + 1,
        "updated_at": now,
        "last_saved_by": by if by and by.is_authenticated else None,
    }
    if t.target == Status.PUBLISHED:
        values["published_at"] = at or now
        values["first_published_at"] = Coalesce(F("first_published_at"), at or now)

    with transaction.atomic():
        # The status in the WHERE clause is the lock: a second, concurrent click finds
        # no row in the expected state and changes nothing.
        rows = Article.objects.filter(pk=article.pk, status__in=t.sources)
        if needs_section:
            # The section may have been cleared by a save since ``article`` was loaded.
            rows = rows.filter(section__isnull=False)
        won = rows.update(**values)
        if not won:
            if (
                needs_section
                and not Article.objects.filter(pk=article.pk, section__isnull=False).exists()
            ):
                raise MissingSection(needs_section)
            raise TransitionError(
                f"Cannot {t.label.lower()}: someone else changed this article's status just now."
            )
        AuditEntry.objects.create(
            article=article,
            actor=by if by and by.is_authenticated else None,
            at=now,
            action=name,
            from_status=article.status,
            to_status=t.target,
            comment=comment,
        )
        # Refreshed before commit, so the hooks below see the article as it now is.
        article.refresh_from_db(
            fields=[
                "status",
                "version",
                "updated_at",
                "published_at",
                "first_published_at",
                "last_saved_by",
            ]
        )
        for hook in AFTER_TRANSITION:

            def after_commit(hook: AfterTransition = hook) -> None:
                hook(article, t, by, comment)

            transaction.on_commit(after_commit)
    return article


def record(article: Article, action: str, *, by: Actor, comment: str = "") -> AuditEntry:
    """Append an audit row for a publish-relevant change that is not a status transition
    (a substantive update, a new publication date)."""
    return AuditEntry.objects.create(
        article=article,
        actor=by if by and by.is_authenticated else None,
        at=timezone.now(),
        action=action,
        from_status=article.status,
        to_status=article.status,
        comment=comment,
    )


def record_edit(
    article: Article, *, by: Actor, previous: Mapping[str, Any], substantive: bool = False
) -> list[AuditEntry]:
    """Apply and audit what a content edit changes of the dates readers see.

    ``previous`` maps each field the edit changed to its value before the edit, so a
    moved publication date is ``"published_at" in previous``; ``substantive`` is the
    editor's "substantive update" tick, which stamps ``substantive_update_at`` (on the
    instance: call this before saving ``article``, in the same transaction). Only
    editors change these dates, and only on a published article does "updated" mean
    anything; any other edit is left alone. Returns the audit rows written.
    """
    if not (is_editor(by) and article.status == Status.PUBLISHED):
        return []
    entries = []
    if "published_at" in previous:
        old = previous["published_at"]
        comment = (
            f"Publication date {old:%Y-%m-%d %H:%M} → {article.published_at:%Y-%m-%d %H:%M}"
            if old
            else ""
        )
        entries.append(record(article, "date_change", by=by, comment=comment))
    if substantive:
        article.substantive_update_at = timezone.now()
        entries.append(record(article, "substantive_update", by=by))
    return entries


def publish_changes(
    article: Article, values: Mapping[str, Any], *, expected_version: int, by: Actor
) -> Article:
    """Put changes kept aside for a live story (``values``: {field attname: value}) on it.

    An editor's action, under the version lock: changes based on ``expected_version``
    are refused with :class:`StaleEdit` when the live story was saved since.
    """
    if not is_editor(by):
        raise PermissionDenied("Only editors publish changes to a live story.")
    with transaction.atomic():
        claim_edit(article, expected_version=expected_version, by=by)
        for attname, value in values.items():
            setattr(article, attname, value)
        article.save()
        record(article, "publish_changes", by=by, comment="Pending changes published.")
    return article


# Side effects (notifications, cache purges), each called with (article, transition, by,
# comment) once the transition has committed.
AFTER_TRANSITION: list[AfterTransition] = [notifications.after_transition]


def route(source: str, target: str) -> list[str]:
    """The shortest list of transition names leading from status ``source`` to ``target``."""
    paths: dict[str, list[str]] = {source: []}
    frontier = [source]
    while frontier and target not in paths:
        state = frontier.pop(0)
        for t in TRANSITIONS.values():
            if state in t.sources and t.target not in paths and not t.shortcut:
                paths[t.target] = [*paths[state], t.name]
                frontier.append(t.target)
    if target not in paths:
        raise TransitionError(f"No route from {source} to {target}.")
    return paths[target]


def move_to(
    article: Article,
    status: str,
    *,
    by: Actor = None,
    at: datetime | None = None,
    comment: str = "Status set by import",
) -> Article:
    """Walk ``article`` to ``status`` one audited step at a time (operators' commands)."""
    for name in route(article.status, status):
        transition(
            article,
            name,
            by=by,
            comment=comment,
            at=at if name == "publish" else None,
            system=True,
        )
    return article
