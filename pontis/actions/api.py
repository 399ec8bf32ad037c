"""Actions, activities and deliverables over the API: list (limit/offset, filters), detail, create, update,
and one POST route per transition (409 on an illegal move). Every route goes through the same policy and
services as the pages."""


import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pontis.accounts.models import Institution
from pontis.accounts.selectors import focal_point_people
from pontis.core.api_helpers import (
    Code,
    CodePath,
    Count,
    Id,
    IdPath,
    Int32,
    LazyRows,
    LongText,
    Paging,
    Text,
    Translations,
    Year,
    answered_as_built,
    by_code,
    by_codes,
    model_int,
    model_text,
)
from pontis.core.errors import IllegalTransition, NotAllowed
from pontis.core.i18n import clean_translations, translate
from pontis.core.models import (
    ActivityType,
    Country,
    DeliverableType,
    GCMObjective,
    Language,
    Region,
    SDGTarget,
    ThematicArea,
    Topic,
)
from pontis.core.once import IdempotentIn
from pontis.core.permissions import can, get_visible_or_404
from pontis.intake import api as intake_api

from . import selectors, services
from .models import Action, Activity, Deliverable

router = Router(tags=["actions"])


@router.post("/requests/{pk}/approve", response=intake_api.RequestOut, tags=["requests"],
             summary="Approve and create the Action (committee)")
def request_approve(request, pk: IdPath, payload: intake_api.ReasonIn):
    return intake_api.request_change(request, pk, services.request_approve, reason=payload.reason)


# ---------------------------------------------------------------- schemas


class Clock(Schema):
    days: int | None
    target: int
    state: str
    launched: bool


class PartnerOut(Schema):
    institution_id: int
    institution: str
    operational_focal_point: str | None
    strategic_focal_point: str | None


class ActionOut(Schema):
    code: str
    title: dict
    label: str
    status: str
    region: str | None
    countries: list[str]
    themes: list[str]
    start_date: datetime.date | None
    end_date: datetime.date | None
    requested_on: datetime.date | None
    approved_on: datetime.date | None
    fiche_agreed_on: datetime.date | None
    launched_on: datetime.date | None
    clock: Clock


class ActionDetailOut(ActionOut):
    topics: list[str]
    sdg_targets: list[str]
    gcm_objectives: list[str]
    partners: list[PartnerOut]
    activities: list[int]
    deliverables: list[int]
    final_report: str
    lessons_learnt: str
    closed_on: datetime.date | None


class ActionIn(Schema):
    countries: list[Code]
    themes: list[Code]
    topics: list[Code] = []
    title: Translations | None = None
    code: model_text(Action, "code") | None = None
    region: Code | None = None
    requested_on: datetime.date | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    partner_institutions: list[Id] = []
    idempotency_key: Text(100) | None = None


class ActionPatch(Schema):
    title: Translations | None = None
    countries: list[Code] | None = None
    themes: list[Code] | None = None
    topics: list[Code] | None = None
    sdg_targets: list[Code] | None = Field(None, description="codes of the SDG targets (an empty list clears them)")
    gcm_objectives: list[Code] | None = Field(None, description="codes of the GCM objectives (an empty list clears them)")
    region: Code | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


class ActivityDocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    original_name: str
    content_type: str
    size: int
    uploaded_by: str | None
    uploaded_at: datetime.datetime
    download_url: str


class ActionReasonIn(Schema):
    reason: LongText


class ScoreIn(Schema):
    score: Int32
    comment: LongText = ""


class CloseIn(Schema):
    final_report: model_text(Action, "final_report")
    lessons_learnt: model_text(Action, "lessons_learnt")
    scores: dict[Code, ScoreIn]


class ActivityOut(Schema):
    id: int
    action: str
    sequence: int
    type: str
    title: dict
    status: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    online: bool
    place: str
    expected_participants: int | None
    delivered_on: datetime.date | None
    status_reason: str
    report: str
    participants_women: int | None
    participants_men: int | None
    participants_other: int | None
    participants_by_institution: list


class ActivityIn(Schema):
    action: Code
    type: Code
    title: Translations = {}
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    online: bool = False
    place: model_text(Activity, "place") = ""
    country: Code | None = None
    languages: list[Code] = []
    expected_participants: model_int(Activity, "expected_participants") | None = None
    expert_profile: model_text(Activity, "expert_profile") = ""
    idempotency_key: Text(100) | None = None


class ActivityPatch(Schema):
    # Leave a field out to keep it; ``null`` is accepted only where the column may be empty.
    type: Code = None
    title: Translations = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    online: bool = None
    place: model_text(Activity, "place") = None
    expected_participants: model_int(Activity, "expected_participants") | None = None
    expert_profile: model_text(Activity, "expert_profile") = None


class DeliverIn(Schema):
    delivered_on: datetime.date = Field(description="The actual day of delivery (it stops the 90-day clock): not in the "
                                        "future, not before the activity's start nor before the request.")


class RescheduleIn(Schema):
    start_date: datetime.date
    end_date: datetime.date | None = None


class InstitutionCount(Schema):
    institution: Text(300)
    count: Count


class ReportIn(Schema):
    report: model_text(Activity, "report")
    participants_women: model_int(Activity, "participants_women") | None = None
    participants_men: model_int(Activity, "participants_men") | None = None
    participants_other: model_int(Activity, "participants_other") | None = None
    participants_by_institution: list[InstitutionCount] = []


class DeliverableOut(Schema):
    id: int
    action: str
    activity: int | None
    type: str
    title: dict
    status: str
    evidence: str
    languages: list[str]
    status_changed_on: datetime.date | None


class DeliverableIn(Schema):
    action: Code
    type: Code
    title: Translations
    activity: Id | None = None
    evidence: model_text(Deliverable, "evidence") = ""
    languages: list[Code] = []
    idempotency_key: Text(100) | None = None


class DeliverablePatch(Schema):
    # Leave a field out to keep it; none of these may be emptied with ``null``.
    type: Code = None
    title: Translations = None
    evidence: model_text(Deliverable, "evidence") = None
    languages: list[Code] = None


class EvidenceIn(Schema):
    evidence: model_text(Deliverable, "evidence") = ""


# ---------------------------------------------------------------- helpers


def _action_out(a: Action, codes: dict | None = None) -> dict:
    """An Action's answer; ``codes``: its countries' and themes' codes read for a whole page (``selectors.codes_of``),
    else from its prefetched countries and themes."""
    if codes is None:
        codes = {"countries": [c.code for c in a.countries.all()], "themes": [t.code for t in a.themes.all()]}
    return {
        "code": a.code, "title": a.title, "label": translate(a.title), "status": a.status,
        "region": a.region.code if a.region else None,
        "countries": codes["countries"], "themes": codes["themes"],
        "start_date": a.start_date, "end_date": a.end_date, "requested_on": a.requested_on, "approved_on": a.approved_on,
        "fiche_agreed_on": a.fiche_agreed_on, "launched_on": a.launched_on, "clock": a.clock(),
    }


def _action_detail(a: Action) -> dict:
    """One Action's answer (``a`` from ``selectors.action_api_queryset``), its lists read by ``api_parts_of``."""
    parts = selectors.api_parts_of(a)
    data = _action_out(a, parts)
    data.update({
        "topics": parts["topics"], "sdg_targets": parts["sdg_targets"], "gcm_objectives": parts["gcm_objectives"],
        "partners": [{
            "institution_id": p.institution_id, "institution": str(p.institution),
            "operational_focal_point": p.operational_focal_point.email if p.operational_focal_point else None,
            "strategic_focal_point": p.strategic_focal_point.email if p.strategic_focal_point else None,
        } for p in parts["partners"]],
        "activities": parts["activities"], "deliverables": parts["deliverables"],
        "final_report": a.final_report, "lessons_learnt": a.lessons_learnt, "closed_on": a.closed_on,
    })
    return data


def _activity_out(x: Activity) -> dict:
    return {
        "id": x.pk, "action": x.action.code, "sequence": x.sequence, "type": x.type.code, "title": x.title,
        "status": x.status, "start_date": x.start_date, "end_date": x.end_date, "online": x.online, "place": x.place,
        "expected_participants": x.expected_participants, "delivered_on": x.delivered_on, "status_reason": x.status_reason,
        "report": x.report, "participants_women": x.participants_women, "participants_men": x.participants_men,
        "participants_other": x.participants_other, "participants_by_institution": x.participants_by_institution,
    }


def _deliverable_out(d: Deliverable) -> dict:
    return {
        "id": d.pk, "action": d.action.code, "activity": d.activity_id, "type": d.type.code, "title": d.title,
        "status": d.status, "evidence": d.evidence, "languages": [lang.code for lang in d.languages.all()],
        "status_changed_on": d.status_changed_on,
    }


def _action(request, code):
    return get_visible_or_404(request.user, selectors.action_detail_queryset(), code=code)


def _activity(request, pk):
    return get_visible_or_404(request.user, selectors.activity_detail_queryset(), pk=pk)


def _deliverable(request, pk):
    return get_visible_or_404(request.user, selectors.deliverable_detail_queryset(), pk=pk)


# ---------------------------------------------------------------- Actions


@router.get("/actions", response=list[ActionOut], summary="Actions I may see (filter by status, region, theme, country, year, q)")
@answered_as_built(router)
@paginate(Paging)
def action_list(request, status: Code = "", region: Code = "", theme: Code = "", country: Code = "", year: Year | None = None,
                q: Text(200) = ""):
    qs = selectors.actions_for(request.user, q=q, status=status, region=region, theme=theme, country=country, year=year or "")
    return _ActionRows(qs, _action_row)


# What a row of the list reads of each Action: the columns ``ActionOut`` shows, not the model (whose instances,
# with their region and lead country, cost more than the rest of the page), nor the dates computed from the
# activities that the pages show.
LIST_COLUMNS = ("pk", "code", "title", "status", "region__code", "start_date", "end_date", "requested_on",
                "approved_on", "fiche_agreed_on", "launched_on")


class _ClockDates:
    """What ``Action.clock`` reads of an Action (its request and launch dates), for a row read as values: the
    clock's one rule, without a model instance per row; and its id, all ``selectors.codes_of`` reads."""

    __slots__ = ("pk", "requested_on", "launched_on")
    days_elapsed = Action.days_elapsed
    clock = Action.clock

    def __init__(self, pk, requested_on, launched_on):
        self.pk, self.requested_on, self.launched_on = pk, requested_on, launched_on


def _action_row(row: tuple, dates: _ClockDates, codes: dict, today: datetime.date) -> ActionOut:
    """One row of the list (``LIST_COLUMNS``), as ``_action_out`` answers it, built in ``ActionOut`` (see
    ``answered_as_built``)."""
    (_pk, code, title, status, region, start_date, end_date, requested_on, approved_on, fiche_agreed_on,
     launched_on) = row
    clock = dates.clock(today)
    return ActionOut.model_construct(
        code=code, title=title, label=translate(title), status=status, region=region,
        countries=codes["countries"], themes=codes["themes"], start_date=start_date, end_date=end_date,
        requested_on=requested_on, approved_on=approved_on, fiche_agreed_on=fiche_agreed_on, launched_on=launched_on,
        clock=Clock.model_construct(**clock),
    )


class _ActionRows(LazyRows):
    """The list's page of Actions (the columns of ``LIST_COLUMNS``), with the codes of their countries and themes
    read for the whole page, and one "today" for every row's clock."""

    def __getitem__(self, item):
        rows = list(self.queryset.values_list(*LIST_COLUMNS)[item])
        dates = [_ClockDates(row[0], row[7], row[10]) for row in rows]
        codes = selectors.codes_of(dates)
        today = timezone.localdate()
        return [self.shape(row, of, codes[of.pk], today) for row, of in zip(rows, dates, strict=True)]


@router.get("/actions/{code}", response=ActionDetailOut, summary="One Action")
def action_detail(request, code: CodePath):
    return _action_detail(get_visible_or_404(request.user, selectors.action_api_queryset(), code=code))


@router.post("/actions", response={201: ActionDetailOut}, summary="Create an Action (staff)")
def action_create(request, payload: ActionIn):
    if not can(request.user, "create", Action):
        raise NotAllowed()
    partners = [(inst, None, None) for inst in by_codes(Institution, payload.partner_institutions, field="partner_institutions", key="pk")]
    action = services.action_create(
        by=request.user, countries=by_codes(Country, payload.countries, field="countries"),
        themes=by_codes(ThematicArea, payload.themes, field="themes"), topics=by_codes(Topic, payload.topics, field="topics"),
        title=clean_translations(payload.title) if payload.title else None, code=payload.code,
        region=by_code(Region, payload.region, field="region"), requested_on=payload.requested_on,
        start_date=payload.start_date, end_date=payload.end_date, partners=partners, idempotency_key=payload.idempotency_key,
    )
    return Status(201, _action_detail(selectors.action_api_queryset().get(pk=action.pk)))


@router.patch("/actions/{code}", response=ActionDetailOut, summary="Change an Action (staff)")
def action_update(request, code: CodePath, payload: ActionPatch):
    action = _action(request, code)
    data = payload.dict(exclude_unset=True)
    fields = {}
    for key in ("start_date", "end_date"):
        if key in data:
            fields[key] = data[key]
    if "title" in data:
        fields["title"] = clean_translations(data["title"])
    if "region" in data:
        fields["region"] = by_code(Region, data["region"], field="region")
    for key, model in (("countries", Country), ("themes", ThematicArea), ("topics", Topic),
                       ("sdg_targets", SDGTarget), ("gcm_objectives", GCMObjective)):
        if data.get(key) is not None:
            fields[key] = by_codes(model, data[key], field=key)
    services.action_update(action=action, by=request.user, **fields)
    return _action_detail(selectors.action_api_queryset().get(pk=action.pk))


@router.post("/actions/{code}/cancel", response=ActionDetailOut, summary="Cancel an Action (409 if not possible)")
def action_cancel(request, code: CodePath, payload: ActionReasonIn):
    action = services.action_cancel(action=_action(request, code), by=request.user, reason=payload.reason)
    return _action_detail(selectors.action_api_queryset().get(pk=action.pk))


@router.post("/actions/{code}/close", response=ActionDetailOut, summary="Close an Action with report and self-assessment")
def action_close(request, code: CodePath, payload: CloseIn):
    action = services.action_close(action=_action(request, code), by=request.user, final_report=payload.final_report,
                                   lessons_learnt=payload.lessons_learnt,
                                   scores={k: (v.score, v.comment) for k, v in payload.scores.items()})
    return _action_detail(selectors.action_api_queryset().get(pk=action.pk))


@router.post("/actions/{code}/fiche/agree", response=ActionDetailOut, summary="Record the agreement of the draft fiche")
def fiche_agree(request, code: CodePath):
    action = _action(request, code)
    draft = services.current_draft(action)
    if draft is None:
        # Refuse who may not agree before telling anyone the fiche's state (the access matrix, tests/access/).
        if not can(request.user, "edit_fiche", action):
            raise NotAllowed()
        raise IllegalTransition(code="fiche_not_draft")
    services.fiche_agree(version=draft, by=request.user)
    return _action_detail(selectors.action_api_queryset().get(pk=action.pk))


# ---------------------------------------------------------------- activities


@router.get("/activities", response=list[ActivityOut], summary="Activities I may see (filter by action, status, type, dates)")
@paginate(Paging)
def activity_list(request, action: Code = "", status: Code = "", type: Code = "", date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None):
    action_obj = _action(request, action) if action else None
    qs = selectors.activities_for(request.user, action=action_obj, status=status, type=type, date_from=date_from, date_to=date_to)
    return LazyRows(qs, _activity_out)


@router.get("/activities/{pk}", response=ActivityOut, summary="One activity")
def activity_detail(request, pk: IdPath):
    return _activity_out(_activity(request, pk))


@router.get("/activities/{pk}/documents", response=list[ActivityDocumentOut],
            summary="Reports and documents on an activity that I may read")
def activity_documents(request, pk: IdPath):
    activity = _activity(request, pk)
    return [{
        "id": d.pk, "kind": d.kind, "kind_label": d.get_kind_display(), "original_name": d.original_name,
        "content_type": d.content_type, "size": d.size, "uploaded_by": str(d.uploaded_by) if d.uploaded_by else None,
        "uploaded_at": d.uploaded_at,
        "download_url": reverse("actions:activity_document", args=[activity.action.code, activity.pk, d.pk]),
    } for d in selectors.activity_documents_for(request.user, activity)]


@router.post("/activities", response={201: ActivityOut}, summary="Plan an activity (staff)")
def activity_create(request, payload: ActivityIn):
    action = _action(request, payload.action)
    activity = services.activity_create(
        action=action, by=request.user, type=by_code(ActivityType, payload.type, field="type"), title=clean_translations(payload.title),
        start_date=payload.start_date, end_date=payload.end_date, online=payload.online, place=payload.place,
        country=by_code(Country, payload.country, field="country"),
        languages=by_codes(Language, payload.languages, field="languages"),
        expected_participants=payload.expected_participants, expert_profile=payload.expert_profile,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, _activity_out(activity))


@router.patch("/activities/{pk}", response=ActivityOut, summary="Change an activity's plan (staff)")
def activity_update(request, pk: IdPath, payload: ActivityPatch):
    activity = _activity(request, pk)
    data = payload.dict(exclude_unset=True)
    if "type" in data:
        data["type"] = by_code(ActivityType, data["type"], field="type")
    if "title" in data:
        data["title"] = clean_translations(data["title"])
    return _activity_out(services.activity_update(activity=activity, by=request.user, **data))


@router.post("/activities/{pk}/confirm", response=ActivityOut, summary="planned -> confirmed")
def activity_confirm(request, pk: IdPath):
    return _activity_out(services.activity_confirm(activity=_activity(request, pk), by=request.user))


@router.post("/activities/{pk}/deliver", response=ActivityOut, summary="confirmed -> delivered")
def activity_deliver(request, pk: IdPath, payload: DeliverIn):
    return _activity_out(services.activity_deliver(activity=_activity(request, pk), by=request.user, delivered_on=payload.delivered_on))


@router.post("/activities/{pk}/report", response=ActivityOut, summary="delivered -> reported, with the activity report")
def activity_report(request, pk: IdPath, payload: ReportIn):
    return _activity_out(services.activity_report(
        activity=_activity(request, pk), by=request.user, report=payload.report, participants_women=payload.participants_women,
        participants_men=payload.participants_men, participants_other=payload.participants_other,
        participants_by_institution=[r.dict() for r in payload.participants_by_institution]))


@router.post("/activities/{pk}/postpone", response=ActivityOut, summary="planned/confirmed -> postponed")
def activity_postpone(request, pk: IdPath, payload: ActionReasonIn):
    return _activity_out(services.activity_postpone(activity=_activity(request, pk), by=request.user, reason=payload.reason))


@router.post("/activities/{pk}/reschedule", response=ActivityOut, summary="postponed -> planned, with new dates")
def activity_reschedule(request, pk: IdPath, payload: RescheduleIn):
    return _activity_out(services.activity_reschedule(activity=_activity(request, pk), by=request.user,
                                                      start_date=payload.start_date, end_date=payload.end_date))


@router.post("/activities/{pk}/cancel", response=ActivityOut, summary="-> cancelled, with a reason")
def activity_cancel(request, pk: IdPath, payload: ActionReasonIn):
    return _activity_out(services.activity_cancel(activity=_activity(request, pk), by=request.user, reason=payload.reason))


# ---------------------------------------------------------------- deliverables


@router.get("/deliverables", response=list[DeliverableOut], summary="Deliverables I may see (filter by action, status, type)")
@paginate(Paging)
def deliverable_list(request, action: Code = "", status: Code = "", type: Code = ""):
    action_obj = _action(request, action) if action else None
    return LazyRows(selectors.deliverables_for(request.user, action=action_obj, status=status, type=type), _deliverable_out)


@router.get("/deliverables/{pk}", response=DeliverableOut, summary="One deliverable")
def deliverable_detail(request, pk: IdPath):
    return _deliverable_out(_deliverable(request, pk))


@router.post("/deliverables", response={201: DeliverableOut}, summary="Register a deliverable (staff)")
def deliverable_create(request, payload: DeliverableIn):
    action = _action(request, payload.action)
    activity = (get_visible_or_404(request.user, selectors.activity_detail_queryset().filter(action=action), pk=payload.activity)
                if payload.activity else None)
    deliverable = services.deliverable_create(
        action=action, by=request.user, type=by_code(DeliverableType, payload.type, field="type"), title=clean_translations(payload.title),
        activity=activity, evidence=payload.evidence, languages=by_codes(Language, payload.languages, field="languages"),
        idempotency_key=payload.idempotency_key)
    return Status(201, _deliverable_out(deliverable))


@router.patch("/deliverables/{pk}", response=DeliverableOut, summary="Change a deliverable (staff)")
def deliverable_update(request, pk: IdPath, payload: DeliverablePatch):
    deliverable = _deliverable(request, pk)
    data = payload.dict(exclude_unset=True)
    languages = data.pop("languages", None)
    if "type" in data:
        data["type"] = by_code(DeliverableType, data["type"], field="type")
    if "title" in data:
        data["title"] = clean_translations(data["title"])
    services.deliverable_update(deliverable=deliverable, by=request.user,
                                languages=by_codes(Language, languages, field="languages") if languages is not None else None,
                                **data)
    return _deliverable_out(_deliverable(request, pk))


def _advance(to):
    def view(request, pk: IdPath, payload: EvidenceIn):
        deliverable = services.deliverable_advance(deliverable=_deliverable(request, pk), by=request.user, to=to, evidence=payload.evidence)
        return _deliverable_out(_deliverable(request, deliverable.pk))

    view.__name__ = f"deliverable_{to}"
    return view


for _status in (Deliverable.Status.VALIDATED, Deliverable.Status.ENDORSED, Deliverable.Status.ADOPTED):
    _verb = {"validated": "validate", "endorsed": "endorse", "adopted": "adopt"}[_status]
    router.post(f"/deliverables/{{pk}}/{_verb}", response=DeliverableOut, summary=f"-> {_status}",
                operation_id=f"deliverable_{_verb}")(_advance(_status))


# ---------------------------------------------------------------- partners and focal points


class PartnerIn(IdempotentIn):
    institution_id: Id
    operational_focal_point: Text(254) | None = Field(None, description="E-mail of one of the institution's focal points")
    strategic_focal_point: Text(254) | None = Field(None, description="E-mail of one of the institution's focal points")


class PartnerPatch(Schema):
    operational_focal_point: Text(254) | None = Field(None, description="E-mail, or null to clear; left out: unchanged")
    strategic_focal_point: Text(254) | None = Field(None, description="E-mail, or null to clear; left out: unchanged")


def _focal_person(email, field: str):
    if not email:
        return None
    return by_code(focal_point_people(), email.strip().lower(), field=field, key="email")


def _partner_of(action, institution_id):
    partner = action.partners.select_related("institution", "action").filter(institution_id=institution_id).first()
    if partner is None:
        raise Http404  # not a partner of this Action
    return partner


@router.post("/actions/{code}/partners", response={201: ActionDetailOut},
             summary="Add a partner institution with its focal points (staff; design or ongoing)")
def partner_add(request, code: CodePath, payload: PartnerIn):
    action = _action(request, code)
    if not can(request.user, "manage_partners", action):
        raise NotAllowed()
    institution = by_code(Institution, payload.institution_id, field="institution_id", key="pk")
    services.partner_add(action=action, by=request.user, institution=institution,
                         operational_focal_point=_focal_person(payload.operational_focal_point, "operational_focal_point"),
                         strategic_focal_point=_focal_person(payload.strategic_focal_point, "strategic_focal_point"),
                         idempotency_key=payload.idempotency_key)
    return Status(201, _action_detail(selectors.action_api_queryset().get(pk=action.pk)))


@router.patch("/actions/{code}/partners/{institution_id}", response=ActionDetailOut,
              summary="Change the focal points of a partner institution (staff; design or ongoing)")
def partner_change(request, code: CodePath, institution_id: IdPath, payload: PartnerPatch):
    action = _action(request, code)
    if not can(request.user, "manage_partners", action):
        raise NotAllowed()
    partner = _partner_of(action, institution_id)
    data = payload.dict(exclude_unset=True)
    people = {}
    for field in ("operational_focal_point", "strategic_focal_point"):
        people[field] = _focal_person(data[field], field) if field in data else getattr(partner, field)
    services.partner_change(partner=partner, by=request.user, **people)
    return _action_detail(selectors.action_api_queryset().get(pk=action.pk))


@router.delete("/actions/{code}/partners/{institution_id}", response=ActionDetailOut,
               summary="Remove a partner institution from the Action (staff; design or ongoing)")
def partner_remove(request, code: CodePath, institution_id: IdPath):
    action = _action(request, code)
    if not can(request.user, "manage_partners", action):
        raise NotAllowed()
    services.partner_remove(partner=_partner_of(action, institution_id), by=request.user)
    return _action_detail(selectors.action_api_queryset().get(pk=action.pk))
