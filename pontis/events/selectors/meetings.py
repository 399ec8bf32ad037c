"""Reads of meetings: the filtered list and a meeting's agenda, with their related rows fetched up front."""

from __future__ import annotations

import itertools
import json
from typing import NamedTuple

from django.db.models import F, IntegerField, Prefetch, TextField, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import get_language

from pontis.accounts.models import User
from pontis.core.i18n import translate
from pontis.core.models import Country, Language, ThematicArea
from pontis.core.permissions import visible_to

from ..models import Contribution, DiscussionNote, Meeting, Session
from ..protection import Visitor
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


def _stand_in_visitor(roles: tuple, user=None, registrations=()) -> Visitor:
    """A visitor of the same shape as the one a statement is kept for: signed in (as the stand-in id ``user``)
    with ``roles``, or not (``user`` None), holding the stand-in ids ``registrations``."""
    person = None
    if user is not None:
        person = User(pk=user, is_active=True)
        person.__dict__["role_codes"] = set(roles)  # what ``User.role_codes`` keeps once read
    return Visitor(person, registrations)


def _meeting_by_slug_for(roles: tuple):
    def build(slug, user=None, registrations=()):
        return meeting_page_queryset().filter(_stand_in_visitor(roles, user, registrations).meeting_q(),
                                              slug=slug)[:1]
    return build


def meeting_page_get(user, slug: str, registration_ids=()) -> Meeting:
    """``meeting_get_for(user, meeting_page_queryset(), slug=slug)``: the meeting for its page, or 404 for a missing
    one and for one this visitor may not see alike, in one statement compiled once per worker for each shape of
    visitor. When the protection rules let this visitor see every meeting (an empty ``meeting_q``: staff), it is
    the same for every request. Otherwise it asks the database with the visitor's own conditions
    (``Visitor.meeting_q``), built for a stand-in visitor of the same shape (signed in or not, the same roles, as
    many remembered registrations) with the visitor's id and registrations put in on every request."""
    who = Visitor(user, registration_ids)
    if who.staff:
        rows = kept_rows("events.meeting_page", _meeting_by_slug, {"slug": str(slug)}, texts=("slug",))
    else:
        values: dict = {"slug": str(slug)}
        roles = tuple(sorted(who.role_codes))
        if who.signed_in:
            values["user"] = who.user.pk
        if who.registration_ids:
            values["registrations"] = list(who.registration_ids)
        shape = f"{'.'.join(values)}:{','.join(roles)}"
        rows = kept_rows(f"events.meeting_page_for.{shape}", _meeting_by_slug_for(roles), values, texts=("slug",),
                         lists=("registrations",) if who.registration_ids else ())
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


# The agenda's translated texts ({lang: text}) are read as their JSON text and parsed here, once per worker for each
# text (``_parsed``): a meeting's page shows the same titles on every visit, and the rows then need no conversion.
_parsed: dict = {}


def _json(text):
    """The value of the JSON ``text`` (None for None), as the JSON field would have read it."""
    if text is None:
        return None
    value = _parsed.get(text)
    if value is None:
        if len(_parsed) >= 5000:
            _parsed.clear()
        value = _parsed[text] = json.loads(text)
    return value


# A country's name as the agenda writes it, by language, code and the name's JSON text (so a renamed country is a
# new entry): the same few countries' names on every visit.
_country_names: dict = {}


def _text(name):
    return Cast(name, TextField())


def _agenda_sessions(meeting):
    return Session.objects.filter(meeting=meeting).order_by("day", "order").values_list(
        "id", "day", "number", _text("title"), "starts_at", "ends_at", "moderator", _text("summary"))


def _agenda_contributions(meeting):
    return Contribution.objects.filter(session__meeting=meeting).order_by("order").values_list(
        "session_id", "speaker_name", "speaker_role", "country__code", _text("country__name"), _text("title"))


def _agenda_discussion(meeting):
    return DiscussionNote.objects.filter(session__meeting=meeting).order_by("order").values_list(
        "session_id", "country__code", _text("country__name"), "asked_by", "question", "answered_by", "answer")


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
    language = get_language()

    def country(code, name):
        if code is None:
            return None
        key = (language, code, name)
        text = _country_names.get(key)
        if text is None:
            if len(_country_names) >= 5000:
                _country_names.clear()
            text = _country_names[key] = translate(_json(name)) or code
        return text

    for session_id, speaker, role, code, name, title in kept_rows(
            "events.agenda_contributions", _agenda_contributions, values):
        contributions[session_id].append(AgendaContribution(speaker, role, country(code, name), _json(title)))
    for session_id, code, name, asked_by, question, answered_by, answer in kept_rows(
            "events.agenda_discussion", _agenda_discussion, values):
        discussion[session_id].append(AgendaNote(country(code, name), asked_by, question, answered_by, answer))
    rows = [AgendaSession(day, number, _json(title), starts_at, ends_at, moderator, _json(summary), contributions[pk],
                          discussion[pk])
            for pk, day, number, title, starts_at, ends_at, moderator, summary in sessions]
    return [(day, list(group)) for day, group in itertools.groupby(rows, key=lambda s: s.day)]
