"""Answering questionnaires over the API, and inviting people (mounted under /api/v1/ by config/api.py).

``POST /api/v1/responses`` needs no account: the personal token (or the QR code's open key and a device id) is the
access. It is the route a survey tool or a mobile app integrates with; the web form uses the same service.
"""


import datetime
import uuid
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from pontis.actions.models import Activity
from pontis.core.api_helpers import IdPath, Text
from pontis.core.http import client_ip
from pontis.core.once import IdempotentIn
from pontis.core.permissions import get_visible_or_404

from .models import Response
from .selectors.responses import questionnaire_for_staff, response_with_answers
from .services import invitations as invitation_services
from .services import responses as response_services

router = Router(tags=["feedback"])


class ResponseIn(Schema):
    token: Text(64) | None = Field(None, description="The personal link's token (the last part of /feedback/r/…/).")
    open_key: Text(64) | None = Field(None, description="A QR code's open key (the last part of /feedback/a/…/).")
    device_id: Text(200) | None = Field(None, description="With open_key: an id the device keeps (one response per "
                                                          "device).")
    client_id: uuid.UUID = Field(description="Generated once per filling-in and sent again with every retry.")
    answers: dict[Text(60), Any] = Field(description="Question key to value: 1-5 for ratings and knowledge, a choice "
                                                     "value, a list of choice values, or text.")
    language: Text(10) = ""


class ResponseOut(Schema):
    id: int
    questionnaire: int
    version: int
    submitted_at: datetime.datetime
    answers: dict[str, Any]


def _out(response: Response) -> dict:
    return {"id": response.pk, "questionnaire": response.questionnaire_id, "version": response.version.number,
            "submitted_at": response.submitted_at, "answers": response_services.response_answers(response)}


@router.post("/responses", auth=None, response={200: ResponseOut, 201: ResponseOut},
             summary="Submit a response (no account): 201 the first time, 200 with the same response again")
def response_submit(request, payload: ResponseIn):
    address = client_ip(request) or "unknown"
    if response_services.throttled("unknown-link", address, limit=response_services.UNKNOWN_LINKS_PER_ADDRESS,
                                   window=600, hit=False):
        raise HttpError(429, _("Too many attempts. Please try again later."))
    ident = payload.token or f"{payload.open_key}:{payload.device_id}"
    if response_services.throttled("submit", ident, limit=response_services.SUBMISSIONS_PER_LINK, window=60):
        raise HttpError(429, _("Too many attempts. Please try again later."))
    try:
        response, created = response_services.response_submit(
            token=payload.token, open_key=payload.open_key, device_key=payload.device_id,
            client_id=payload.client_id, answers=payload.answers, language=payload.language,
            channel=Response.Channel.API)
    except response_services.UnknownLink:
        response_services.throttled("unknown-link", address, limit=response_services.UNKNOWN_LINKS_PER_ADDRESS,
                                    window=600)
        raise
    if not created:
        response = response_with_answers(response.pk)
    return Status(201 if created else 200, _out(response))


class PersonIn(Schema):
    name: Text(200) = ""
    email: Text(254)
    language: Text(10) = ""
    user_id: int | None = Field(None, ge=1, le=2**63 - 1)


class InvitationsIn(IdempotentIn):
    people: list[PersonIn] = Field(default_factory=list, max_length=2000)
    activity: int | None = Field(None, ge=1, le=2**63 - 1, description="Invite every approved participant of the "
                                                                        "meeting of this activity.")


class InvitationOut(Schema):
    id: int
    name: str
    email: str
    language: str
    link: str
    sent_at: datetime.datetime | None
    answered: bool


@router.post("/questionnaires/{questionnaire_id}/invitations", response={200: list[InvitationOut]},
             summary="Invite people (or every approved participant of an activity): their personal links")
def invitations_create(request, questionnaire_id: IdPath, payload: InvitationsIn):
    questionnaire = questionnaire_for_staff(request.user, questionnaire_id)
    activity = None
    if payload.activity is not None:
        activity = get_visible_or_404(request.user, Activity, pk=payload.activity)
    invitations = invitation_services.invitations_create(
        questionnaire=questionnaire, by=request.user, people=[p.dict() for p in payload.people], activity=activity,
        key=payload.idempotency_key)
    return Status(200, [{"id": i.pk, "name": i.name, "email": i.email, "language": i.language,
                  "link": invitation_services.absolute(invitation_services.personal_link(i)), "sent_at": i.sent_at,
                  "answered": i.answered_at is not None} for i in invitations])

