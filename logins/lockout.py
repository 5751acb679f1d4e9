"""The account-wide lockout: many failed logins for one username, from any address.

django-axes counts failures per username *and* address (``AXES_LOCKOUT_PARAMETERS``), so
that colleagues behind one office address do not lock each other out. Alone, that lets
one account be guessed from many addresses, five guesses from each.

Why not axes itself: it can also count per username (``[["username", "ip_address"],
["username"]]``), but it compares the largest of those counts with its single
``AXES_FAILURE_LIMIT`` over its single ``AXES_COOLOFF_TIME``. The per-username count is
never below the pair's, so the pair's limit of 5 would become the account's limit (anyone
could lock a colleague out with five tries from anywhere); a callable limit is not told
which count it is compared with, and there is no separate period and no alert. Axes'
maintainers point to a handler of one's own for separate limits (jazzband/django-axes#661).
So axes keeps the per-address limit exactly as it was, and this module adds the account's:

- every failed password check is recorded (:class:`LoginFailure`), whatever the address;
- ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures (20) within ``LOGIN_ACCOUNT_FAILURE_WINDOW``
  (an hour) lock the username for ``LOGIN_ACCOUNT_LOCKOUT`` (an hour), from every
  address, the right password included (``newsroom.auth.LoginRateLimitBackend`` refuses
  it, and the login page says why and until when);
- attempts refused by a lockout (this one or axes') check no password and are not
  counted, and a successful login does not clear the count (the owner signing in says
  nothing about who else is guessing);
- the lockout is announced once, by e-mail, to the editors-in-chief: the active
  superusers with an address (the people who can end a lockout early, in the admin).
  The message is written when the lockout's transaction commits and sent by the workflow
  mail task, recorded in ``SentMail`` under a key naming this lockout, so it goes once
  however often the task runs. A username with no account locks all the same (the answer
  must not tell which names exist) but mails nobody: names made up by the thousand must not
  fill the editors' inboxes.

Twenty in an hour is four addresses' worth of the per-address limit: no person mistyping
gets there (they meet the per-address lockout after five), and a guesser gets twenty
tries, then an hour's wait, however many addresses they have.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from background.queueing import enqueue_or_keep

from .models import LoginFailure, LoginLock

log = logging.getLogger(__name__)


def locked_until(username: str | None) -> datetime | None:
    """When the account lockout of ``username`` ends, if one is on now."""
    if not username:
        return None
    return (
        LoginLock.objects.filter(username=username, ends_at__gt=timezone.now())
        .values_list("ends_at", flat=True)
        .first()
    )


def refuse(request, until: datetime) -> None:
    """Mark the request as answered by the account lockout (see ``newsroom.auth``)."""
    request.login_refused = True
    request.account_locked_until = until
    # AxesMiddleware turns this flag into the lockout response.
    request.axes_locked_out = True


def count_failure(sender, credentials, request=None, **kwargs):
    """``user_login_failed``: record a failed password check; lock at the limit."""
    if request is None or getattr(request, "login_refused", False):
        return
    from axes.helpers import get_client_ip_address, get_client_username

    username = get_client_username(request, credentials)
    if not username:
        return
    ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    now = timezone.now()
    window = settings.LOGIN_ACCOUNT_FAILURE_WINDOW
    LoginFailure.objects.filter(at__lt=now - window).delete()
    LoginFailure.objects.create(username=username, ip_address=ip_address, at=now)

    since = now - window
    previous = LoginLock.objects.filter(username=username).values_list("ends_at", flat=True)
    if (ended := previous.first()) and ended > since:
        since = ended  # failures that led to the last lockout do not count twice
    failures = LoginFailure.objects.filter(username=username, at__gte=since).count()
    if failures < settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        return
    until = lock(username, now)
    if until is not None:
        request.axes_credentials = credentials
        refuse(request, until)


def lock(username: str, now: datetime) -> datetime | None:
    """Start the lockout of ``username`` unless one is on; its end if this call started it."""
    row, _ = LoginLock.objects.get_or_create(username=username)
    ends_at = now + settings.LOGIN_ACCOUNT_LOCKOUT
    started = (
        LoginLock.objects.filter(pk=row.pk)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__lte=now))
        .update(started_at=now, ends_at=ends_at)
    )
    if not started:
        return locked_until(username)
    log.warning("Login locked for %r until %s: too many failures", username, ends_at)
    key = f"login-lock-{row.pk}-{now:%Y%m%dT%H%M%S%f}"
    transaction.on_commit(lambda: alert(key, username, now, ends_at))
    return ends_at


def chiefs():
    """The editors-in-chief, who hear of lockouts: active superusers with an address."""
    return get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")


def alert(key: str, username: str, started_at: datetime, ends_at: datetime) -> None:
    from articles.notifications import send_workflow_mail

    user_model = get_user_model()
    if not user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).exists():
        return
    addresses = sorted({u.email for u in chiefs()})
    if not addresses:
        log.warning("Login lock of %r: no active superuser has an e-mail address", username)
        return
    failures = LoginFailure.objects.filter(
        username=username, at__gte=started_at - settings.LOGIN_ACCOUNT_FAILURE_WINDOW
    )
    sources = sorted({str(f.ip_address) for f in failures})
    site = settings.NEWSROOM["SITE_URL"].rstrip("/")
    zone = timezone.get_current_timezone()
    subject = f"Login locked: {username}"
    body = "\n".join(
        [
            f"The account {username} is locked after {failures.count()} failed logins "
            f"from {len(sources)} address(es) within "
            f"{settings.LOGIN_ACCOUNT_FAILURE_WINDOW}.",
            f"Locked at {timezone.localtime(started_at, zone):%Y-%m-%d %H:%M %Z}, "
            f"until {timezone.localtime(ends_at, zone):%Y-%m-%d %H:%M %Z}.",
            "",
            "Addresses: " + ", ".join(sources[:20]) + (" ..." if len(sources) > 20 else ""),
            "",
            "To end the lockout early (once the account's owner is reached):",
            site + reverse("admin:logins_loginlock_changelist"),
        ]
    )
    enqueue_or_keep(send_workflow_mail, [key, subject, body], {"addresses": addresses})
