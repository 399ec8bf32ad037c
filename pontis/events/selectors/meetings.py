"""Reads of meetings: the filtered list and a meeting's agenda, with their related rows fetched up front."""

from __future__ import annotations

import itertools
from typing import NamedTuple

from django.db.models import F, IntegerField, Prefetch, Value
from django.http import Http404

from pontis.core.i18n import translate
from pontis.core.models import Country, Language, ThematicArea
from pontis.core.permissions import visible_to

from ..models import Contribution, DiscussionNote, Meeting, Session
from ..protection import meeting_q
from .materials import meeting_get_for
from .meeting_statements import kept_rows


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
    hosts = meeting_host_pairs([m.pk for m in meetings])
    for meeting in meetings:
        meeting.host_codes = [code for code, _name in hosts[meeting.pk]]
        meeting.host_names = [name for _code, name in hosts[meeting.pk]]
    return meetings


def meeting_host_pairs(ids, among=None) -> dict:
    """``{meeting id: [(code, name), ...]}`` of the meetings ``ids``: their host countries by code, each name as
    ``str(country)`` writes it in the reader's language. One query of values (none without ids). ``among``: a
    query of exactly these meetings' ids, to select them by in the statement (a subquery) rather than by writing
    each id into it."""
    hosts: dict = {pk: [] for pk in ids}
    if hosts:
        rows = (Meeting.host_countries.through.objects.filter(meeting_id__in=list(hosts) if among is None else among)
                .values_list("meeting_id", "country__code", "country__name").order_by("country__code"))
        for meeting_id, code, name in rows:
            hosts[meeting_id].append((code, translate(name) or code))
    return hosts


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


def _meeting_by_slug(slug):
    return meeting_page_queryset().filter(slug=slug)[:1]


def meeting_page_get(user, slug: str, registration_ids=()) -> Meeting:
    """``meeting_get_for(user, meeting_page_queryset(), slug=slug)``: the meeting for its page, or 404 for a missing
    one and for one this visitor may not see alike. When the protection rules let this visitor see every meeting
    (an empty ``meeting_q``: staff), the statement is the same for every request and is compiled once per worker;
    otherwise ``meeting_get_for`` asks with the visitor's own conditions."""
    if meeting_q(user, registration_ids):
        return meeting_get_for(user, meeting_page_queryset(), slug=slug, registration_ids=registration_ids)
    rows = kept_rows("events.meeting_page", _meeting_by_slug, {"slug": str(slug)}, texts=("slug",))
    if not rows:
        raise Http404
    return rows[0]


def _reference_names(meeting):
    def names(model, link: str, kind: int, sort_order: bool):
        order = F("sort_order") if sort_order else Value(0, output_field=IntegerField())
        return (model.objects.filter(**{link: meeting}).order_by()
                .annotate(list_kind=Value(kind, output_field=IntegerField()), list_order=order)
                .values_list("list_kind", "list_order", "code", "name"))

    return (names(Country, "hosted_meetings", 0, False)
            .union(names(Language, "meetings", 1, False), names(ThematicArea, "meetings", 2, True), all=True)
            .order_by("list_kind", "list_order", "code"))


def meeting_reference_names(meeting: Meeting) -> dict[str, list[str]]:
    """The names of the meeting's host countries (``hosts``), working languages (``languages``) and thematic areas
    (``themes``), each as ``str()`` of the item gives it and in its model's order, read in one statement instead of
    three prefetches (compiled once per worker: only the meeting changes)."""
    rows = kept_rows("events.meeting_reference_names", _reference_names, {"meeting": meeting.pk})
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


class AgendaSession(NamedTuple):
    """What the meeting's page shows of a session (``templatetags.events_agenda.agenda_days``)."""

    day: object
    number: int | None
    title: object
    starts_at: object
    ends_at: object
    moderator: str
    summary: object
    contributions: list
    discussion: list


class AgendaContribution(NamedTuple):
    speaker_name: str
    speaker_role: str
    country: str | None  # as ``str(country)`` writes it in the reader's language; None without a country
    title: object


class AgendaNote(NamedTuple):
    country: str | None  # as ``str(country)`` writes it in the reader's language; None without a country
    asked_by: str
    question: str
    answered_by: str
    answer: str


def _agenda_sessions(meeting):
    return Session.objects.filter(meeting=meeting).order_by("day", "order").values_list(
        "id", "day", "number", "title", "starts_at", "ends_at", "moderator", "summary")


def _agenda_contributions(meeting):
    return Contribution.objects.filter(session__meeting=meeting).order_by("order").values_list(
        "session_id", "speaker_name", "speaker_role", "country__code", "country__name", "title")


def _agenda_discussion(meeting):
    return DiscussionNote.objects.filter(session__meeting=meeting).order_by("order").values_list(
        "session_id", "country__code", "country__name", "asked_by", "question", "answered_by", "answer")


def meeting_agenda_rows(meeting: Meeting) -> list[tuple]:
    """``meeting_agenda`` as the values the meeting's page shows, no model instance per row: ``[(day,
    [AgendaSession, ...]), ...]``, each session's ``contributions`` and ``discussion`` as lists, the countries'
    names in the active language. The same three queries (none for the speakers and notes without sessions), each
    statement compiled once per worker."""
    values = {"meeting": meeting.pk}
    sessions = kept_rows("events.agenda_sessions", _agenda_sessions, values)
    if not sessions:
        return []
    contributions: dict[int, list] = {row[0]: [] for row in sessions}
    discussion: dict[int, list] = {row[0]: [] for row in sessions}
    names: dict = {}  # the country's name by code: a meeting's speakers come from a few countries

    def country(code, name):
        if code is None:
            return None
        text = names.get(code)
        if text is None:
            text = names[code] = translate(name) or code
        return text

    for session_id, speaker, role, code, name, title in kept_rows(
            "events.agenda_contributions", _agenda_contributions, values):
        contributions[session_id].append(AgendaContribution(speaker, role, country(code, name), title))
    for session_id, code, name, asked_by, question, answered_by, answer in kept_rows(
            "events.agenda_discussion", _agenda_discussion, values):
        discussion[session_id].append(AgendaNote(country(code, name), asked_by, question, answered_by, answer))
    rows = [AgendaSession(day, number, title, starts_at, ends_at, moderator, summary, contributions[pk], discussion[pk])
            for pk, day, number, title, starts_at, ends_at, moderator, summary in sessions]
    return [(day, list(group)) for day, group in itertools.groupby(rows, key=lambda s: s.day)]
