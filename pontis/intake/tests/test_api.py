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
    # One transition mechanism (core.workflow) answers one code for a move its table refuses.
    assert response.json()["code"] == "illegal_transition"
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


LETTER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_endorsement_letter_attach_download_and_remove(api_client, make_request, focal_point):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pontis.core.models import AuditEvent

    request = make_request("draft")
    client = api_client(focal_point)
    url = f"/api/v1/requests/{request.pk}/endorsement-letter"
    attached = client.post(url, {"file": SimpleUploadedFile("carta.pdf", LETTER, content_type="application/pdf")})
    assert attached.status_code == 200 and attached.json()["has_endorsement_letter"] is True
    assert AuditEvent.objects.filter(object_id=str(request.pk), note="endorsement letter attached").exists()
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == LETTER
    assert download["Content-Disposition"] == f'attachment; filename="letter-{request.pk}.pdf"'  # not the uploaded name
    removed = client.delete(url)
    assert removed.status_code == 200 and removed.json()["has_endorsement_letter"] is False
    assert client.get(url).status_code == 404


def test_endorsement_letter_is_checked_by_content_and_refused_after_submission(api_client, make_request, focal_point):
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = make_request("draft")
    client = api_client(focal_point)
    url = f"/api/v1/requests/{request.pk}/endorsement-letter"
    fake = client.post(url, {"file": SimpleUploadedFile("carta.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")})
    assert fake.status_code == 422 and fake.json()["detail"]
    request.refresh_from_db()
    assert not request.endorsement_letter
    submitted = make_request("submitted")
    late = client.post(f"/api/v1/requests/{submitted.pk}/endorsement-letter",
                       {"file": SimpleUploadedFile("carta.pdf", LETTER, content_type="application/pdf")})
    assert late.status_code == 409


def test_endorsement_letter_routes_deny_other_people(api_client, make_request, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import InstitutionFactory

    request = make_request("draft")
    stranger = user_with_role("focal_point", institution=InstitutionFactory())
    url = f"/api/v1/requests/{request.pk}/endorsement-letter"
    letter = SimpleUploadedFile("carta.pdf", LETTER, content_type="application/pdf")
    assert api_client(stranger).post(url, {"file": letter}).status_code == 404
    assert api_client(officer).post(url, {"file": letter}).status_code == 404  # staff do not see drafts
    assert api_client(stranger).get(url).status_code == 404
    submitted = make_request("submitted")
    refused = api_client(officer).post(f"/api/v1/requests/{submitted.pk}/endorsement-letter",
                                       {"file": SimpleUploadedFile("c.pdf", LETTER)})
    assert refused.status_code == 403  # staff see it, but only the requester changes the endorsement
