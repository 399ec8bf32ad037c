"""POST /api/v1/responses (no account) and POST /api/v1/questionnaires/{id}/invitations (staff)."""

import json
import secrets
import uuid

import pytest
from django.core.cache import cache

from pontis.core.models import OutboxEmail
from pontis.feedback.models import Invitation, Questionnaire, Response

from .test_responses_submit import GOOD, invite, make_questionnaire

pytestmark = pytest.mark.django_db
URL = "/api/v1/responses"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _post(client, body, url=URL):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_first_submission_answers_201_and_a_retry_200_with_the_same_response(client):
    invitation = invite(make_questionnaire())
    body = {"token": invitation.token, "client_id": str(uuid.uuid4()), "answers": GOOD, "language": "fr"}

    first = _post(client, body)
    retry = _post(client, body)

    assert first.status_code == 201
    data = first.json()
    assert data["questionnaire"] == invitation.questionnaire_id and data["version"] == 1
    assert data["answers"] == GOOD
    assert retry.status_code == 200 and retry.json() == data
    assert Response.objects.count() == 1 and Response.objects.get().channel == "api"


def test_the_same_client_id_on_a_qr_device_answers_200(client):
    questionnaire = make_questionnaire()
    questionnaire.open_key = secrets.token_urlsafe(32)
    questionnaire.save()
    body = {"open_key": questionnaire.open_key, "device_id": "phone-1", "client_id": str(uuid.uuid4()),
            "answers": GOOD}
    assert _post(client, body).status_code == 201
    assert _post(client, {**body, "device_id": "phone-1"}).status_code == 200
    assert Response.objects.count() == 1


def test_an_invalid_answer_answers_422_naming_the_question(client):
    invitation = invite(make_questionnaire())
    answer = _post(client, {"token": invitation.token, "client_id": str(uuid.uuid4()),
                            "answers": {**GOOD, "overall": 7}})
    assert answer.status_code == 422
    assert answer.json()["field"] == "overall" and list(answer.json()["errors"]) == ["overall"]
    assert Response.objects.count() == 0


def test_an_unknown_question_key_answers_422_naming_it(client):
    invitation = invite(make_questionnaire())
    answer = _post(client, {"token": invitation.token, "client_id": str(uuid.uuid4()),
                            "answers": {**GOOD, "mystery": 1}})
    assert answer.status_code == 422 and answer.json()["field"] == "mystery"


def test_an_unknown_token_answers_404(client):
    answer = _post(client, {"token": "nope", "client_id": str(uuid.uuid4()), "answers": GOOD})
    assert answer.status_code == 404 and Response.objects.count() == 0


def test_a_closed_questionnaire_answers_409(client):
    questionnaire = make_questionnaire()
    invitation = invite(questionnaire)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(status="closed")
    answer = _post(client, {"token": invitation.token, "client_id": str(uuid.uuid4()), "answers": GOOD})
    assert answer.status_code == 409 and Response.objects.count() == 0


def test_a_client_id_that_is_not_a_uuid_answers_422(client):
    invitation = invite(make_questionnaire())
    assert _post(client, {"token": invitation.token, "client_id": "x", "answers": GOOD}).status_code == 422


def test_a_bad_authorization_header_does_not_matter_to_the_open_route(client):
    invitation = invite(make_questionnaire())
    answer = client.post(URL, json.dumps({"token": invitation.token, "client_id": str(uuid.uuid4()),
                                          "answers": GOOD}), content_type="application/json",
                         HTTP_AUTHORIZATION="Bearer wrong")
    assert answer.status_code == 201


def test_retrying_one_link_in_a_loop_is_rate_limited(client):
    invitation = invite(make_questionnaire())
    body = {"token": invitation.token, "client_id": str(uuid.uuid4()), "answers": GOOD}
    statuses = [_post(client, body).status_code for _ in range(21)]
    assert statuses[:2] == [201, 200] and statuses[-1] == 429
    assert Response.objects.count() == 1


# ---------------------------------------------------------------- invitations


def test_staff_invite_people_and_get_their_personal_links(api_client, officer):
    questionnaire = make_questionnaire()
    c = api_client(officer)
    url = f"/api/v1/questionnaires/{questionnaire.pk}/invitations"
    body = {"people": [{"name": "Ana", "email": "Ana@Example.org", "language": "fr"},
                       {"name": "Bo", "email": "bo@example.org"}]}

    first = _post(c, body, url)
    again = _post(c, body, url)

    assert first.status_code == 200
    rows = first.json()
    assert [(r["name"], r["email"], r["language"], r["answered"]) for r in rows] == [
        ("Ana", "ana@example.org", "fr", False), ("Bo", "bo@example.org", "en", False)]
    token = Invitation.objects.get(email="ana@example.org").token
    assert rows[0]["link"].endswith(f"/feedback/r/{token}/")
    assert again.json() == rows
    assert Invitation.objects.count() == 2
    assert OutboxEmail.objects.filter(key__startswith="feedback-invitation-").count() == 2


@pytest.mark.parametrize("role", ["focal_point", "observer", "expert"])
def test_others_cannot_invite_and_nothing_changes(api_client, make_user, role):
    questionnaire = make_questionnaire()
    answer = _post(api_client(make_user(role)), {"people": [{"email": "x@example.org"}]},
                   f"/api/v1/questionnaires/{questionnaire.pk}/invitations")
    assert answer.status_code in (403, 404)
    assert Invitation.objects.count() == 0 and OutboxEmail.objects.count() == 0


def test_inviting_needs_an_account(client):
    questionnaire = make_questionnaire()
    answer = _post(client, {"people": [{"email": "x@example.org"}]},
                   f"/api/v1/questionnaires/{questionnaire.pk}/invitations")
    assert answer.status_code == 401 and Invitation.objects.count() == 0
