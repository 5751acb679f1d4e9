"""The account-wide login lockout (logins/lockout.py) beside django-axes' per-address one.

Real logins through the admin's login form, from addresses given as the client's own
(REMOTE_ADDR) or as the proxy header the site reads behind DJANGO_PROXY_COUNT proxies.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F

from logins.models import LoginFailure, LoginLock
from tests.factories import make_user, run_worker

PASSWORD = "a-long-test-password"
ACCOUNT_LOCKED = "This account is locked"
PAIR_LOCKED = "Account locked: too many login attempts"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real logins, with a cheap hasher: the lockout is what is tested, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


def address(n):
    return f"198.51.100.{n}"


def login(client, username, password, addr, *, via_proxy=False):
    meta = {"REMOTE_ADDR": addr}
    if via_proxy:
        # Behind one proxy (DJANGO_PROXY_COUNT=1): the proxy is the peer and appends the
        # client's address; the client wrote the same address in front every time.
        meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": f"203.0.113.9, {addr}"}
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **meta
    )


def fail_from_many_addresses(client, username, count, *, first=1, via_proxy=False):
    return [
        login(client, username, "wrong-password", address(n), via_proxy=via_proxy)
        for n in range(first, first + count)
    ]


def assert_account_locked(response):
    assert response.status_code == 429
    assert ACCOUNT_LOCKED in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("via_proxy", [False, True], ids=["remote-addr", "forwarded-for"])
def test_failures_from_many_addresses_lock_the_account(client, settings, via_proxy):
    settings.PROXY_COUNT = 1 if via_proxy else 0
    make_user("ed")
    responses = fail_from_many_addresses(client, "ed", 25, via_proxy=via_proxy)
    # One failure per address never reaches the per-address limit; the account's limit
    # (20 by default) is reached by the 20th, from the 20th address.
    assert [r.status_code for r in responses[:19]] == [200] * 19
    for response in responses[19:]:
        assert_account_locked(response)
    assert LoginFailure.objects.filter(username="ed").values("ip_address").distinct().count() == 20

    # The right password, from an address that never failed, is refused with the reason.
    response = login(client, "ed", PASSWORD, address(200), via_proxy=via_proxy)
    assert_account_locked(response)
    assert "Try again after" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_another_account_is_unaffected(client):
    make_user("ed")
    jo = make_user("jo")
    fail_from_many_addresses(client, "ed", 25)
    assert_account_locked(login(client, "ed", PASSWORD, address(3)))
    # A colleague at one of the very addresses the guesses came from logs in.
    assert login(client, "jo", PASSWORD, address(3)).status_code == 302
    assert client.session["_auth_user_id"] == str(jo.pk)


@pytest.mark.django_db
def test_the_per_address_limit_still_locks_first_and_its_refusals_are_not_counted(client):
    make_user("ed")
    office = address(250)
    for _ in range(4):
        assert login(client, "ed", "wrong-password", office).status_code == 200
    # The fifth failure from one address locks that username and address, as before.
    response = login(client, "ed", "wrong-password", office)
    assert response.status_code == 429
    assert PAIR_LOCKED in response.content.decode()
    assert login(client, "ed", PASSWORD, office).status_code == 429
    # Refusals check no password: hammering the locked pair does not lock the account.
    for _ in range(30):
        assert PAIR_LOCKED in login(client, "ed", PASSWORD, office).content.decode()
    assert login(client, "ed", PASSWORD, address(251)).status_code == 302
    client.logout()

    # Those five failures do count for the account: fifteen more from elsewhere reach 20.
    responses = fail_from_many_addresses(client, "ed", 15)
    assert [r.status_code for r in responses[:14]] == [200] * 14
    assert_account_locked(responses[14])
    assert_account_locked(login(client, "ed", PASSWORD, address(251)))


@pytest.mark.django_db(transaction=True)
def test_the_editors_in_chief_hear_of_a_lockout_once(client, outbox):
    make_user("ed")
    make_user("chief", is_superuser=True, email="chief@example.org")
    make_user("deputy", is_superuser=True, email="deputy@example.org")
    make_user("nomail", is_superuser=True)
    make_user("gone", is_superuser=True, is_active=False, email="gone@example.org")
    make_user("eddie", email="eddie@example.org")  # staff, not a superuser

    fail_from_many_addresses(client, "ed", 25)
    login(client, "ed", PASSWORD, address(200))
    # A made-up name locks as well (the answer must not tell which names exist), but
    # mails nobody.
    fail_from_many_addresses(client, "no-such-user", 20)
    assert_account_locked(login(client, "no-such-user", "x", address(1)))
    assert outbox == []  # the login's answer does not wait for a mail server

    run_worker()
    run_worker()
    assert sorted(m.to[0] for m in outbox) == ["chief@example.org", "deputy@example.org"]
    message = outbox[0]
    assert message.subject == "Login locked: ed"
    assert "20 failed logins from 20 address(es)" in message.body
    assert address(7) in message.body
    assert "/admin/logins/loginlock/" in message.body

    # Further refused attempts during the lockout send nothing more.
    fail_from_many_addresses(client, "ed", 5, first=100)
    run_worker()
    assert len(outbox) == 2


@pytest.mark.django_db
def test_the_lockout_ends_after_its_period(client, settings):
    make_user("ed")
    fail_from_many_addresses(client, "ed", 20)
    assert_account_locked(login(client, "ed", PASSWORD, address(200)))
    lock = LoginLock.objects.get(username="ed")
    assert lock.ends_at - lock.started_at == settings.LOGIN_ACCOUNT_LOCKOUT

    # The period passes: move every stored time back by it, and a second.
    past = settings.LOGIN_ACCOUNT_LOCKOUT + timedelta(seconds=1)
    LoginLock.objects.update(started_at=F("started_at") - past, ends_at=F("ends_at") - past)
    LoginFailure.objects.update(at=F("at") - past)
    # A failure just after the lockout does not lock again at once.
    assert login(client, "ed", "wrong-password", address(1)).status_code == 200
    assert login(client, "ed", PASSWORD, address(200)).status_code == 302
