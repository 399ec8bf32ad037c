"""Request notes: a double-submitted note form, or an API retry with the same key, adds one note."""

import json

import pytest
from django.urls import reverse

from pontis.intake.models import Comment

pytestmark = pytest.mark.django_db


def test_the_note_form_carries_a_one_time_token(client, make_request, officer):
    request = make_request("submitted")
    client.force_login(officer)

    page = client.get(reverse("intake:detail", args=[request.pk])).content.decode()

    form = page.split(reverse("intake:note", args=[request.pk]))[1].split("</form>")[0]
    assert 'name="idempotency_key"' in form


def test_a_double_submitted_note_is_added_once(client, make_request, officer):
    request = make_request("submitted")
    client.force_login(officer)
    data = {"body": "Check with the delegation", "idempotency_key": "k-note"}

    first = client.post(reverse("intake:note", args=[request.pk]), data)
    second = client.post(reverse("intake:note", args=[request.pk]), data)

    assert Comment.objects.filter(request=request, kind="note").count() == 1
    assert first["Location"] == second["Location"] == reverse("intake:detail", args=[request.pk])


def test_two_notes_with_two_tokens_are_two_notes(client, make_request, officer):
    request = make_request("submitted")
    client.force_login(officer)

    client.post(reverse("intake:note", args=[request.pk]), {"body": "One", "idempotency_key": "k1"})
    client.post(reverse("intake:note", args=[request.pk]), {"body": "Two", "idempotency_key": "k2"})

    assert Comment.objects.filter(request=request, kind="note").count() == 2


def test_an_api_retry_with_the_same_key_answers_the_same_note(api_client, make_request, officer):
    request = make_request("submitted")
    client = api_client(officer)
    body = json.dumps({"body": "Check with the delegation", "idempotency_key": "retry-1"})

    first = client.post(f"/api/v1/requests/{request.pk}/notes", body, content_type="application/json")
    retry = client.post(f"/api/v1/requests/{request.pk}/notes", body, content_type="application/json")

    assert first.status_code == 201, first.content
    assert retry.status_code in (200, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert Comment.objects.filter(request=request, kind="note").count() == 1


@pytest.mark.parametrize("field", ["idempotency_key", "client_token"])
def test_an_api_create_retry_after_submission_answers_the_submitted_request(api_client, focal_point, institution, field):
    import uuid

    from pontis.intake.models import Request
    from pontis.intake.tests.test_api import payload

    client = api_client(focal_point)
    body = payload(institution, **{field: str(uuid.uuid4())})
    first = client.post("/api/v1/requests", body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert client.post(f"/api/v1/requests/{first.json()['id']}/submit").status_code == 200

    retry = client.post("/api/v1/requests", body, content_type="application/json")

    assert retry.status_code in (200, 201), retry.content
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["status"] == "submitted"
    assert Request.objects.count() == 1
