"""E-mail about workflow steps: editors hear of submissions, writers of decisions.

:func:`after_transition` is registered in ``workflow.AFTER_TRANSITION``, so it runs once
the transition's transaction has committed; a rolled-back transition sends nothing. It
writes the messages and hands them to a task (:func:`send_workflow_mail`), so the
editor's click never waits for a mail server. Steps taken by operators' commands (no
acting user, e.g. an import) send nothing: a bulk import is not news to anyone's inbox.

Each message is recorded (``SentMail``) before it is sent, so a task run again never
sends it twice; a message whose sending was cut short by a dead worker is not sent
again either (it is logged): a missing notice is better than a duplicate.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskContext, task

from background.queueing import enqueue_or_keep
from background.retries import retry_later

from .models import SentMail

log = logging.getLogger(__name__)

SUBJECTS = {
    "submit": "Submitted for review: {headline}",
    "send_back": "Sent back to you: {headline}",
    "publish": "Published: {headline}",
}


def editors():
    """Active users who may publish, with an address to write to."""
    perm = Permission.objects.get(content_type__app_label="articles", codename="publish_article")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions=perm) | Q(user_permissions=perm))
        .exclude(email="")
        .distinct()
    )


def writer_addresses(article):
    """The article's byline authors' staff logins and its creator."""
    users = [
        b.author.user for b in article.bylines.select_related("author__user") if b.author.user_id
    ]
    if article.created_by_id:
        users.append(article.created_by)
    return {u.email for u in users if u.is_active and u.email}


def recipients(article, name):
    if name == "submit":
        return {u.email for u in editors()}
    if name in ("send_back", "publish"):
        return writer_addresses(article)
    return set()


def message(article, name, by, comment):
    site = settings.NEWSROOM["SITE_URL"].rstrip("/")
    who = by.get_full_name() or by.get_username()
    lines = [f"{who}: {SUBJECTS[name].format(headline=article.headline)}"]
    if name == "publish" and article.is_scheduled:
        lines.append(f"It goes live at {article.published_at:%Y-%m-%d %H:%M %Z}.")
    if comment:
        lines += ["", comment]
    lines += ["", site + reverse("admin:articles_article_change", args=[article.pk])]
    return "\n".join(lines)


def after_transition(article, transition, by, comment):
    name = transition.name
    if name not in SUBJECTS or by is None or not by.is_authenticated:
        return
    addresses = sorted(recipients(article, name) - {by.email})
    if not addresses:
        return
    # The version the step made names it: the same step never has two keys.
    key = f"article-{article.pk}-v{article.version}-{name}"
    subject = SUBJECTS[name].format(headline=article.headline)
    enqueue_or_keep(
        send_workflow_mail,
        [key, subject, message(article, name, by, comment)],
        {"addresses": addresses},
    )


@task(takes_context=True)
def send_workflow_mail(
    context: TaskContext, key: str, subject: str, body: str, addresses: list[str], attempt: int = 1
) -> int:
    """Send one message to each address that has none for ``key`` yet; how many were sent."""
    sent, failed = 0, []
    for address in addresses:
        claim, new = SentMail.objects.get_or_create(
            key=key, recipient=address, defaults={"subject": subject[:300]}
        )
        if not new:
            if claim.sent_at is None:
                log.warning(
                    "Not sending %r to %s again: an earlier try was cut short", key, address
                )
            continue
        try:
            # One message per person: addresses are not shown to each other.
            send_mail(subject, body, None, [address])
        except Exception as error:  # SMTP refusals and timeouts: try this one again later
            claim.delete()
            failed.append(address)
            log.warning("Workflow e-mail %r to %s failed: %s", key, address, error)
            continue
        claim.sent_at = timezone.now()
        claim.save(update_fields=["sent_at"])
        sent += 1
    if failed:
        retry_later(context, attempt, key, subject, body, addresses=failed)
        raise MailNotSent(f"{len(failed)} of {len(addresses)} message(s) not sent: {failed}")
    return sent


class MailNotSent(Exception):
    pass
