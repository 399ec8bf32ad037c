import datetime
import json

import pytest
from django.utils import timezone

from pontis.actions.models import Action
from tests.queries import assert_flat, count_queries

from .factories import agreed_action, make_action

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_list_paginated_and_filtered(api_client, officer):
    for _i in range(3):
        make_action(officer, countries=("PE",))
    make_action(officer, countries=("CV",))
    client = api_client(officer)
    body = client.get("/api/v1/actions?limit=2&offset=0").json()
    assert body["count"] == 4 and len(body["items"]) == 2
    body = client.get("/api/v1/actions?country=CV").json()
    assert body["count"] == 1 and body["items"][0]["countries"] == ["CV"]
    small, _response = count_queries(lambda: client.get("/api/v1/actions?limit=20"))
    for _i in range(20):
        make_action(officer, countries=("PE",))
    large, response = count_queries(lambda: client.get("/api/v1/actions?limit=20"))
    assert len(response.json()["items"]) == 20
    assert_flat(small, large)


def test_focal_point_sees_only_own(api_client, officer, focal_point, institution):
    mine = agreed_action(officer, focal_point, institution)
    other = make_action(officer)
    client = api_client(focal_point)
    assert [a["code"] for a in client.get("/api/v1/actions").json()["items"]] == [mine.code]
    assert client.get(f"/api/v1/actions/{other.code}").status_code == 404


def test_create_update_and_refusal(api_client, officer, focal_point):
    client = api_client(officer)
    response = post(client, "/api/v1/actions", {"countries": ["PE"], "themes": ["legal"], "code": "2019-44"})
    assert response.status_code == 201 and response.json()["code"] == "2019-44"
    bad = post(client, "/api/v1/actions", {"countries": ["XX"], "themes": ["legal"]})
    assert bad.status_code == 422
    patched = client.patch("/api/v1/actions/2019-44", json.dumps({"title": {"en": "Peru X"}}), content_type="application/json")
    assert patched.json()["title"] == {"en": "Peru X"}
    refused = post(api_client(focal_point), "/api/v1/actions", {"countries": ["PE"], "themes": ["legal"]})
    assert refused.status_code == 403
    assert Action.objects.count() == 1


def test_transitions_and_409(api_client, officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    client = api_client(officer)
    activity_id = client.get(f"/api/v1/activities?action={action.code}").json()["items"][0]["id"]
    illegal = post(client, f"/api/v1/activities/{activity_id}/deliver", {"delivered_on": timezone.localdate().isoformat()})
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal_transition"
    assert post(client, f"/api/v1/activities/{activity_id}/confirm").json()["status"] == "confirmed"
    started = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    client.patch(f"/api/v1/activities/{activity_id}", json.dumps({"start_date": started}), content_type="application/json")
    assert post(client, f"/api/v1/activities/{activity_id}/deliver", {"delivered_on": started}).json()["status"] == "delivered"
    report = post(client, f"/api/v1/activities/{activity_id}/report",
                  {"report": "Good", "participants_women": 5, "participants_men": 6,
                   "participants_by_institution": [{"institution": "MOI", "count": 11}]})
    assert report.json()["status"] == "reported"
    assert client.get(f"/api/v1/actions/{action.code}").json()["launched_on"] is not None
    denied = post(api_client(focal_point), f"/api/v1/activities/{activity_id}/cancel", {"reason": "x"})
    assert denied.status_code == 403


def test_deliverables_api(api_client, officer):
    action = make_action(officer)
    client = api_client(officer)
    created = post(client, "/api/v1/deliverables", {"action": action.code, "type": "guidelines", "title": {"en": "Guidelines"}})
    assert created.status_code == 201
    pk = created.json()["id"]
    assert post(client, f"/api/v1/deliverables/{pk}/endorse").status_code == 409
    assert post(client, f"/api/v1/deliverables/{pk}/validate").json()["status"] == "validated"
    assert post(client, f"/api/v1/deliverables/{pk}/endorse").status_code == 422
    done = post(client, f"/api/v1/deliverables/{pk}/endorse", {"evidence": "Approved by Supreme Decree N° 008-2018-IN"})
    assert done.json()["status"] == "endorsed"
    assert client.get(f"/api/v1/deliverables?action={action.code}&status=endorsed").json()["count"] == 1


def test_openapi_documents_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/actions", "/api/v1/actions/{code}/cancel", "/api/v1/activities/{pk}/confirm",
                 "/api/v1/deliverables/{pk}/adopt"):
        assert path in paths
