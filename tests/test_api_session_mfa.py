"""The API's session authentication asks staff for two-factor sign-in exactly as the pages do."""

import pytest
from django.test import override_settings

from pontis.accounts import services
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/events"])
@pytest.mark.parametrize("role", ["admin", "officer", "committee"])
def test_a_staff_session_without_totp_is_refused_by_the_api(client, role, path):
    client.force_login(user_with_role(role, mfa=False))

    response = client.get(path)

    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_a_staff_session_without_totp_cannot_write_through_the_api(client):
    client.force_login(user_with_role("officer", mfa=False))

    response = client.post("/api/v1/actions", {}, content_type="application/json")

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["admin", "officer", "committee"])
def test_a_staff_session_with_totp_is_answered(client, role):
    person = user_with_role(role)
    client.force_login(person)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["email"] == person.email


def test_a_role_without_the_mfa_requirement_uses_the_api_from_its_session(client):
    client.force_login(user_with_role("expert"))

    assert client.get("/api/v1/me").status_code == 200


@override_settings(PONTIS_RELAX_MFA=True)
def test_the_demo_relaxation_applies_to_the_api_as_to_the_pages(client):
    client.force_login(user_with_role("officer", mfa=False))

    assert client.get("/api/v1/me").status_code == 200


def test_a_bearer_token_is_unaffected(client):
    officer = user_with_role("officer", mfa=False)
    _token, raw = services.api_token_issue(user=officer, name="script")

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
