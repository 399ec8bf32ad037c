"""Registration over the API (mounted under /api/v1/ by config/api.py). Same services as the pages:

- ``GET /meetings/{id}/registrations`` (staff): the meeting's registrations, oldest first, filterable by status;
- ``POST /meetings/{id}/registrations`` (anyone, for a meeting with open registration): ask to register; the same
  e-mail again answers 200 with the first registration and stores nothing (201 the first time);
- ``POST /registrations/{id}/decision`` (staff): approve, wait-list or reject (an approval beyond the places
  wait-lists: the answer's ``status`` says which);
- ``POST /registrations/{id}/attendance`` (staff): check an approved participant in on a day (201, or 200 when
  already checked in that day; 409 for a registration that is not approved).

A visitor's answer never holds the personal link: it is e-mailed to the address given.
"""


import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.core.api_helpers import Code, IdPath, LazyRows, Paging, Text
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.permissions import can

from . import services
from .models import Meeting, Registration
from .selectors import registration as selectors
from .views_registration import rate_limited
from .visitor import registration_ids

router = Router(tags=["meetings"], auth=optional_auth())


class RegistrationIn(Schema):
    name: Text(200)
    email: Text(254)
    gender: Registration.Gender
    institution: Text(300)
    country: Code = Field(..., description="ISO 3166 alpha-2 code, e.g. BY")
    position: Text(200) = ""
    language: Literal["", "en", "fr", "es", "pt", "ru"] = ""


class RegistrationReceipt(Schema):
    id: int
    meeting_id: int
    status: str


class RegistrationOut(Schema):
    id: int
    meeting_id: int
    name: str
    email: str
    gender: str
    institution: str
    country: str
    position: str
    language: str
    status: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    days_present: list[datetime.date]


class RegistrationFilters(Schema):
    status: Registration.Status | None = None


class DecisionIn(Schema):
    # Checked by the service (after the permission check, so a refusal never depends on the body).
    decision: Text(20) = Field(..., description="approve, waitlist or reject")
    note: Text(2000) = ""


class AttendanceIn(Schema):
    day: datetime.date


class AttendanceOut(Schema):
    registration_id: int
    day: datetime.date
    method: str


def _registration(r: Registration) -> dict:
    return {"id": r.pk, "meeting_id": r.meeting_id, "name": r.name, "email": r.email, "gender": r.gender,
            "institution": r.institution_name, "country": r.country.code, "position": r.position,
            "language": r.language, "status": r.status, "requested_at": r.requested_at, "decided_at": r.decided_at,
            "days_present": [a.day for a in r.attendance.all()]}


def _staff(request, verb, obj=Registration):
    if not can(request.user, verb, obj):
        raise NotAllowed()


def _meeting(request, meeting_id) -> Meeting:
    return selectors.meeting_by_id_for_registration(request.user, meeting_id, registration_ids(request))


@router.get("/meetings/{meeting_id}/registrations", response=list[RegistrationOut],
            summary="The meeting's registrations, oldest first (staff)")
@paginate(Paging)
def registrations_list(request, meeting_id: IdPath, filters: Query[RegistrationFilters]):
    _staff(request, "manage")
    meeting = selectors.meeting_by_id_for_staff(request.user, meeting_id)
    return LazyRows(selectors.registrations_for(request.user, meeting, status=filters.status or ""), _registration)


@router.post("/meetings/{meeting_id}/registrations", response={200: RegistrationReceipt, 201: RegistrationReceipt},
             summary="Ask to register for a meeting with open registration (no account needed; the same e-mail "
                     "again answers the first registration)", openapi_extra=OPTIONAL_AUTH)
def registration_create(request, meeting_id: IdPath, payload: RegistrationIn):
    meeting = _meeting(request, meeting_id)
    if meeting.registration != Meeting.Registration.OPEN:
        raise NotAllowed(_("This meeting does not take registrations from the public."))
    country = selectors.country_by_code(payload.country)
    if country is None:
        raise ValidationFailed(_("Choose your country."), field="country", errors={"country": [_("Choose your country.")]})
    if rate_limited(request, "register"):
        raise NotAllowed(_("Too many registrations from your network in the last hour. Please try again later."))
    registration, created = services.registration_request(
        meeting=meeting, by=request.user, name=payload.name, email=payload.email, gender=payload.gender,
        institution_name=payload.institution, country=country, position=payload.position,
        language=payload.language)
    body = {"id": registration.pk, "meeting_id": meeting.pk, "status": registration.status}
    return Status(201 if created else 200, body)


@router.post("/registrations/{registration_id}/decision", response=RegistrationOut,
             summary="Approve, wait-list or reject a registration (staff)")
def registration_decision(request, registration_id: IdPath, payload: DecisionIn):
    _staff(request, "decide")
    registration = selectors.registration_by_id(request.user, registration_id)
    services.registration_decide(registration=registration, by=request.user, decision=payload.decision,
                                 note=payload.note)
    return _registration(selectors.registration_by_id(request.user, registration_id))


@router.post("/registrations/{registration_id}/attendance", response={200: AttendanceOut, 201: AttendanceOut},
             summary="Check an approved participant in on a day of the meeting (staff)")
def registration_attendance(request, registration_id: IdPath, payload: AttendanceIn):
    _staff(request, "check_in")
    registration = selectors.registration_by_id(request.user, registration_id)
    attendance, created = services.attendance_check_in(registration=registration, day=payload.day, by=request.user)
    return Status(201 if created else 200, {"registration_id": registration.pk, "day": attendance.day,
                                            "method": attendance.method})

