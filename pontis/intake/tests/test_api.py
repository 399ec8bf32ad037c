"""API tests: list with limit/offset and filters, detail, create (idempotent), update, transitions, 403/404/409/422."""

import uuid

import pytest

from pontis.intake.models import Request
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def payload(institution, **extra):
    data = {"title": "Asylum case management", "language": "fr", "institutions": [institution.pk], "countries": ["CV"],
            "themes": ["protection"], "problem": "Backlog", "objectives": "Procedures",
            "endorsement_official_name": "J. Tavares", "endorsement_official_position": "Minister"}
    data.update(extra)
    return data


def test_create_is_idempotent_and_submit(api_client, focal_point, institution):
    client = api_client(focal_point)
    token = str(uuid.uuid4())
    first = client.post("/api/v1/requests", payload(institution, client_token=token), content_type="application/json")
    second = client.post("/api/v1/requests", payload(institution, client_token=token), content_type="application/json")
    assert first.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Request.objects.count() == 1
    response = client.post(f"/api/v1/requests/{first.json()['id']}/submit")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"


def test_create_with_unknown_country_is_422(api_client, focal_point, institution):
    response = api_client(focal_point).post("/api/v1/requests", payload(institution, countries=["XX"]),
                                            content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "countries"
    assert Request.objects.count() == 0


def test_create_refused_to_officer(api_client, officer, institution):
    response = api_client(officer).post("/api/v1/requests", payload(institution), content_type="application/json")
    assert response.status_code == 403
    assert Request.objects.count() == 0


def test_update_draft(api_client, make_request, focal_point):
    request = make_request("draft")
    response = api_client(focal_point).patch(f"/api/v1/requests/{request.pk}", {"preferred_timing": "Q3"},
                                             content_type="application/json")
    assert response.status_code == 200
    assert response.json()["preferred_timing"] == "Q3"


def test_submit_incomplete_is_422_with_errors(api_client, focal_point):
    client = api_client(focal_point)
    created = client.post("/api/v1/requests", {"title": "x"}, content_type="application/json").json()
    response = client.post(f"/api/v1/requests/{created['id']}/submit")
    assert response.status_code == 422
    assert "endorsement" in response.json()["errors"]


def test_illegal_transition_is_409_and_changes_nothing(api_client, make_request, officer):
    request = make_request("forwarded")
    response = api_client(officer).post(f"/api/v1/requests/{request.pk}/request-info", {"question": "?"},
                                        content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "IllegalTransition"
    assert Request.objects.get(pk=request.pk).status == "forwarded"


def test_forbidden_transition_is_403(api_client, make_request, officer):
    request = make_request("forwarded")
    response = api_client(officer).post(f"/api/v1/requests/{request.pk}/defer", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert Request.objects.get(pk=request.pk).status == "forwarded"


def test_invisible_request_is_404(api_client, make_request, committee_member, observer):
    request = make_request("submitted")
    assert api_client(committee_member).get(f"/api/v1/requests/{request.pk}").status_code == 404
    assert api_client(observer).get(f"/api/v1/requests/{request.pk}").status_code == 404


def test_screening_and_decision_over_the_api(api_client, make_request, officer, committee_member):
    request = make_request("submitted")
    staff, committee = api_client(officer), api_client(committee_member)
    assert staff.post(f"/api/v1/requests/{request.pk}/forward", {}, content_type="application/json").json()["status"] == "forwarded"
    response = committee.post(f"/api/v1/requests/{request.pk}/reject", {"reason": "Out of mandate"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"


def test_list_paginates_and_filters(api_client, make_request, officer):
    for _ in range(3):
        make_request("submitted")
    make_request("forwarded")
    client = api_client(officer)
    response = client.get("/api/v1/requests?limit=2&offset=0")
    assert response.json()["count"] == 4
    assert len(response.json()["items"]) == 2
    assert client.get("/api/v1/requests?status=forwarded").json()["count"] == 1
    assert client.get("/api/v1/requests?country=CV&theme=legal").json()["count"] == 4
    assert client.get("/api/v1/requests?country=PE").json()["count"] == 0


def test_list_for_observer_is_empty(api_client, make_request, observer):
    make_request("submitted")
    assert api_client(observer).get("/api/v1/requests").json() == {"items": [], "count": 0}


def test_eligibility_hidden_from_requester(api_client, make_request, focal_point):
    request = make_request("submitted")
    body = api_client(focal_point).get(f"/api/v1/requests/{request.pk}").json()
    assert body["eligible"] is None
    assert body["eligibility"] == []
    stranger = user_with_role("focal_point")
    assert api_client(stranger).get(f"/api/v1/requests/{request.pk}").status_code == 404
