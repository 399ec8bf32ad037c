"""API create routes with ``idempotency_key``: a retry answers the original object; keys are per person."""

import json

import pytest

from pontis.actions.models import Action, Activity, Deliverable
from pontis.core.models import ActivityType, DeliverableType
from tests.factories import user_with_role

from .factories import make_action

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_an_action_create_retry_answers_the_same_action(api_client, officer):
    client = api_client(officer)
    data = {"countries": ["CV"], "themes": ["legal"], "code": "2031-07", "idempotency_key": "act-1"}

    first = post(client, "/api/v1/actions", data)
    retry = post(client, "/api/v1/actions", data)

    assert first.status_code == 201, first.content
    assert retry.status_code in (200, 201), retry.content
    assert retry.json()["code"] == first.json()["code"] == "2031-07"
    assert Action.objects.filter(code="2031-07").count() == 1


def test_an_activity_create_retry_answers_the_same_activity(api_client, officer):
    action = make_action(officer)
    client = api_client(officer)
    data = {"action": action.code, "type": ActivityType.objects.first().code, "title": {"en": "Workshop"},
            "idempotency_key": "activity-1"}

    first = post(client, "/api/v1/activities", data)
    retry = post(client, "/api/v1/activities", data)

    assert first.status_code == 201, first.content
    assert retry.status_code in (200, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert Activity.objects.filter(action=action).count() == 1


def test_a_deliverable_create_retry_answers_the_same_deliverable(api_client, officer):
    action = make_action(officer)
    client = api_client(officer)
    data = {"action": action.code, "type": DeliverableType.objects.first().code, "title": {"en": "Strategy"},
            "idempotency_key": "deliverable-1"}

    first = post(client, "/api/v1/deliverables", data)
    retry = post(client, "/api/v1/deliverables", data)

    assert first.status_code == 201, first.content
    assert retry.json()["id"] == first.json()["id"]
    assert Deliverable.objects.filter(action=action).count() == 1


def test_another_persons_key_never_answers_an_object_of_someone_else(api_client, officer):
    other = user_with_role("officer")
    mine, theirs = make_action(officer), make_action(officer)
    kind = ActivityType.objects.first().code

    a = post(api_client(officer), "/api/v1/activities",
             {"action": mine.code, "type": kind, "title": {"en": "Mine"}, "idempotency_key": "shared"})
    b = post(api_client(other), "/api/v1/activities",
             {"action": theirs.code, "type": kind, "title": {"en": "Theirs"}, "idempotency_key": "shared"})

    assert a.status_code == b.status_code == 201, (a.content, b.content)
    assert a.json()["id"] != b.json()["id"]
    assert Activity.objects.filter(action=theirs).count() == 1
