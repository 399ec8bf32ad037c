"""The requests API: list, detail, create, update, and one POST route per move (409 on an illegal move)."""

import datetime
import uuid

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from pontis.accounts.models import Institution
from pontis.core.errors import ValidationFailed
from pontis.core.i18n import translate
from pontis.core.models import Country, ThematicArea, Topic
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
        "action_code": request.action.code if request.action_id else None,
    }


class RequestIn(Schema):
    title: str | None = Field(None, description="The title, in `language`.")
    language: str | None = None
    institutions: list[int] | None = Field(None, description="Institution ids; include your own.")
    countries: list[str] | None = Field(None, description="ISO 3166-1 alpha-2 codes.")
    themes: list[str] | None = Field(None, description="Thematic area codes.")
    topics: list[str] | None = Field(None, description="Topic codes (of the chosen themes).")
    problem: str | None = None
    objectives: str | None = None
    target_groups: str | None = None
    preferred_timing: str | None = None
    other_actors: str | None = None
    endorsement_official_name: str | None = None
    endorsement_official_position: str | None = None


class RequestCreateIn(RequestIn):
    client_token: uuid.UUID | None = Field(None, description="Idempotency key: the same key twice answers the same draft.")


class Filters(Schema):
    status: str = ""
    country: str = ""
    theme: str = ""


class ReasonIn(Schema):
    reason: str = ""


class QuestionIn(Schema):
    question: str


class AnswerIn(Schema):
    answer: str


class ForwardIn(Schema):
    justification: str = ""


class NoteIn(Schema):
    body: str


class NoteOut(Schema):
    id: int
    kind: str
    body: str
    created_at: datetime.datetime


def _resolve(model, values, field, *, key="code"):
    values = list(dict.fromkeys(values))
    found = {str(getattr(o, key)): o for o in model.objects.filter(**{f"{key}__in": values})}
    missing = [str(v) for v in values if str(v) not in found]
    if missing:
        message = _("Unknown values: %(values)s") % {"values": ", ".join(missing)}
        raise ValidationFailed(message, field=field, errors={field: message})
    return [found[str(v)] for v in values]


def _data(payload: RequestIn) -> dict:
    raw = payload.dict(exclude_unset=True)
    raw.pop("client_token", None)
    data = {k: v for k, v in raw.items() if k not in ("institutions", "countries", "themes", "topics")}
    if raw.get("countries") is not None:
        data["countries"] = _resolve(Country, [c.upper() for c in raw["countries"]], "countries")
    if raw.get("themes") is not None:
        data["themes"] = _resolve(ThematicArea, raw["themes"], "themes")
    if raw.get("topics") is not None:
        data["topics"] = _resolve(Topic, raw["topics"], "topics")
    if raw.get("institutions") is not None:
        data["institutions"] = _resolve(Institution, raw["institutions"], "institutions", key="pk")
    return data


def _get(request, pk):
    return get_visible_or_404(request.user, selectors.request_detail_queryset(), pk=pk)


@router.get("/requests", response=list[RequestOut], summary="Requests I may see (filter by status, country, theme)")
@paginate(LimitOffsetPagination)
def request_list(request, filters: Query[Filters]):
    qs = selectors.requests_visible_to(request.user, status=filters.status, country=filters.country, theme=filters.theme)
    return _Rows(qs, request.user)


class _Rows:
    """Paginate the queryset, then shape only the page's rows."""

    def __init__(self, qs, user):
        self.qs, self.user = qs, user

    def count(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [_out(r, self.user) for r in self.qs[item]]

    def __len__(self):  # ninja counts with len() when the object has no .all()
        return self.count()


@router.get("/requests/{int:pk}", response=RequestOut, summary="One request")
def request_detail(request, pk: int):
    return _out(_get(request, pk), request.user)


@router.post("/requests", response={201: RequestOut}, summary="Create a draft request (partner focal points)")
def request_create(request, payload: RequestCreateIn):
    obj = services.request_save_draft(by=request.user, data=_data(payload), client_token=payload.client_token)
    return Status(201, _out(_get(request, obj.pk), request.user))


@router.patch("/requests/{int:pk}", response=RequestOut, summary="Change a draft (or a request awaiting information)")
def request_update(request, pk: int, payload: RequestIn):
    obj = _get(request, pk)
    services.request_save_draft(by=request.user, data=_data(payload), request=obj)
    return _out(_get(request, pk), request.user)


@router.post("/requests/{int:pk}/endorsement-letter", response=RequestOut,
             summary="Attach the leadership's endorsement letter (multipart field `file`: PDF, DOCX or image)")
def request_letter_attach(request, pk: int, file: File[UploadedFile]):
    services.request_endorsement_attach(request=_get(request, pk), by=request.user, upload=file)
    return _out(_get(request, pk), request.user)


@router.delete("/requests/{int:pk}/endorsement-letter", response=RequestOut, summary="Remove the endorsement letter")
def request_letter_remove(request, pk: int):
    return _move(request, pk, services.request_endorsement_remove)


@router.get("/requests/{int:pk}/endorsement-letter", summary="Download the endorsement letter",
            openapi_extra={"responses": {200: {"description": "The letter as it was uploaded",
                                               "content": {"application/octet-stream": {}}}}})
def request_letter_download(request, pk: int):
    obj = _get(request, pk)
    if not obj.endorsement_letter or not can(request.user, "download", obj):
        raise Http404
    return letter_response(obj)


def _move(request, pk, func, **kwargs):
    func(request=_get(request, pk), by=request.user, **kwargs)
    return _out(_get(request, pk), request.user)


@router.post("/requests/{int:pk}/submit", response=RequestOut, summary="Submit (draft -> submitted)")
def request_submit(request, pk: int):
    return _move(request, pk, services.request_submit)


@router.post("/requests/{int:pk}/withdraw", response=RequestOut, summary="Withdraw (requester)")
def request_withdraw(request, pk: int, payload: ReasonIn):
    return _move(request, pk, services.request_withdraw, reason=payload.reason)


@router.post("/requests/{int:pk}/request-info", response=RequestOut, summary="Ask the requester for information (officer)")
def request_ask_info(request, pk: int, payload: QuestionIn):
    return _move(request, pk, services.request_ask_info, question=payload.question)


@router.post("/requests/{int:pk}/answer", response=RequestOut, summary="Answer the facility's question (requester)")
def request_answer(request, pk: int, payload: AnswerIn):
    return _move(request, pk, services.request_answer, answer=payload.answer)


@router.post("/requests/{int:pk}/forward", response=RequestOut, summary="Forward to the steering committee (officer)")
def request_forward(request, pk: int, payload: ForwardIn):
    return _move(request, pk, services.request_forward, justification=payload.justification)


@router.post("/requests/{int:pk}/reject", response=RequestOut, summary="Reject with a reason (officer at screening, committee)")
def request_reject(request, pk: int, payload: ReasonIn):
    return _move(request, pk, services.request_reject, reason=payload.reason)


@router.post("/requests/{int:pk}/defer", response=RequestOut, summary="Defer with a reason (committee)")
def request_defer(request, pk: int, payload: ReasonIn):
    return _move(request, pk, services.request_defer, reason=payload.reason)


@router.post("/requests/{int:pk}/approve", response=RequestOut, summary="Approve and create the Action (committee)")
def request_approve(request, pk: int, payload: ReasonIn):
    return _move(request, pk, services.request_approve, reason=payload.reason)


@router.post("/requests/{int:pk}/notes", response={201: NoteOut}, summary="Add an internal note (staff, committee)")
def request_note(request, pk: int, payload: NoteIn):
    note = services.request_note(request=_get(request, pk), by=request.user, body=payload.body)
    return Status(201, note)
