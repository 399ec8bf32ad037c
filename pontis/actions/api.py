"""Actions, activities and deliverables over the API: list (limit/offset, filters), detail, create, update,
and one POST route per transition (409 on an illegal move). Every route goes through the same policy and
services as the pages."""


import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from pontis.accounts.models import Institution
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.i18n import clean_translations, translate
from pontis.core.models import ActivityType, Country, DeliverableType, Language, Region, ThematicArea, Topic
from pontis.core.permissions import can, get_visible_or_404

from . import selectors, services
from .models import Action, Activity, Deliverable

router = Router(tags=["actions"])


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
    partners: list[PartnerOut]
    activities: list[int]
    deliverables: list[int]
    final_report: str
    lessons_learnt: str
    closed_on: datetime.date | None


class ActionIn(Schema):
    countries: list[str]
    themes: list[str]
    topics: list[str] = []
    title: dict | None = None
    code: str | None = None
    region: str | None = None
    requested_on: datetime.date | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    partner_institutions: list[int] = []
    idempotency_key: str | None = None


class ActionPatch(Schema):
    title: dict | None = None
    countries: list[str] | None = None
    themes: list[str] | None = None
    topics: list[str] | None = None
    region: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


class ReasonIn(Schema):
    reason: str


class ScoreIn(Schema):
    score: int
    comment: str = ""


class CloseIn(Schema):
    final_report: str
    lessons_learnt: str
    scores: dict[str, ScoreIn]


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
    action: str
    type: str
    title: dict = {}
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    online: bool = False
    place: str = ""
    country: str | None = None
    languages: list[str] = []
    expected_participants: int | None = None
    expert_profile: str = ""
    idempotency_key: str | None = None


class ActivityPatch(Schema):
    type: str | None = None
    title: dict | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    online: bool | None = None
    place: str | None = None
    expected_participants: int | None = None
    expert_profile: str | None = None


class DeliverIn(Schema):
    delivered_on: datetime.date | None = None


class RescheduleIn(Schema):
    start_date: datetime.date
    end_date: datetime.date | None = None


class InstitutionCount(Schema):
    institution: str
    count: int


class ReportIn(Schema):
    report: str
    participants_women: int | None = None
    participants_men: int | None = None
    participants_other: int | None = None
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
    action: str
    type: str
    title: dict
    activity: int | None = None
    evidence: str = ""
    languages: list[str] = []
    idempotency_key: str | None = None


class DeliverablePatch(Schema):
    type: str | None = None
    title: dict | None = None
    evidence: str | None = None
    languages: list[str] | None = None


class EvidenceIn(Schema):
    evidence: str = ""


# ---------------------------------------------------------------- helpers


def _codes(model, codes, field):
    codes = list(dict.fromkeys(codes or []))
    lookup = "code__in"
    objects = list(model.objects.filter(**{lookup: [c.upper() if model is Country else c for c in codes]}))
    if len(objects) != len(codes):
        known = {o.code for o in objects}
        missing = [c for c in codes if (c.upper() if model is Country else c) not in known]
        raise ValidationFailed(errors={field: [f"unknown: {', '.join(missing)}"]}, field=field)
    return objects


def _one(model, code, field):
    if code is None:
        return None
    obj = model.objects.filter(code=code.upper() if model is Country else code).first()
    if obj is None:
        raise ValidationFailed(errors={field: [f"unknown: {code}"]}, field=field)
    return obj


def _action_out(a: Action) -> dict:
    return {
        "code": a.code, "title": a.title, "label": translate(a.title), "status": a.status,
        "region": a.region.code if a.region else None,
        "countries": [c.code for c in a.countries.all()], "themes": [t.code for t in a.themes.all()],
        "start_date": a.start_date, "end_date": a.end_date, "requested_on": a.requested_on, "approved_on": a.approved_on,
        "fiche_agreed_on": a.fiche_agreed_on, "launched_on": a.launched_on, "clock": a.clock(),
    }


def _action_detail(a: Action) -> dict:
    data = _action_out(a)
    data.update({
        "topics": [t.code for t in a.topics.all()],
        "partners": [{
            "institution_id": p.institution_id, "institution": str(p.institution),
            "operational_focal_point": p.operational_focal_point.email if p.operational_focal_point else None,
            "strategic_focal_point": p.strategic_focal_point.email if p.strategic_focal_point else None,
        } for p in a.partners.all()],
        "activities": [x.pk for x in a.activities.all()],
        "deliverables": [x.pk for x in a.deliverables.all()],
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
    return get_visible_or_404(request.user, Activity.objects.select_related("action", "type"), pk=pk)


def _deliverable(request, pk):
    return get_visible_or_404(request.user, Deliverable.objects.select_related("action", "type").prefetch_related("languages"), pk=pk)


# ---------------------------------------------------------------- Actions


@router.get("/actions", response=list[ActionOut], summary="Actions I may see (filter by status, region, theme, country, year, q)")
@paginate(LimitOffsetPagination)
def action_list(request, status: str = "", region: str = "", theme: str = "", country: str = "", year: str = "", q: str = ""):
    qs = selectors.actions_for(request.user, q=q, status=status, region=region, theme=theme, country=country, year=year)
    return _LazyMap(qs, _action_out)


class _LazyMap:
    """Map rows to dicts after the paginator has sliced the queryset (one query per page, not per row)."""

    def __init__(self, qs, func):
        self.qs, self.func = qs, func

    def __len__(self):
        return self.qs.count()

    def count(self):
        return self.qs.count()

    def __getitem__(self, item):
        return [self.func(x) for x in self.qs[item]]


@router.get("/actions/{code}", response=ActionDetailOut, summary="One Action")
def action_detail(request, code: str):
    return _action_detail(_action(request, code))


@router.post("/actions", response={201: ActionDetailOut}, summary="Create an Action (staff)")
def action_create(request, payload: ActionIn):
    if not can(request.user, "create", Action):
        raise NotAllowed()
    partners = [(inst, None, None) for inst in Institution.objects.filter(pk__in=payload.partner_institutions)]
    action = services.action_create(
        by=request.user, countries=_codes(Country, payload.countries, "countries"),
        themes=_codes(ThematicArea, payload.themes, "themes"), topics=_codes(Topic, payload.topics, "topics"),
        title=clean_translations(payload.title) if payload.title else None, code=payload.code,
        region=_one(Region, payload.region, "region"), requested_on=payload.requested_on,
        start_date=payload.start_date, end_date=payload.end_date, partners=partners, idempotency_key=payload.idempotency_key,
    )
    return Status(201, _action_detail(selectors.action_detail_queryset().get(pk=action.pk)))


@router.patch("/actions/{code}", response=ActionDetailOut, summary="Change an Action (staff)")
def action_update(request, code: str, payload: ActionPatch):
    action = _action(request, code)
    data = payload.dict(exclude_unset=True)
    fields = {}
    for key in ("start_date", "end_date"):
        if key in data:
            fields[key] = data[key]
    if "title" in data:
        fields["title"] = clean_translations(data["title"])
    if "region" in data:
        fields["region"] = _one(Region, data["region"], "region")
    for key, model in (("countries", Country), ("themes", ThematicArea), ("topics", Topic)):
        if data.get(key) is not None:
            fields[key] = _codes(model, data[key], key)
    services.action_update(action=action, by=request.user, **fields)
    return _action_detail(selectors.action_detail_queryset().get(pk=action.pk))


@router.post("/actions/{code}/cancel", response=ActionDetailOut, summary="Cancel an Action (409 if not possible)")
def action_cancel(request, code: str, payload: ReasonIn):
    action = services.action_cancel(action=_action(request, code), by=request.user, reason=payload.reason)
    return _action_detail(selectors.action_detail_queryset().get(pk=action.pk))


@router.post("/actions/{code}/close", response=ActionDetailOut, summary="Close an Action with report and self-assessment")
def action_close(request, code: str, payload: CloseIn):
    action = services.action_close(action=_action(request, code), by=request.user, final_report=payload.final_report,
                                   lessons_learnt=payload.lessons_learnt,
                                   scores={k: (v.score, v.comment) for k, v in payload.scores.items()})
    return _action_detail(selectors.action_detail_queryset().get(pk=action.pk))


@router.post("/actions/{code}/fiche/agree", response=ActionDetailOut, summary="Record the agreement of the draft fiche")
def fiche_agree(request, code: str):
    action = _action(request, code)
    draft = services.current_draft(action)
    if draft is None:
        from pontis.core.errors import IllegalTransition

        raise IllegalTransition(code="fiche_not_draft")
    services.fiche_agree(version=draft, by=request.user)
    return _action_detail(selectors.action_detail_queryset().get(pk=action.pk))


# ---------------------------------------------------------------- activities


@router.get("/activities", response=list[ActivityOut], summary="Activities I may see (filter by action, status, type, dates)")
@paginate(LimitOffsetPagination)
def activity_list(request, action: str = "", status: str = "", type: str = "", date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None):
    action_obj = _action(request, action) if action else None
    qs = selectors.activities_for(request.user, action=action_obj, status=status, type=type, date_from=date_from, date_to=date_to)
    return _LazyMap(qs, _activity_out)


@router.get("/activities/{pk}", response=ActivityOut, summary="One activity")
def activity_detail(request, pk: int):
    return _activity_out(_activity(request, pk))


@router.post("/activities", response={201: ActivityOut}, summary="Plan an activity (staff)")
def activity_create(request, payload: ActivityIn):
    action = _action(request, payload.action)
    activity = services.activity_create(
        action=action, by=request.user, type=_one(ActivityType, payload.type, "type"), title=clean_translations(payload.title),
        start_date=payload.start_date, end_date=payload.end_date, online=payload.online, place=payload.place,
        country=_one(Country, payload.country, "country"), languages=Language.objects.filter(code__in=payload.languages),
        expected_participants=payload.expected_participants, expert_profile=payload.expert_profile,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, _activity_out(activity))


@router.patch("/activities/{pk}", response=ActivityOut, summary="Change an activity's plan (staff)")
def activity_update(request, pk: int, payload: ActivityPatch):
    activity = _activity(request, pk)
    data = payload.dict(exclude_unset=True)
    if "type" in data:
        data["type"] = _one(ActivityType, data["type"], "type")
    if "title" in data:
        data["title"] = clean_translations(data["title"])
    return _activity_out(services.activity_update(activity=activity, by=request.user, **data))


@router.post("/activities/{pk}/confirm", response=ActivityOut, summary="planned -> confirmed")
def activity_confirm(request, pk: int):
    return _activity_out(services.activity_confirm(activity=_activity(request, pk), by=request.user))


@router.post("/activities/{pk}/deliver", response=ActivityOut, summary="confirmed -> delivered")
def activity_deliver(request, pk: int, payload: DeliverIn):
    return _activity_out(services.activity_deliver(activity=_activity(request, pk), by=request.user, delivered_on=payload.delivered_on))


@router.post("/activities/{pk}/report", response=ActivityOut, summary="delivered -> reported, with the activity report")
def activity_report(request, pk: int, payload: ReportIn):
    return _activity_out(services.activity_report(
        activity=_activity(request, pk), by=request.user, report=payload.report, participants_women=payload.participants_women,
        participants_men=payload.participants_men, participants_other=payload.participants_other,
        participants_by_institution=[r.dict() for r in payload.participants_by_institution]))


@router.post("/activities/{pk}/postpone", response=ActivityOut, summary="planned/confirmed -> postponed")
def activity_postpone(request, pk: int, payload: ReasonIn):
    return _activity_out(services.activity_postpone(activity=_activity(request, pk), by=request.user, reason=payload.reason))


@router.post("/activities/{pk}/reschedule", response=ActivityOut, summary="postponed -> planned, with new dates")
def activity_reschedule(request, pk: int, payload: RescheduleIn):
    return _activity_out(services.activity_reschedule(activity=_activity(request, pk), by=request.user,
                                                      start_date=payload.start_date, end_date=payload.end_date))


@router.post("/activities/{pk}/cancel", response=ActivityOut, summary="-> cancelled, with a reason")
def activity_cancel(request, pk: int, payload: ReasonIn):
    return _activity_out(services.activity_cancel(activity=_activity(request, pk), by=request.user, reason=payload.reason))


# ---------------------------------------------------------------- deliverables


@router.get("/deliverables", response=list[DeliverableOut], summary="Deliverables I may see (filter by action, status, type)")
@paginate(LimitOffsetPagination)
def deliverable_list(request, action: str = "", status: str = "", type: str = ""):
    action_obj = _action(request, action) if action else None
    return _LazyMap(selectors.deliverables_for(request.user, action=action_obj, status=status, type=type), _deliverable_out)


@router.get("/deliverables/{pk}", response=DeliverableOut, summary="One deliverable")
def deliverable_detail(request, pk: int):
    return _deliverable_out(_deliverable(request, pk))


@router.post("/deliverables", response={201: DeliverableOut}, summary="Register a deliverable (staff)")
def deliverable_create(request, payload: DeliverableIn):
    action = _action(request, payload.action)
    activity = get_object_or_404(Activity, pk=payload.activity, action=action) if payload.activity else None
    deliverable = services.deliverable_create(
        action=action, by=request.user, type=_one(DeliverableType, payload.type, "type"), title=clean_translations(payload.title),
        activity=activity, evidence=payload.evidence, languages=Language.objects.filter(code__in=payload.languages),
        idempotency_key=payload.idempotency_key)
    return Status(201, _deliverable_out(deliverable))


@router.patch("/deliverables/{pk}", response=DeliverableOut, summary="Change a deliverable (staff)")
def deliverable_update(request, pk: int, payload: DeliverablePatch):
    deliverable = _deliverable(request, pk)
    data = payload.dict(exclude_unset=True)
    languages = data.pop("languages", None)
    if "type" in data:
        data["type"] = _one(DeliverableType, data["type"], "type")
    if "title" in data:
        data["title"] = clean_translations(data["title"])
    services.deliverable_update(deliverable=deliverable, by=request.user,
                                languages=Language.objects.filter(code__in=languages) if languages is not None else None, **data)
    return _deliverable_out(_deliverable(request, pk))


def _advance(to):
    def view(request, pk: int, payload: EvidenceIn):
        deliverable = services.deliverable_advance(deliverable=_deliverable(request, pk), by=request.user, to=to, evidence=payload.evidence)
        return _deliverable_out(_deliverable(request, deliverable.pk))

    view.__name__ = f"deliverable_{to}"
    return view


for _status in (Deliverable.Status.VALIDATED, Deliverable.Status.ENDORSED, Deliverable.Status.ADOPTED):
    _verb = {"validated": "validate", "endorsed": "endorse", "adopted": "adopt"}[_status]
    router.post(f"/deliverables/{{pk}}/{_verb}", response=DeliverableOut, summary=f"-> {_status}",
                operation_id=f"deliverable_{_verb}")(_advance(_status))
