"""Meetings and their agendas over the API (mounted under /api/v1/ by config/api.py).

``GET /meetings`` (paginated; filters kind, year, region, panel, activity) and ``GET /meetings/{id}`` with the whole
agenda are readable without a token for public meetings, like ``/events`` (their older name, kept). Staff create
and change meetings and add sessions, contributions and discussion notes through the same services as the pages;
a create route honours ``idempotency_key`` (the same key again answers the first object, never a second one).
"""

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.accounts.models import User
from pontis.actions.models import Activity
from pontis.core.api_helpers import (
    Code,
    Id,
    IdPath,
    LazyRows,
    LongText,
    Paging,
    Text,
    Translations,
    Year,
    answered_as_built,
    by_code,
    by_codes,
    model_text,
)
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.i18n import translate
from pontis.core.models import Country, Language, Region, ThematicArea
from pontis.core.once import IdempotentIn
from pontis.core.permissions import can, get_visible_or_404, visible_to
from pontis.core.timezones import known_zone

from . import services
from .api_meetings_built import BuiltMeetingRows
from .models import Contribution, DiscussionNote, Meeting, Panel, Session
from .selectors import meeting_detail_queryset, meeting_hosts, meetings_for
from .selectors.agenda import agenda_sessions, session_get_for
from .selectors.materials import materials_visible_to
from .visitor import registration_ids

router = Router(tags=["meetings"])


# ---------------------------------------------------------------- output


class MeetingOut(Schema):
    id: int
    slug: str
    kind: str
    kind_label: str
    title: dict
    title_text: str
    start_date: datetime.date
    end_date: datetime.date
    time_zone: str
    city: str
    country: str | None
    region: str | None
    host_countries: list[str]
    panel: str | None
    activity: int | None
    status: str
    status_label: str
    access: str


class ContributionOut(Schema):
    id: int
    order: int
    speaker_name: str
    speaker_role: str
    country: str | None
    title: dict
    speaker_email: str | None = None


class DiscussionNoteOut(Schema):
    id: int
    order: int
    question: str
    asked_by: str
    country: str | None
    answer: str
    answered_by: str


class SessionOut(Schema):
    id: int
    order: int
    kind: str
    number: int | None
    title: dict
    day: datetime.date
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    moderator: str
    summary: dict
    contributions: list[ContributionOut]
    discussion: list[DiscussionNoteOut]


class AgendaMaterialOut(Schema):
    id: int
    title: dict | str
    kind: str
    session: int | None
    contribution: int | None


class MeetingDetailOut(MeetingOut):
    summary: dict
    notes: dict
    organisers: str
    languages: list[str]
    themes: list[str]
    status_reason: str
    registration: str
    capacity: int | None
    registration_closes_at: datetime.datetime | None
    self_check_in: bool
    speaker_deadline: datetime.datetime | None
    ics_sequence: int
    sessions: list[SessionOut]
    materials: list[AgendaMaterialOut]


# The labels of the kinds and statuses, as ``get_kind_display`` and ``get_status_display`` give them (which build
# a dictionary of the choices on every call: twice per meeting of a list).
_KIND_LABELS = dict(Meeting._meta.get_field("kind").flatchoices)
_STATUS_LABELS = dict(Meeting._meta.get_field("status").flatchoices)


def host_codes(meeting: Meeting) -> list[str]:
    """The meeting's host countries' codes: as ``meeting_hosts`` gave them to a list's rows, else read."""
    codes = getattr(meeting, "host_codes", None)
    return codes if codes is not None else [c.code for c in meeting.host_countries.all()]


class MeetingRows(LazyRows):
    """A page of meetings, their host countries read for the whole page in one query (``meeting_hosts``)."""

    def __getitem__(self, item):
        return [self.shape(row) for row in meeting_hosts(self.queryset[item])]


def _meeting(m: Meeting) -> dict:
    return {
        "id": m.pk, "slug": m.slug, "kind": m.kind, "kind_label": str(_KIND_LABELS.get(m.kind, m.kind)), "title": m.title,
        "title_text": str(translate(m.title)), "start_date": m.start_date, "end_date": m.end_date,
        "time_zone": m.time_zone, "city": m.city, "country": m.country.code if m.country_id else None,
        "region": m.region.code if m.region_id else None,
        "host_countries": sorted(host_codes(m)),
        "panel": m.panel.slug if m.panel_id else None, "activity": m.activity_id, "status": m.status,
        "status_label": str(_STATUS_LABELS.get(m.status, m.status)), "access": m.access,
    }


def _detail(request, meeting: Meeting) -> dict:
    user = request.user
    # As on the page: an unpublished agenda names people only for those who may see personal data; speakers'
    # addresses only for the staff who edit the agenda.
    people = meeting.is_public or can(user, "see_personal_data", User)
    editor = can(user, "change", meeting)
    data = _meeting(meeting)
    data.update({
        "summary": meeting.summary, "notes": meeting.notes, "organisers": meeting.organisers,
        "languages": sorted(lang.code for lang in meeting.languages.all()),
        "themes": sorted(theme.code for theme in meeting.themes.all()), "status_reason": meeting.status_reason,
        "registration": meeting.registration, "capacity": meeting.capacity,
        "registration_closes_at": meeting.registration_closes_at, "self_check_in": meeting.self_check_in,
        "speaker_deadline": meeting.speaker_deadline, "ics_sequence": meeting.ics_sequence,
        "sessions": [{
            "id": s.pk, "order": s.order, "kind": s.kind, "number": s.number, "title": s.title, "day": s.day,
            "starts_at": s.starts_at, "ends_at": s.ends_at, "moderator": s.moderator if people else "",
            "summary": s.summary,
            "contributions": [{
                "id": c.pk, "order": c.order, "speaker_name": c.speaker_name if people else "",
                "speaker_role": c.speaker_role if people else "", "country": c.country.code if c.country_id else None,
                "title": c.title, "speaker_email": c.speaker_email if editor else None,
            } for c in s.contributions.all()],
            "discussion": [{
                "id": n.pk, "order": n.order, "question": n.question, "asked_by": n.asked_by if people else "",
                "country": n.country.code if n.country_id else None, "answer": n.answer,
                "answered_by": n.answered_by if people else "",
            } for n in s.discussion.all()],
        } for s in agenda_sessions(meeting)],
        # Only what this caller may open: a restricted file is absent, never listed (events.protection).
        "materials": [{"id": m.pk, "title": m.title, "kind": m.kind, "session": m.session_id,
                       "contribution": m.contribution_id}
                      for m in materials_visible_to(user, meeting, registration_ids(request))],
    })
    return data


def _get(request, meeting_id) -> Meeting:
    return get_visible_or_404(request.user, meeting_detail_queryset().select_related("panel"), pk=meeting_id)


# ---------------------------------------------------------------- input


class MeetingFilters(Schema):
    kind: Meeting.Kind | None = None
    year: Year | None = None
    region: Code | None = None
    panel: Code | None = Field(None, description="A panel's short name")
    activity: Id | None = Field(None, description="An Action activity's id")


class MeetingPatch(Schema):
    kind: Code | None = Field(None, description="panel_meeting, round_table, conference, online_consultation, "
                                                "workshop, training or study_visit")
    title: Translations | None = None
    summary: Translations | None = None
    notes: Translations | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    time_zone: Text(64) | None = Field(None, description="An IANA time zone, e.g. Europe/Minsk")
    city: model_text(Meeting, "city") | None = None
    country: Code | None = None
    region: Code | None = None
    host_countries: list[Code] | None = None
    organisers: LongText | None = None
    languages: list[Code] | None = None
    themes: list[Code] | None = None
    panel: Code | None = Field(None, description="A panel's short name")
    activity: Id | None = Field(None, description="The Action activity this meeting delivers (one meeting each)")
    registration: Code | None = Field(None, description="none, open or invitation")
    capacity: int | None = Field(None, ge=1, le=100000)
    registration_closes_at: datetime.datetime | None = None
    self_check_in: bool | None = None
    speaker_deadline: datetime.datetime | None = None


class MeetingIn(IdempotentIn, MeetingPatch):
    slug: Text(80) | None = Field(None, description="The short name in the page's address; made from the title "
                                                     "when absent")
    kind: Code = Field(description="panel_meeting, round_table, conference, online_consultation, workshop, "
                               "training or study_visit")
    title: Translations
    start_date: datetime.date
    end_date: datetime.date
    time_zone: Text(64) = "Europe/Brussels"
    registration: Code = Meeting.Registration.NONE


def _aware(value, zone_name):
    """A date and time without a zone is read in the meeting's zone (UTC when that is not a known zone)."""
    if value is None or timezone.is_aware(value):
        return value
    return value.replace(tzinfo=known_zone(zone_name) or zoneinfo.ZoneInfo("UTC"))


def _fields(request, data: dict, zone_name: str) -> dict:
    """The services' values for the given input (codes looked up; an unknown one is a 422 naming the field)."""
    fields = {}
    for key in ("kind", "title", "summary", "notes", "start_date", "end_date", "time_zone", "city", "organisers",
                "registration", "capacity", "self_check_in"):
        if key in data:
            fields[key] = data[key]
    for key in ("summary", "notes"):
        if key in fields and fields[key] is None:
            fields[key] = {}
    for key in ("city", "organisers"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    if fields.get("self_check_in") is None:
        fields.pop("self_check_in", None)
    for key in ("registration_closes_at", "speaker_deadline"):
        if key in data:
            fields[key] = _aware(data[key], zone_name)
    if "country" in data:
        fields["country"] = by_code(Country, data["country"], field="country")
    if "region" in data:
        fields["region"] = by_code(Region, data["region"], field="region")
    for key, model in (("host_countries", Country), ("languages", Language), ("themes", ThematicArea)):
        if data.get(key) is not None:
            fields[key] = by_codes(model, data[key], field=key)
    if "panel" in data:
        fields["panel"] = by_code(Panel, data["panel"], field="panel", key="slug")
    if "activity" in data:
        fields["activity"] = None
        if data["activity"] is not None:
            fields["activity"] = visible_to(request.user, Activity).filter(pk=data["activity"]).first()
            if fields["activity"] is None:
                message = _("Choose one of the activities you may see.")
                raise ValidationFailed(message, field="activity", errors={"activity": [message]})
    return fields


# ---------------------------------------------------------------- meetings


@router.get("/meetings", response=list[MeetingOut], summary="Meetings the caller may see, newest first",
            auth=optional_auth(), openapi_extra=OPTIONAL_AUTH)
@answered_as_built(router)
@paginate(Paging)
def meetings_list(request, filters: Query[MeetingFilters]):
    queryset = meetings_for(request.user, kind=filters.kind or "", year=filters.year, region=filters.region or "",
                            panel=filters.panel or "", activity=filters.activity)
    return BuiltMeetingRows(queryset, MeetingOut)


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut,
            summary="A meeting with its whole agenda and the materials the caller may open",
            auth=optional_auth(), openapi_extra=OPTIONAL_AUTH)
def meetings_detail(request, meeting_id: IdPath):
    return _detail(request, _get(request, meeting_id))


@router.post("/meetings", response={201: MeetingDetailOut}, summary="Create a meeting (staff)")
def meetings_create(request, payload: MeetingIn):
    if not can(request.user, "create", Meeting):
        raise NotAllowed()
    data = payload.dict(exclude_unset=True)
    fields = _fields(request, data, payload.time_zone)
    fields.setdefault("time_zone", payload.time_zone)
    fields.setdefault("registration", payload.registration)
    if fields.get("region") is None and fields.get("country") is not None:
        fields["region"] = fields["country"].region
    meeting = services.meeting_create(by=request.user, slug=payload.slug or "",
                                      idempotency_key=payload.idempotency_key, **fields)
    return Status(201, _detail(request, _get(request, meeting.pk)))


@router.patch("/meetings/{meeting_id}", response=MeetingDetailOut, summary="Change a meeting (staff)")
def meetings_update(request, meeting_id: IdPath, payload: MeetingPatch):
    meeting = _get(request, meeting_id)
    if not can(request.user, "change", meeting):
        raise NotAllowed()
    data = payload.dict(exclude_unset=True)
    fields = _fields(request, data, data.get("time_zone") or meeting.time_zone)
    services.meeting_update(meeting=meeting, by=request.user, **fields)
    return _detail(request, _get(request, meeting.pk))


# ---------------------------------------------------------------- agenda


class SessionIn(IdempotentIn):
    kind: Code = Field(Session.Kind.SESSION, description="opening, session, break, business (general business) "
                                                         "or closing")
    number: int | None = Field(None, ge=1, le=999)
    title: Translations
    day: datetime.date
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    moderator: model_text(Session, "moderator") = ""
    summary: Translations | None = None


class ContributionIn(IdempotentIn):
    speaker_name: model_text(Contribution, "speaker_name", min_length=1)
    speaker_role: model_text(Contribution, "speaker_role") = ""
    country: Code | None = None
    title: Translations | None = None
    speaker_email: Text(254) = ""


class DiscussionNoteIn(IdempotentIn):
    question: model_text(DiscussionNote, "question", min_length=1)
    asked_by: model_text(DiscussionNote, "asked_by") = ""
    country: Code | None = None
    answer: model_text(DiscussionNote, "answer") = ""
    answered_by: model_text(DiscussionNote, "answered_by") = ""


def _session_out(request, session: Session) -> dict:
    meeting = _get(request, session.meeting_id)
    return next(s for s in _detail(request, meeting)["sessions"] if s["id"] == session.pk)


@router.post("/meetings/{meeting_id}/sessions", response={201: SessionOut},
             summary="Add a session to a meeting's agenda (staff); kind \"business\" for general business")
def sessions_create(request, meeting_id: IdPath, payload: SessionIn):
    meeting = _get(request, meeting_id)
    if not can(request.user, "change", meeting):
        raise NotAllowed()
    data = payload.dict()
    key = data.pop("idempotency_key")
    session = services.session_create(meeting=meeting, by=request.user, idempotency_key=key, **data)
    return Status(201, _session_out(request, session))


def _session(request, session_id) -> Session:
    session = session_get_for(request.user, session_id)
    if not can(request.user, "change", session):
        raise NotAllowed()
    return session


@router.post("/sessions/{session_id}/contributions", response={201: ContributionOut},
             summary="Add a speaker's contribution to a session (staff)")
def contributions_create(request, session_id: IdPath, payload: ContributionIn):
    session = _session(request, session_id)
    data = payload.dict()
    key = data.pop("idempotency_key")
    data["country"] = by_code(Country, data["country"], field="country")
    contribution = services.contribution_create(session=session, by=request.user, idempotency_key=key, **data)
    out = _session_out(request, contribution.session)
    return Status(201, next(c for c in out["contributions"] if c["id"] == contribution.pk))


@router.post("/sessions/{session_id}/discussion", response={201: DiscussionNoteOut},
             summary="Record a question of a session's discussion and its answer (staff)")
def notes_create(request, session_id: IdPath, payload: DiscussionNoteIn):
    session = _session(request, session_id)
    data = payload.dict()
    key = data.pop("idempotency_key")
    data["country"] = by_code(Country, data["country"], field="country")
    note = services.note_create(session=session, by=request.user, idempotency_key=key, **data)
    out = _session_out(request, note.session)
    return Status(201, next(n for n in out["discussion"] if n["id"] == note.pk))
