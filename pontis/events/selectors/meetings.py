"""Reads of meetings: the filtered list and a meeting's agenda, with their related rows fetched up front."""

from __future__ import annotations

import itertools

from django.db.models import F, IntegerField, Prefetch, Value

from pontis.core.i18n import translate
from pontis.core.models import Country, Language, ThematicArea
from pontis.core.permissions import visible_to

from ..models import Contribution, DiscussionNote, Meeting, Session


def meetings_for(user, *, kind: str = "", year: int | None = None, region: str = "", panel: str = "",
                 activity: int | None = None):
    """Meetings ``user`` may see, newest first, optionally filtered by kind, year (of the first day), region code,
    panel (short name) and activity (id). Their host countries are not read: ``meeting_hosts`` gives them to the
    rows of a page."""
    queryset = visible_to(user, Meeting).select_related("country", "region", "panel")
    if panel:
        queryset = queryset.filter(panel__slug=panel)
    if activity:
        queryset = queryset.filter(activity_id=activity)
    if kind:
        queryset = queryset.filter(kind=kind)
    if year:
        queryset = queryset.filter(start_date__year=year)
    if region:
        queryset = queryset.filter(region__code=region)
    return queryset.order_by("-start_date", "slug")


# What a row of the meeting list shows (dates, title, kind, place, status, visibility): not the long texts.
_LIST_ROW_FIELDS = ("id", "slug", "kind", "title", "start_date", "end_date", "city", "country", "status", "access")


def meeting_list_rows(user, **filters):
    """``meetings_for`` with only what the rows of the meeting list show (the country of each, for its place)."""
    return meetings_for(user, **filters).select_related(None).select_related("country").only(*_LIST_ROW_FIELDS)


def meeting_hosts(meetings) -> list:
    """Give each of ``meetings`` ``host_codes`` and ``host_names``: its host countries' codes and names (as
    ``str(country)`` writes them, in the reader's language), by code like ``meeting.host_countries.all()``. One
    query of values for all of them, not a country object per row."""
    meetings = list(meetings)
    hosts: dict = {m.pk: [] for m in meetings}
    if hosts:
        rows = (Meeting.host_countries.through.objects.filter(meeting_id__in=list(hosts))
                .values_list("meeting_id", "country__code", "country__name").order_by("country__code"))
        for meeting_id, code, name in rows:
            hosts[meeting_id].append((code, translate(name) or code))
    for meeting in meetings:
        meeting.host_codes = [code for code, _name in hosts[meeting.pk]]
        meeting.host_names = [name for _code, name in hosts[meeting.pk]]
    return meetings


def meeting_years(user) -> list[int]:
    """The years in which the meetings ``user`` may see started, newest first (for the year filter)."""
    dates = visible_to(user, Meeting).dates("start_date", "year", order="DESC")
    return [d.year for d in dates]


def meeting_detail_queryset():
    return Meeting.objects.select_related("country", "region").prefetch_related("host_countries", "languages", "themes")


def meeting_page_queryset():
    """A meeting for its page, with its country, region and minutes (or none) read in the same query: the page
    links to them. Its host countries, languages and thematic areas come from ``meeting_reference_names``."""
    return Meeting.objects.select_related("country", "region", "minutes")


def meeting_reference_names(meeting: Meeting) -> dict[str, list[str]]:
    """The names of the meeting's host countries (``hosts``), working languages (``languages``) and thematic areas
    (``themes``), each as ``str()`` of the item gives it and in its model's order, read in one statement instead of
    three prefetches."""
    def names(model, link: str, kind: int, sort_order: bool):
        order = F("sort_order") if sort_order else Value(0, output_field=IntegerField())
        return (model.objects.filter(**{link: meeting}).order_by()
                .annotate(list_kind=Value(kind, output_field=IntegerField()), list_order=order)
                .values_list("list_kind", "list_order", "code", "name"))

    rows = (names(Country, "hosted_meetings", 0, False)
            .union(names(Language, "meetings", 1, False), names(ThematicArea, "meetings", 2, True), all=True)
            .order_by("list_kind", "list_order", "code"))
    result: dict[str, list[str]] = {"hosts": [], "languages": [], "themes": []}
    keys = ("hosts", "languages", "themes")
    for kind, _order, code, name in rows:
        result[keys[kind]].append(str(translate(name) or code))
    return result


def meeting_agenda(meeting: Meeting) -> list[tuple]:
    """The agenda as ``[(day, [session, ...]), ...]``; each session's contributions are prefetched."""
    sessions = (
        Session.objects.filter(meeting=meeting)
        .order_by("day", "order")
        .prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("country").order_by("order")),
            Prefetch("discussion", queryset=DiscussionNote.objects.select_related("country").order_by("order")),
        )
    )
    return [(day, list(group)) for day, group in itertools.groupby(sessions, key=lambda s: s.day)]
