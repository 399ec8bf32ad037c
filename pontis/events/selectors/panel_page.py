"""A panel's page read as values: its member countries, delegates, meetings, work programmes with their topics
and host offers, and the meetings staff may link a topic to. No model instance per row: a panel may hold hundreds
of meetings and dozens of topics, and its page is one of the most visited of the staff. Who sees which rows is the
same as ``panels.panel_page`` (the same policies, asked on every request)."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from pontis.core.awaiting import prepared_rows
from pontis.core.i18n import translate
from pontis.core.permissions import visible_to

from ..models import HostOffer, Meeting, Panel, PanelDelegate, PanelMember, WorkProgramme, WorkProgrammeTopic
from .panels import PanelMeetingRow


class JsonText(str):
    """A meeting's title (``{language: text}``) as its stored JSON text: the page writes the same titles on every
    visit, so it decodes and writes each text once per language (``templatetags.events_panel_page``)."""

    __slots__ = ()


class CountryName(NamedTuple):
    """A country as the page shows it: its id, code and its name in the reader's language (``str(country)``)."""

    pk: int
    code: str
    name: str

    def __str__(self) -> str:
        return self.name


def _country(pk, code, name) -> CountryName:
    return CountryName(pk, code, str(translate(name) or code))


class MemberRow(NamedTuple):
    pk: int
    country_id: int
    country: CountryName


class DelegateRow(NamedTuple):
    pk: int
    name: str
    institution: str
    role: str
    is_active: bool
    country: str  # as ``str(country)`` writes it in the reader's language


class OfferRow(NamedTuple):
    pk: int
    country_id: int
    country: str  # as ``str(country)`` writes it in the reader's language
    status: str
    note: str


class TopicRow(NamedTuple):
    pk: int
    title: object
    meeting_id: int | None
    meeting_slug: str | None
    meeting_title: object
    visible_offers: list


class ProgrammeRow(NamedTuple):
    pk: int
    year: int
    status: str
    notes: object
    presented_slug: str | None
    presented_title: object
    ordered_topics: list


class MeetingChoice(NamedTuple):
    pk: int
    title: JsonText
    start_date: datetime.date


# The statements below are compiled once per worker (``core.awaiting.prepared_rows``, as tuples) with stand-ins for the panel's and rows'
# ids: compiling them cost more Python than reading their answers. A statement that depends on who reads is kept
# only for readers the policy lets see every row of its model (``_sees_all``: the policy adds no condition, so the
# statement is exactly the policy's); other readers' rows are read through the policy as usual.

def _sees_all(user, model) -> bool:
    """Whether the policy of ``model`` lets ``user`` see all its rows: ``visible_to`` answers the model's rows
    with no condition, join, annotation or slice (asked on every request)."""
    query = visible_to(user, model).query
    return not (query.where or query.annotations or query.select_related or query.distinct or query.extra
                or query.combinator or query.is_sliced or query.alias_map)


def _members(panel):
    return (PanelMember.objects.filter(panel_id=panel).order_by("country__code")
            .values_list("id", "country_id", "country__code", "country__name"))


def panel_member_rows(panel: Panel) -> list[MemberRow]:
    """The panel's member countries by code (``panels.panel_members``), as values."""
    rows = prepared_rows((__name__, "members"), _members, {"panel": panel.pk})
    return [MemberRow(pk, country_id, _country(country_id, code, name)) for pk, country_id, code, name in rows]


def _delegates(queryset, panel):
    return (queryset.filter(panel_id=panel).order_by("country__code", "name")
            .values_list("id", "name", "institution", "role", "is_active", "country__code", "country__name"))


def panel_delegate_rows(user, panel: Panel) -> list[DelegateRow]:
    """``panels.panel_delegates_for`` as values: the delegates ``user`` may see, by country and name."""
    if _sees_all(user, PanelDelegate):
        rows = prepared_rows((__name__, "delegates"), lambda panel: _delegates(PanelDelegate.objects, panel),
                             {"panel": panel.pk})
    else:
        rows = _delegates(visible_to(user, PanelDelegate), panel.pk)
    names: dict = {}
    result = []
    for pk, name, institution, role, is_active, code, country in rows:
        shown = names.get(code)
        if shown is None:
            shown = names[code] = str(translate(country) or code)
        result.append(DelegateRow(pk, name, institution, role, is_active, shown))
    return result


def panel_programme_rows(user, panel: Panel) -> list[ProgrammeRow]:
    """``panels.panel_programmes_for`` as values: the work programmes ``user`` may see, newest year first, each with
    its topics in order, the topic's meeting, and the host offers ``user`` may see by country code. The same three
    queries (none for the topics without programmes, none for the offers without topics)."""
    programmes = list(visible_to(user, WorkProgramme).filter(panel=panel).order_by("-year").values_list(
        "id", "year", "status", "notes", "presented_at__slug", "presented_at__title"))
    if not programmes:
        return []
    topics: dict[int, list] = {row[0]: [] for row in programmes}
    offers: dict[int, list] = {}
    topic_rows = prepared_rows((__name__, "topics"), _topics, {"programmes": list(topics)}, lists=("programmes",))
    for pk, programme_id, title, meeting_id, slug, meeting_title in topic_rows:
        offers[pk] = []
        topics[programme_id].append(TopicRow(pk, title, meeting_id, slug, meeting_title, offers[pk]))
    if offers:
        names: dict = {}
        if _sees_all(user, HostOffer):
            offer_rows = prepared_rows((__name__, "offers"), lambda topics: _offers(HostOffer.objects, topics),
                                       {"topics": list(offers)}, lists=("topics",))
        else:
            offer_rows = _offers(visible_to(user, HostOffer), list(offers))
        for pk, topic_id, country_id, code, name, status, note in offer_rows:
            shown = names.get(code)
            if shown is None:
                shown = names[code] = str(translate(name) or code)
            offers[topic_id].append(OfferRow(pk, country_id, shown, status, note))
    return [ProgrammeRow(pk, year, status, notes, slug, title, topics[pk])
            for pk, year, status, notes, slug, title in programmes]


def _topics(programmes):
    return (WorkProgrammeTopic.objects.filter(programme_id__in=programmes).order_by("order")
            .values_list("id", "programme_id", "title", "meeting_id", "meeting__slug", "meeting__title"))


def _offers(queryset, topics):
    return (queryset.filter(topic_id__in=topics).order_by("country__code")
            .values_list("id", "topic_id", "country_id", "country__code", "country__name", "status", "note"))


def _choices(panel):
    # ``panels.panel_meetings_to_link``: the panel's own meetings and the panel meetings of no panel yet.
    return (Meeting.objects.filter(Q(panel_id=panel) | Q(panel__isnull=True, kind=Meeting.Kind.PANEL_MEETING))
            .order_by("-start_date", "slug").annotate(title_json=Cast("title", TextField()))
            .values_list("id", "title_json", "start_date"))


def panel_meeting_choice_rows(panel: Panel) -> list[MeetingChoice]:
    """``panels.panel_meeting_choices`` as values: the meetings a topic may be linked to, newest first, each title
    as its stored JSON text (``JsonText``)."""
    return [MeetingChoice(pk, JsonText(title), start)
            for pk, title, start in prepared_rows((__name__, "choices"), _choices, {"panel": panel.pk})]


def _meetings(queryset, panel):
    return (queryset.filter(panel_id=panel).order_by("-start_date", "slug")
            .annotate(title_json=Cast("title", TextField()))
            .values_list("id", "slug", "title_json", "start_date", "end_date"))


def _hosts(panel):
    return (Meeting.host_countries.through.objects.filter(meeting__panel_id=panel).order_by("country__code")
            .values_list("meeting_id", "country__code", "country__name"))


def panel_meeting_value_rows(user, panel: Panel) -> list[PanelMeetingRow]:
    """``panels.panel_meeting_rows``: the panel's meetings ``user`` may see, newest first, each with its host
    countries by code (names as ``str(country)`` writes them) and its title as its stored JSON text (``JsonText``). The host countries of all the panel's meetings
    are read by the panel (one indexed statement for every reader) and kept only for the meetings shown."""
    if _sees_all(user, Meeting):
        rows = prepared_rows((__name__, "meetings"), lambda panel: _meetings(Meeting.objects, panel),
                             {"panel": panel.pk})
    else:
        rows = list(_meetings(visible_to(user, Meeting), panel.pk))
    if not rows:
        return []
    hosts: dict = {row[0]: [] for row in rows}
    names: dict = {}
    for meeting_id, code, name in prepared_rows((__name__, "hosts"), _hosts, {"panel": panel.pk}):
        shown = hosts.get(meeting_id)
        if shown is not None:
            text = names.get(code)
            if text is None:
                text = names[code] = translate(name) or code
            shown.append((code, text))
    return [PanelMeetingRow(pk, slug, JsonText(title), start, end, [code for code, _name in hosts[pk]],
                            [name for _code, name in hosts[pk]])
            for pk, slug, title, start, end in rows]


def panel_page_rows(user, panel: Panel) -> dict:
    """What ``panels.panel_page`` gives the panel's page, as values."""
    return {
        "members": panel_member_rows(panel),
        "delegates": panel_delegate_rows(user, panel),
        "meetings": panel_meeting_value_rows(user, panel),
        "programmes": panel_programme_rows(user, panel),
    }
