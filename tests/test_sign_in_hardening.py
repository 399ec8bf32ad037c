"""Sign-in throttling per account and per client, the client's address behind a proxy, and safe ``next`` URLs."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from pontis.accounts import services
from pontis.accounts.models import ApiToken
from pontis.core.http import client_ip, safe_next
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _signed_in(client):
    return "_auth_user_id" in client.session


def _fail(client, email, times, **extra):
    for _ in range(times):
        client.post(LOGIN, {"login": email, "password": "wrong password"}, **extra)


# --- throttling ---------------------------------------------------------------------------------------------

def test_five_failures_on_one_account_do_not_lock_another_account_from_the_same_address(client):
    x, y = UserFactory(), UserFactory()
    _fail(client, x.email, 5)

    locked = client.post(LOGIN, {"login": x.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in locked.content
    assert not _signed_in(client)

    client.post(LOGIN, {"login": y.email, "password": PASSWORD})
    assert _signed_in(client)


def test_retrying_a_locked_account_does_not_use_up_the_address_allowance(client):
    x, y = UserFactory(), UserFactory()
    _fail(client, x.email, 25)  # 5 counted, 20 refused by the account's own limit (30 posts a minute is the cap)

    client.post(LOGIN, {"login": y.email, "password": PASSWORD})
    assert _signed_in(client)


def test_many_failures_from_one_client_across_accounts_lock_that_client(client):
    people = [UserFactory() for _ in range(6)]
    for person in people[:5]:
        _fail(client, person.email, 4)  # 20 failures, no account reaches its own limit

    refused = client.post(LOGIN, {"login": people[5].email, "password": PASSWORD})
    assert not _signed_in(client)
    assert refused.status_code in (200, 429)
    assert b"Too many failed login attempts" in refused.content


@override_settings(PONTIS_TRUSTED_PROXY_COUNT=1)
def test_behind_a_configured_proxy_each_client_is_throttled_on_its_own(client):
    people = [UserFactory() for _ in range(6)]
    for person in people[:5]:
        _fail(client, person.email, 4, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")

    client.post(LOGIN, {"login": people[5].email, "password": PASSWORD},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert _signed_in(client)


def test_a_spoofed_forwarded_for_does_not_escape_the_client_limit_without_a_configured_proxy(client):
    people = [UserFactory() for _ in range(6)]
    for n, person in enumerate(people[:5]):
        _fail(client, person.email, 4, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    client.post(LOGIN, {"login": people[5].email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert not _signed_in(client)


# --- client_ip ------------------------------------------------------------------------------------------------

def _request(remote="10.0.0.2", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_a_configured_proxy_the_forwarded_header_is_ignored():
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="203.0.113.9")) == "10.0.0.2"


@override_settings(PONTIS_TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_reads_the_rightmost_entry_and_ignores_what_the_client_wrote():
    # the client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")) == "203.0.113.9"


@override_settings(PONTIS_TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_read_the_second_entry_from_the_right():
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.5")) == "203.0.113.9"


@override_settings(PONTIS_TRUSTED_PROXY_COUNT=1, PONTIS_CLIENT_IP_HEADER="X-Real-IP")
def test_the_configured_header_is_the_one_read():
    request = _request(HTTP_X_REAL_IP="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"


@override_settings(PONTIS_TRUSTED_PROXY_COUNT=1)
def test_a_header_that_is_not_an_address_falls_back_to_the_peer():
    assert client_ip(_request(HTTP_X_FORWARDED_FOR="not-an-address")) == "10.0.0.2"


# --- next -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)",
                                    "https://testserver.evil.example/"])
def test_revoking_a_token_never_redirects_off_the_site(client, target):
    person = UserFactory()
    token, _raw = services.api_token_issue(user=person, name="laptop")
    client.force_login(person)

    response = client.post(f"/people/me/tokens/{token.pk}/revoke/", {"next": target, "confirmed": "1"})

    assert response.status_code == 302
    assert response["Location"] == "/people/me/"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_revoking_a_token_follows_a_next_on_this_site(client):
    person = UserFactory()
    token, _raw = services.api_token_issue(user=person, name="laptop")
    client.force_login(person)

    response = client.post(f"/people/me/tokens/{token.pk}/revoke/", {"next": "/people/me/?tab=tokens", "confirmed": "1"})

    assert response["Location"] == "/people/me/?tab=tokens"


def test_signing_in_never_redirects_off_the_site(client):
    person = UserFactory()

    response = client.post(f"{LOGIN}?next=https://evil.example/", {"login": person.email, "password": PASSWORD,
                                                                    "next": "https://evil.example/"})

    assert _signed_in(client)
    assert "evil.example" not in response["Location"]


def test_safe_next_accepts_only_this_host():
    factory = RequestFactory()
    assert safe_next(factory.get("/", {"next": "/experts/"}), "/") == "/experts/"
    assert safe_next(factory.get("/", {"next": "http://testserver/experts/"}), "/") == "http://testserver/experts/"
    assert safe_next(factory.get("/", {"next": "https://evil.example/"}), "/") == "/"
    assert safe_next(factory.post("/", {"next": "///evil.example"}), "/") == "/"
