"""Sign-in: TOTP required for staff and committee roles, rate limiting, sessions that expire."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from tests.factories import PASSWORD, fresh_totp_code, give_totp, user_with_role

pytestmark = pytest.mark.django_db

TOTP_SETUP = "/accounts/2fa/totp/activate/"
RELAXED_BANNER = b"Demonstration mode: two-factor sign-in is not enforced"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts attempts in the cache, which outlives a test's database transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("role", ["admin", "officer", "committee"])
def test_an_mfa_role_without_totp_is_sent_to_set_it_up(client, role):
    person = user_with_role(role, mfa=False)
    client.force_login(person)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == TOTP_SETUP


def test_an_officer_without_totp_signs_in_and_sets_it_up_without_retyping_the_password(client):
    officer = user_with_role("officer", mfa=False)

    client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    home = client.get("/")
    setup = client.get(TOTP_SETUP)

    assert home.status_code == 302
    assert home["Location"] == TOTP_SETUP
    assert setup.status_code == 200
    assert b'name="code"' in setup.content


def test_setting_up_totp_long_after_signing_in_asks_for_the_password_again(client, monkeypatch):
    officer = user_with_role("officer", mfa=False)
    client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    later = time.time() + 3600
    monkeypatch.setattr("pontis.accounts.adapters.time.time", lambda: later)

    setup = client.get(TOTP_SETUP)

    assert setup.status_code == 302
    assert setup["Location"].startswith("/accounts/reauthenticate/")


def test_a_person_who_has_totp_must_reauthenticate_to_change_it(client):
    officer = user_with_role("officer", mfa=False)
    secret = give_totp(officer)
    client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code(secret)})
    assert client.get("/").status_code == 200

    response = client.get("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.parametrize("role", ["admin", "officer", "committee"])
def test_an_mfa_role_with_totp_passes(client, role):
    client.force_login(user_with_role(role))

    response = client.get("/")

    assert response.status_code == 200
    assert RELAXED_BANNER not in response.content


@pytest.mark.parametrize("role", ["focal_point", "expert", "observer"])
def test_other_roles_are_not_forced_to_use_totp(client, role):
    client.force_login(user_with_role(role, mfa=False))

    response = client.get("/")

    assert response.status_code == 200


def test_relaxed_mfa_lets_staff_in_and_says_so(client, settings):
    settings.PONTIS_RELAX_MFA = True
    client.force_login(user_with_role("officer", mfa=False))

    response = client.get("/")

    assert response.status_code == 200
    assert RELAXED_BANNER in response.content


def test_relaxed_mfa_banner_is_not_shown_to_roles_without_mfa(client, settings):
    settings.PONTIS_RELAX_MFA = True
    client.force_login(user_with_role("expert"))

    assert RELAXED_BANNER not in client.get("/").content


def test_signing_in_with_password_then_totp_code(client):
    # given an officer with TOTP
    officer = user_with_role("officer", mfa=False)
    secret = give_totp(officer)

    # when they give e-mail and password
    first = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})

    # then they are asked for the code, and are not signed in yet
    assert first.status_code == 302
    assert first["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/").context["user"].is_authenticated is False

    # when they give a wrong code, then they stay out
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000" if fresh_totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    # when they give the right code, then they are in
    right = client.post("/accounts/2fa/authenticate/", {"code": fresh_totp_code(secret)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_a_focal_point_signs_in_with_password_only(client, focal_point):
    response = client.post("/accounts/login/", {"login": focal_point.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(focal_point.pk)


def test_sign_in_is_refused_after_repeated_failures(client, expert_user):
    # given five failed attempts
    for _attempt in range(5):
        failed = client.post("/accounts/login/", {"login": expert_user.email, "password": "wrong password"})
        assert failed.status_code == 200
        assert "_auth_user_id" not in client.session

    # when the sixth attempt comes, even with the right password
    sixth = client.post("/accounts/login/", {"login": expert_user.email, "password": PASSWORD})

    # then it is refused with a message, and nobody is signed in
    assert "_auth_user_id" not in client.session
    assert sixth.status_code in (200, 429)
    assert b"Too many failed login attempts" in sixth.content


def test_rate_limits_are_configured_for_failed_sign_ins():
    # per account first, then per client (behaviour: tests/test_sign_in_hardening.py)
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "5/5m/key,20/5m/ip"


def test_sessions_expire_after_a_working_day_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    # Active sessions slide through SessionRefreshMiddleware, not a write per request (tests/test_session_refresh.py).
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_an_expired_session_no_longer_signs_the_person_in(client, expert_user):
    client.force_login(expert_user)
    assert client.get("/").context["user"].is_authenticated is True

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    assert client.get("/").context["user"].is_authenticated is False


def test_password_reset_sends_an_email(client, expert_user, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": expert_user.email})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [expert_user.email]
