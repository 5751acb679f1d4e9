"""Authentication backends, and the answer to a locked-out login."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_lockout_message
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils import timezone

from logins.lockout import locked_until, refuse


class AccountLocked(AxesBackendPermissionDenied):
    pass


class LoginRateLimitBackend(AxesStandaloneBackend):
    """The account-wide lockout (``logins.lockout``), then django-axes' per-address one.

    Every login form (the admin's included) passes the request. A login without one
    (the test client's ``login()``, a shell script) has no client address to count
    failures against, so it is left to the next backend instead of being refused.
    A refused login checks no password, and is marked so that it is not counted as a
    failure of the account.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        name = username or kwargs.get(get_user_model().USERNAME_FIELD)
        if until := locked_until(name):
            refuse(request, until)
            raise AccountLocked("This account is locked after too many failed logins")
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.login_refused = True
            raise


def client_address(request):
    """AXES_CLIENT_IP_CALLABLE: the address failed logins are counted against.

    With ``PROXY_COUNT`` (DJANGO_PROXY_COUNT) proxies in front, each appends the address it
    was reached from to X-Forwarded-For, so the client is the ``PROXY_COUNT``-th address
    from the right; anything to its left was written by the client and is not trusted.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: axes' answer, or the account lockout's with its end."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    until = getattr(request, "account_locked_until", None)
    if until is None:
        return HttpResponse(get_lockout_message(), status=status)
    local = timezone.localtime(until)
    return HttpResponse(
        "This account is locked: too many failed logins for it, from several addresses. "
        f"Try again after {local:%H:%M} ({local:%Z}) on {local:%Y-%m-%d}, "
        "or ask an administrator to unlock it.",
        status=status,
        content_type="text/plain; charset=utf-8",
    )
