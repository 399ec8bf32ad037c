"""Meeting pages: the list (filters and pagination) and a meeting with its agenda. Thin: one selector each."""

from django.core.paginator import Paginator
from django.shortcuts import render

from pontis.accounts.models import User
from pontis.core.awaiting import statements_read_ahead
from pontis.core.permissions import can, public

from .models import Meeting
from .selectors import (
    meeting_agenda_rows,
    meeting_reference_names,
)
from .selectors.meeting_list import meeting_list_values, meeting_list_years, meeting_region_choices
from .selectors.meetings import meeting_page_get
from .selectors.registration import registration_for_user, registration_is_open  # protection: honours registration links
from .views_materials import materials_page  # protection: materials section and noindex
from .visitor import registration_ids

PAGE_SIZE = 20


def _filters(request):
    """Read the filters leniently: an unknown value is ignored rather than answered with an error page."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Meeting.Kind.values else ""
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
    if year is not None and not 1900 <= year <= 2200:
        year = None
    region = request.GET.get("region", "")
    regions = meeting_region_choices()
    region = region if any(code == region for code, _label in regions) else ""
    return kind, year, region, regions


@public
def meeting_list(request):
    kind, year, region, regions = _filters(request)
    rows = meeting_list_values(request.user, kind=kind, year=year, region=region, page_size=PAGE_SIZE)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/meeting_list.html", {
        "page": page, "years": meeting_list_years(request.user), "regions": regions,
        "kind": kind, "year": year, "region": region, "filtered": bool(kind or year or region),
    })


@public
def meeting_detail(request, slug):
    meeting = meeting_page_get(request.user, slug, registration_ids(request))  # protection.py decides
    # What the page reads after the meeting itself (its names, agenda, materials, minutes, registration and the
    # layout) are small statements of the meeting's id, the reader's id and the day: read in one round trip where the
    # page of a meeting in the same state, for a reader of the same roles, asked them before
    # (``core.awaiting.statements_read_ahead``). Who may see each part is still decided on this request.
    with statements_read_ahead(f"events.meeting:{meeting.status}:{meeting.is_public}", request.user,
                               getattr(request.user, "role_codes", ()), subject=meeting.pk):
        return _meeting_page(request, meeting)


def _meeting_page(request, meeting):
    # A published agenda names its speakers for everyone; an unpublished one only for people who may see
    # personal data (never a donor observer).
    show_people = meeting.is_public or can(request.user, "see_personal_data", User)
    return materials_page(request, meeting, "events/meeting_detail.html", {  # + materials, noindex
        "meeting": meeting, "names": meeting_reference_names(meeting), "agenda": meeting_agenda_rows(meeting),
        "may_change": can(request.user, "change", meeting),
        "show_people": show_people, "own_registration": registration_for_user(meeting, request.user),
        "registration_open": registration_is_open(meeting),
    })
