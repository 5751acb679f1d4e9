"""E-mail about workflow steps: editors hear of submissions, writers of decisions.

:func:`after_transition` is registered in ``workflow.AFTER_TRANSITION``, so it runs once
the transition's transaction has committed; a rolled-back transition sends nothing.
Steps taken by operators' commands (no acting user, e.g. an import) send nothing: a
bulk import is not news to anyone's inbox.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.urls import reverse

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
    subject = SUBJECTS[name].format(headline=article.headline)
    body = message(article, name, by, comment)
    try:
        # One message per person: addresses are not shown to each other.
        send_mass_mail([(subject, body, None, [a]) for a in addresses])
    except Exception:
        # The step is committed; a mail server that is down must not turn it into an error.
        log.exception("Could not send workflow e-mail for article %s", article.pk)
