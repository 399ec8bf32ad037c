"""The questionnaires API: staff only, questions in the requested language, idempotent creation from a template."""

import pytest
from django.test import Client

from pontis.actions.tests.factories import make_action
from pontis.feedback.models import Questionnaire
from pontis.feedback.services import builder
from tests.factories import user_with_role

from .builder_factories import complete

pytestmark = pytest.mark.django_db


def test_without_credentials_401(db):
    assert Client().get("/api/v1/questionnaires").status_code == 401


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_non_staff_get_403(api_client, officer, role):
    q = complete(officer)
    client = api_client(user_with_role(role))
    assert client.get("/api/v1/questionnaires").status_code == 403
    assert client.get(f"/api/v1/questionnaires/{q.pk}").status_code == 403
    response = client.post("/api/v1/questionnaires", {"template": "participant"}, content_type="application/json")
    assert response.status_code == 403
    assert Questionnaire.objects.count() == 1


def test_staff_list_with_filters(api_client, officer):
    opened = complete(officer)
    builder.questionnaire_launch(questionnaire=opened, by=officer)
    complete(officer)
    client = api_client(officer)
    body = client.get("/api/v1/questionnaires", {"status": "open"}).json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == opened.pk and body["items"][0]["current_version"] == 1
    assert client.get("/api/v1/questionnaires").json()["count"] == 2
    assert client.get("/api/v1/questionnaires", {"target": "action"}).json()["count"] == 0


def test_detail_in_the_requested_language_with_fallback(api_client, officer):
    q = complete(officer, langs=("en", "fr", "ru"))
    builder.question_update(question=q.questions.get(key="overall"), by=officer, text={"en": "Overall?", "fr": "Global ?"})
    builder.questionnaire_update(questionnaire=q, by=officer, show_fallback=True)
    builder.questionnaire_launch(questionnaire=q, by=officer)
    client = api_client(officer)
    body = client.get(f"/api/v1/questionnaires/{q.pk}", {"lang": "ru"}).json()
    version = body["version"]
    assert version["number"] == 1 and version["language"] == "ru" and version["fallback_languages"] == ["ru"]
    assert version["questions"][0] == {
        "key": "overall", "type": "rating", "text": "Overall?", "help": "", "required": True,
        "criterion": "relevance", "level": "reaction", "pair": "", "phase": "", "choices": [], "fallback": "en"}
    assert version["questions"][1]["choices"][0] == {"value": "yes", "label": "Yes [ru]", "fallback": None}
    by_header = client.get(f"/api/v1/questionnaires/{q.pk}", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert by_header["version"]["language"] == "fr" and by_header["version"]["title"] == "Feedback [fr]"


def test_detail_of_a_draft_has_no_version(api_client, officer):
    q = complete(officer)
    body = api_client(officer).get(f"/api/v1/questionnaires/{q.pk}").json()
    assert body["status"] == "draft" and body["version"] is None


def test_create_from_a_template_for_an_action_is_idempotent(api_client, officer):
    action = make_action(officer)
    client = api_client(officer)
    payload = {"template": "partner", "action": action.code, "idempotency_key": "once-1"}
    first = client.post("/api/v1/questionnaires", payload, content_type="application/json")
    second = client.post("/api/v1/questionnaires", payload, content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    created = Questionnaire.objects.get(is_template=False)
    assert created.action == action and created.purpose == "partner" and created.anonymity == "named"
    assert first.json()["target"] == {"activity": None, "action": action.code, "meeting": None, "follow_up": None}


def test_create_with_an_unknown_template_or_target_is_422(api_client, officer):
    client = api_client(officer)
    response = client.post("/api/v1/questionnaires", {"template": "nope"}, content_type="application/json")
    assert response.status_code == 422
    response = client.post("/api/v1/questionnaires", {"title": {"en": "X"}, "activity": 999999},
                           content_type="application/json")
    assert response.status_code == 422
    response = client.post("/api/v1/questionnaires", {}, content_type="application/json")
    assert response.status_code == 422
    assert Questionnaire.objects.filter(is_template=False).count() == 0


def test_list_query_count_is_flat(api_client, officer):
    from tests.queries import assert_flat, count_queries

    client = api_client(officer)
    complete(officer)
    small, _response = count_queries(lambda: client.get("/api/v1/questionnaires"))
    action = make_action(officer)
    for _ in range(5):
        q = complete(officer, action=action)
        builder.questionnaire_launch(questionnaire=q, by=officer)
    large, response = count_queries(lambda: client.get("/api/v1/questionnaires"))
    assert response.json()["count"] == 6
    assert_flat(small, large)
