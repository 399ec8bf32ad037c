"""API tokens: issued by a command, accepted as Bearer, stored hashed, revocable, expiring; the OpenAPI schema."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from pontis.accounts import services
from pontis.accounts.models import ApiToken
from pontis.core.errors import NotAllowed

pytestmark = pytest.mark.django_db


def _issue_with_command(email):
    out = io.StringIO()
    call_command("issue_api_token", "--user", email, stdout=out)
    return out.getvalue().strip()


def _bearer(raw):
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_command_prints_a_token_that_works_as_bearer(officer):
    raw = _issue_with_command(officer.email.upper())

    response = _bearer(raw).get("/api/v1/me")

    assert raw.startswith("pnt_")
    assert response.status_code == 200
    assert response.json()["email"] == officer.email
    assert response.json()["roles"] == ["officer"]


def test_the_token_is_stored_hashed(officer):
    raw = _issue_with_command(officer.email)

    token = ApiToken.objects.get(user=officer)
    assert token.digest == ApiToken.hash(raw)
    assert raw not in token.digest
    assert raw.startswith(token.key_prefix)
    assert len(token.key_prefix) < len(raw) // 3
    stored_values = ApiToken.objects.values_list("name", "key_prefix", "digest")
    assert all(raw not in value for row in stored_values for value in row)


def test_the_command_refuses_an_unknown_person():
    with pytest.raises(CommandError):
        call_command("issue_api_token", "--user", "nobody@example.org", stdout=io.StringIO())

    assert ApiToken.objects.count() == 0


def test_no_token_and_a_wrong_token_answer_401(officer):
    assert Client().get("/api/v1/me").status_code == 401
    response = _bearer("pnt_not-a-real-token").get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_revoked_token_answers_401(officer):
    token, raw = services.api_token_issue(user=officer, name="laptop")
    assert _bearer(raw).get("/api/v1/me").status_code == 200

    services.api_token_revoke(token=token, by=officer)

    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_an_expired_token_answers_401(officer):
    _token, raw = services.api_token_issue(user=officer, expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_a_deactivated_persons_token_answers_401(officer):
    _token, raw = services.api_token_issue(user=officer)
    officer.is_active = False
    officer.save()

    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_someone_else_may_not_revoke_my_token(officer, expert_user):
    token, raw = services.api_token_issue(user=officer)

    with pytest.raises(NotAllowed):
        services.api_token_revoke(token=token, by=expert_user)

    token.refresh_from_db()
    assert token.revoked_at is None
    assert _bearer(raw).get("/api/v1/me").status_code == 200


def test_an_administrator_may_revoke_anyones_token(officer, admin_user):
    token, raw = services.api_token_issue(user=officer)

    services.api_token_revoke(token=token, by=admin_user)

    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_the_revoke_command_revokes_every_token_of_a_person(officer):
    _token, raw = services.api_token_issue(user=officer)

    call_command("revoke_api_tokens", "--user", officer.email, stdout=io.StringIO())

    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_the_openapi_schema_is_served_and_lists_the_routes():
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/me" in paths
    assert "/api/v1/reference/countries" in paths
    assert "/api/v1/reference/themes" in paths
    assert response.json()["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
