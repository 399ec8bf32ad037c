"""The requests API: list, detail, create, update, and one POST route per move (409 on an illegal move)."""

import datetime
import uuid

from django.http import Http404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pontis.accounts.models import Institution
from pontis.core.api_helpers import Code, Id, IdPath, LazyRows, LongText, Paging, by_codes, model_choice, model_text
from pontis.core.i18n import translate
from pontis.core.models import Country, ThematicArea, Topic
from pontis.core.once import IdempotentIn
from pontis.core.permissions import can, get_visible_or_404

from . import selectors, services
from .eligibility import eligibility_messages
from .models import Request
from .views import letter_response

router = Router(tags=["requests"])


class RequestOut(Schema):
    id: int
    title: dict
    title_text: str
    language: str
    status: str
    status_label: str
    institutions: list[int]
    countries: list[str]
    themes: list[str]
    topics: list[str]
    problem: str
    objectives: str
    target_groups: str
    preferred_timing: str
    other_actors: str
    has_endorsement_letter: bool
    endorsement_official_name: str
    endorsement_official_position: str
    submitted_at: datetime.datetime | None
    days_elapsed: int | None
    eligible: bool | None = None
    eligibility: list[str] = []
    action_code: str | None = None


def _out(request: Request, user) -> dict:
    internal = can(user, "see_internal", request)
    return {
        "id": request.pk,
        "title": request.title or {},
        "title_text": str(translate(request.title)),
        "language": request.language,
        "status": request.status,
        "status_label": str(request.get_status_display()),
        "institutions": sorted(i.pk for i in request.institutions.all()),
        "countries": sorted(c.code for c in request.countries.all()),
        "themes": sorted(t.code for t in request.themes.all()),
        "topics": sorted(t.code for t in request.topics.all()),
        "problem": request.problem,
        "objectives": request.objectives,
        "target_groups": request.target_groups,
        "preferred_timing": request.preferred_timing,
        "other_actors": request.other_actors,
        "has_endorsement_letter": bool(request.endorsement_letter),
        "endorsement_official_name": request.endorsement_official_name,
        "endorsement_official_position": request.endorsement_official_position,
        "submitted_at": request.submitted_at,
        "days_elapsed": request.days_elapsed(),
        "eligible": request.eligible if internal else None,
        "eligibility": [text for _ok, text in eligibility_messages(request)] if internal and request.eligibility else [],
        # The reverse side of Action.source_request (actions depends on intake; intake names no actions code).
        "action_code": getattr(getattr(request, "action", None), "code", None),
    }


class RequestIn(Schema):
    # Leave a field out to keep it; the texts may be emptied with "" but not with null (their columns are not null).
    title: model_text(Request, "title") = Field(None, description="The title, in `language`.")
    language: model_choice(Request, "language") = None
    institutions: list[Id] | None = Field(None, description="Institution ids; include your own.")
    countries: list[Code] | None = Field(None, description="ISO 3166-1 alpha-2 codes.")
    themes: list[Code] | None = Field(None, description="Thematic area codes.")
    topics: list[Code] | None = Field(None, description="Topic codes (of the chosen themes).")
    problem: model_text(Request, "problem") = None
    objectives: model_text(Request, "objectives") = None
    target_groups: model_text(Request, "target_groups") = None
    preferred_timing: model_text(Request, "preferred_timing") = None
    other_actors: model_text(Request, "other_actors") = None
    endorsement_official_name: model_text(Request, "endorsement_official_name") = None
    endorsement_official_position: model_text(Request, "endorsement_official_position") = None


class RequestCreateIn(RequestIn, IdempotentIn):
    client_token: uuid.UUID | None = Field(None, description="The former name of `idempotency_key` (a UUID); still accepted.")


class Filters(Schema):
    status: Code = ""
    country: Code = ""
    theme: Code = ""


class ReasonIn(Schema):
    reason: LongText = ""


class QuestionIn(Schema):
    question: LongText


class AnswerIn(Schema):
    answer: LongText


class ForwardIn(Schema):
    justification: LongText = ""


class NoteIn(IdempotentIn):
    body: LongText


class NoteOut(Schema):
    id: int
    kind: str
    body: str
    created_at: datetime.datetime


def _data(payload: RequestIn) -> dict:
    raw = payload.dict(exclude_unset=True)
    raw.pop("client_token", None)
    raw.pop("idempotency_key", None)
    data = {k: v for k, v in raw.items() if k not in ("institutions", "countries", "themes", "topics")}
    if raw.get("countries") is not None:
        data["countries"] = by_codes(Country, raw["countries"], field="countries")
    if raw.get("themes") is not None:
        data["themes"] = by_codes(ThematicArea, raw["themes"], field="themes")
    if raw.get("topics") is not None:
        data["topics"] = by_codes(Topic, raw["topics"], field="topics")
    if raw.get("institutions") is not None:
        data["institutions"] = by_codes(Institution, raw["institutions"], field="institutions", key="pk")
    return data


def _get(request, pk):
    return get_visible_or_404(request.user, selectors.request_detail_queryset(), pk=pk)


@router.get("/requests", response=list[RequestOut], summary="Requests I may see (filter by status, country, theme)")
@paginate(Paging)
def request_list(request, filters: Query[Filters]):
    qs = selectors.requests_visible_to(request.user, status=filters.status, country=filters.country, theme=filters.theme)
    return LazyRows(qs, lambda row: _out(row, request.user))


@router.get("/requests/{pk}", response=RequestOut, summary="One request")
def request_detail(request, pk: IdPath):
    return _out(_get(request, pk), request.user)


@router.post("/requests", response={201: RequestOut}, summary="Create a draft request (partner focal points)")
def request_create(request, payload: RequestCreateIn):
    obj = services.request_create(by=request.user, data=_data(payload), idempotency_key=payload.idempotency_key,
                                  client_token=payload.client_token)
    return Status(201, _out(_get(request, obj.pk), request.user))


@router.patch("/requests/{pk}", response=RequestOut, summary="Change a draft (or a request awaiting information)")
def request_update(request, pk: IdPath, payload: RequestIn):
    obj = _get(request, pk)
    services.request_save_draft(by=request.user, data=_data(payload), request=obj)
    return _out(_get(request, pk), request.user)


@router.post("/requests/{pk}/endorsement-letter", response=RequestOut,
             summary="Attach the leadership's endorsement letter (multipart field `file`: PDF, DOCX or image)")
def request_letter_attach(request, pk: IdPath, file: File[UploadedFile]):
    services.request_endorsement_attach(request=_get(request, pk), by=request.user, upload=file)
    return _out(_get(request, pk), request.user)


@router.delete("/requests/{pk}/endorsement-letter", response=RequestOut, summary="Remove the endorsement letter")
def request_letter_remove(request, pk: IdPath):
    return _move(request, pk, services.request_endorsement_remove)


@router.get("/requests/{pk}/endorsement-letter", summary="Download the endorsement letter",
            openapi_extra={"responses": {200: {"description": "The letter as it was uploaded",
                                               "content": {"application/octet-stream": {}}}}})
def request_letter_download(request, pk: IdPath):
    obj = _get(request, pk)
    if not obj.endorsement_letter or not can(request.user, "download", obj):
        raise Http404
    return letter_response(obj, by=request.user)


def _move(request, pk, func, **kwargs):
    func(request=_get(request, pk), by=request.user, **kwargs)
    return _out(_get(request, pk), request.user)


def request_change(request, pk, func, **kwargs) -> dict:
    """For routes an app above adds on a request (approval, in actions): fetch the request through its policy
    (404 when invisible), call ``func(request=..., by=..., **kwargs)``, answer the request as ``RequestOut``."""
    return _move(request, pk, func, **kwargs)


@router.post("/requests/{pk}/submit", response=RequestOut, summary="Submit (draft -> submitted)")
def request_submit(request, pk: IdPath):
    return _move(request, pk, services.request_submit)


@router.post("/requests/{pk}/withdraw", response=RequestOut, summary="Withdraw (requester)")
def request_withdraw(request, pk: IdPath, payload: ReasonIn):
    return _move(request, pk, services.request_withdraw, reason=payload.reason)


@router.post("/requests/{pk}/request-info", response=RequestOut, summary="Ask the requester for information (officer)")
def request_ask_info(request, pk: IdPath, payload: QuestionIn):
    return _move(request, pk, services.request_ask_info, question=payload.question)


@router.post("/requests/{pk}/answer", response=RequestOut, summary="Answer the facility's question (requester)")
def request_answer(request, pk: IdPath, payload: AnswerIn):
    return _move(request, pk, services.request_answer, answer=payload.answer)


@router.post("/requests/{pk}/forward", response=RequestOut, summary="Forward to the steering committee (officer)")
def request_forward(request, pk: IdPath, payload: ForwardIn):
    return _move(request, pk, services.request_forward, justification=payload.justification)


@router.post("/requests/{pk}/reject", response=RequestOut, summary="Reject with a reason (officer at screening, committee)")
def request_reject(request, pk: IdPath, payload: ReasonIn):
    return _move(request, pk, services.request_reject, reason=payload.reason)


@router.post("/requests/{pk}/defer", response=RequestOut, summary="Defer with a reason (committee)")
def request_defer(request, pk: IdPath, payload: ReasonIn):
    return _move(request, pk, services.request_defer, reason=payload.reason)


@router.post("/requests/{pk}/notes", response={201: NoteOut}, summary="Add an internal note (staff, committee)")
def request_note(request, pk: IdPath, payload: NoteIn):
    note = services.request_note(request=_get(request, pk), by=request.user, body=payload.body,
                                 idempotency_key=payload.idempotency_key)
    return Status(201, note)
