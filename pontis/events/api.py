"""Read-only API for meetings: ``GET /api/v1/events`` (paginated, filterable) and ``GET /api/v1/events/{id}``.

Public meetings are readable without a token; a valid token or session shows the others too. A request that
sends an ``Authorization`` header with an invalid token is refused (401) rather than silently treated as anonymous.
"""


import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.accounts.models import User
from pontis.core.api_helpers import Code, IdPath, Paging, Year
from pontis.core.i18n import translate
from pontis.core.permissions import can, get_visible_or_404

from .api_agenda import MeetingRows, host_codes
from .models import Meeting
from .selectors import meeting_agenda, meeting_detail_queryset, meetings_for

router = Router(tags=["events"], auth=optional_auth())


class EventContributionOut(Schema):
    speaker_name: str
    speaker_role: str
    country: str | None
    title: dict


class EventSessionOut(Schema):
    number: int | None
    title: dict
    day: datetime.date
    moderator: str
    contributions: list[EventContributionOut]


class EventOut(Schema):
    id: int
    slug: str
    kind: str
    title: dict
    title_text: str
    start_date: datetime.date
    end_date: datetime.date
    city: str
    country: str | None
    region: str | None
    host_countries: list[str]
    is_public: bool
    status: str


class EventDetailOut(EventOut):
    summary: dict
    notes: dict
    organisers: str
    languages: list[str]
    themes: list[str]
    sessions: list[EventSessionOut]


class EventFilters(Schema):
    kind: Meeting.Kind | None = None
    year: Year | None = None
    region: Code | None = None


def _meeting(m: Meeting) -> dict:
    return {
        "id": m.pk, "slug": m.slug, "kind": m.kind, "title": m.title, "title_text": str(translate(m.title)),
        "start_date": m.start_date, "end_date": m.end_date, "city": m.city,
        "country": m.country.code if m.country_id else None, "region": m.region.code if m.region_id else None,
        "host_countries": sorted(host_codes(m)), "is_public": m.is_public, "status": m.status,
    }


# Public meetings need no credentials: the document says so with an empty security requirement.


@router.get("/events", response=list[EventOut], summary="Meetings the caller may see, newest first",
            openapi_extra=OPTIONAL_AUTH)
@paginate(Paging)
def events_list(request, filters: Query[EventFilters]):
    queryset = meetings_for(request.user, kind=filters.kind or "", year=filters.year, region=filters.region or "")
    return MeetingRows(queryset, _meeting)


@router.get("/events/{meeting_id}", response=EventDetailOut, summary="A meeting with its agenda",
            openapi_extra=OPTIONAL_AUTH)
def events_detail(request, meeting_id: IdPath):
    meeting = get_visible_or_404(request.user, meeting_detail_queryset(), pk=meeting_id)
    # As on the page: an unpublished agenda names people only for those who may see personal data.
    people = meeting.is_public or can(request.user, "see_personal_data", User)
    data = _meeting(meeting)
    data.update({
        "summary": meeting.summary, "notes": meeting.notes, "organisers": meeting.organisers,
        "languages": [lang.code for lang in meeting.languages.all()],
        "themes": [theme.code for theme in meeting.themes.all()],
        "sessions": [
            {"number": s.number, "title": s.title, "day": s.day, "moderator": s.moderator if people else "",
             "contributions": [{"speaker_name": c.speaker_name if people else "",
                                "speaker_role": c.speaker_role if people else "",
                                "country": c.country.code if c.country_id else None, "title": c.title}
                               for c in s.contributions.all()]}
            for _day, sessions in meeting_agenda(meeting) for s in sessions
        ],
    })
    return data
