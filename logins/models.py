from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """One failed password check for a username, from any address.

    Kept for ``LOGIN_ACCOUNT_FAILURE_WINDOW`` only. Attempts refused without checking the
    password (a lockout) are not failures: they tell the guesser nothing.
    """

    username = models.CharField(max_length=150)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "at"], name="loginfailure_user_at")]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M:%S}"


class LoginLock(models.Model):
    """The account-wide lockout of one username: the latest one, one row per username.

    One row per username, so that of two failures reaching the limit at once only one
    (the conditional update that moves ``ends_at``) starts the lockout and sends the alert.
    An administrator ends a lockout early by setting ``ends_at`` to the past.
    """

    username = models.CharField(max_length=150, unique=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.username
