"""Registration over the API: public requests idempotent by e-mail, staff list, decisions and attendance."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pontis.core.models import Country
from pontis.events import services
from pontis.events.models import Attendance, Meeting, Registration
from pontis.events.tests.factories import make_meeting
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
S = Registration.Status
BODY = {"name": "Ana Petrova", "email": "ana@example.org", "gender": "woman", "institution": "Ministry",
        "country": "by", "position": "Head of unit", "language": "ru"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _meeting(mode="open", access="public", **extra):
    meeting = make_meeting(held=False, start=timezone.localdate() + datetime.timedelta(days=20))
    Meeting.objects.filter(pk=meeting.pk).update(registration=mode, access=access, **extra)
    meeting.refresh_from_db()
    return meeting


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_public_request_answers_201_then_200_with_the_same_registration():
    meeting = _meeting()
    client = Client()
    url = f"/api/v1/meetings/{meeting.pk}/registrations"

    first = _post(client, url, BODY)
    second = _post(client, url, {**BODY, "email": "ANA@example.org", "name": "Other"})

    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json() == second.json() == {"id": Registration.objects.get().pk, "meeting_id": meeting.pk,
                                             "status": "pending"}
    assert "token" not in first.content.decode()
    assert Registration.objects.get().name == "Ana Petrova"


def test_an_invitation_meeting_refuses_public_requests():
    meeting = _meeting(mode="invitation")

    response = _post(Client(), f"/api/v1/meetings/{meeting.pk}/registrations", BODY)

    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_an_invalid_request_answers_422_and_stores_nothing():
    meeting = _meeting()

    bad_gender = _post(Client(), f"/api/v1/meetings/{meeting.pk}/registrations", {**BODY, "gender": "x"})
    bad_country = _post(Client(), f"/api/v1/meetings/{meeting.pk}/registrations", {**BODY, "country": "ZZ"})

    assert bad_gender.status_code == 422 and bad_country.status_code == 422
    assert Registration.objects.count() == 0


def test_a_members_meeting_is_not_found_for_anonymous_callers():
    meeting = _meeting(access="members")

    assert _post(Client(), f"/api/v1/meetings/{meeting.pk}/registrations", BODY).status_code == 404


def test_staff_list_the_registrations_by_status(api_client, officer):
    meeting = _meeting()
    for email, status in (("a@example.org", S.APPROVED), ("b@example.org", S.PENDING)):
        registration, _ = services.registration_request(meeting=meeting, name=email, email=email, gender="man",
                                                        institution_name="Ministry",
                                                        country=Country.objects.get(code="BY"))
        Registration.objects.filter(pk=registration.pk).update(status=status)

    everyone = api_client(officer).get(f"/api/v1/meetings/{meeting.pk}/registrations")
    approved = api_client(officer).get(f"/api/v1/meetings/{meeting.pk}/registrations?status=approved")

    assert everyone.status_code == 200
    assert [r["email"] for r in everyone.json()["items"]] == ["a@example.org", "b@example.org"]
    assert [r["email"] for r in approved.json()["items"]] == ["a@example.org"]
    assert approved.json()["items"][0]["country"] == "BY"


@pytest.mark.parametrize("role", ["focal_point", "committee", "observer"])
def test_others_may_not_list_registrations(api_client, role):
    meeting = _meeting()

    assert api_client(user_with_role(role)).get(f"/api/v1/meetings/{meeting.pk}/registrations").status_code == 403
    assert Client().get(f"/api/v1/meetings/{meeting.pk}/registrations").status_code in (401, 403)


def test_decision_and_attendance(api_client, officer):
    meeting = _meeting(capacity=1)
    regs = []
    for email in ("a@example.org", "b@example.org"):
        registration, _ = services.registration_request(meeting=meeting, name=email, email=email, gender="woman",
                                                        institution_name="Ministry",
                                                        country=Country.objects.get(code="BY"))
        regs.append(registration)
    client = api_client(officer)

    a = _post(client, f"/api/v1/registrations/{regs[0].pk}/decision", {"decision": "approve"})
    b = _post(client, f"/api/v1/registrations/{regs[1].pk}/decision", {"decision": "approve"})
    day = meeting.start_date.isoformat()
    first = _post(client, f"/api/v1/registrations/{regs[0].pk}/attendance", {"day": day})
    again = _post(client, f"/api/v1/registrations/{regs[0].pk}/attendance", {"day": day})
    refused = _post(client, f"/api/v1/registrations/{regs[1].pk}/attendance", {"day": day})

    assert (a.status_code, a.json()["status"]) == (200, "approved")
    assert (b.status_code, b.json()["status"]) == (200, "waitlisted")
    assert (first.status_code, again.status_code, refused.status_code) == (201, 200, 409)
    assert first.json() == {"registration_id": regs[0].pk, "day": day, "method": "staff"}
    assert Attendance.objects.count() == 1


def test_an_illegal_decision_answers_409_and_others_403(api_client, officer):
    meeting = _meeting()
    registration, _ = services.registration_request(meeting=meeting, name="A", email="a@example.org", gender="woman",
                                                    institution_name="Ministry", country=Country.objects.get(code="BY"))
    Registration.objects.filter(pk=registration.pk).update(status=S.REJECTED)

    illegal = _post(api_client(officer), f"/api/v1/registrations/{registration.pk}/decision", {"decision": "approve"})
    other = _post(api_client(user_with_role("focal_point")), f"/api/v1/registrations/{registration.pk}/decision",
                  {"decision": "approve"})

    assert illegal.status_code == 409 and other.status_code == 403
    assert Registration.objects.get(pk=registration.pk).status == S.REJECTED
