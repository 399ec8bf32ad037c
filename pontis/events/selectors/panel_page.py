"""A panel's page read as values: its member countries, delegates, meetings, work programmes with their topics
and host offers, and the meetings staff may link a topic to. No model instance per row: a panel may hold hundreds
of meetings and dozens of topics, and its page is one of the most visited of the staff. Who sees which rows is the
same as ``panels.panel_page`` (the same policies, asked on every request)."""

from __future__ import annotations

import datetime
import functools
import json
from typing import NamedTuple

from django.db.models import JSONField, Q, TextField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import translation

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


@functools.lru_cache(maxsize=4096)
def _country_text(language: str, stored: str, code: str) -> str:
    """``str(country)`` in ``language`` (``translate(name) or code``) of a country whose name is read as its
    stored JSON text: the same for the same text, code and language, so kept."""
    return str(translate(json.loads(stored), language) or code)


def _country(pk, code, stored, language) -> CountryName:
    return CountryName(pk, code, _country_text(language, stored, code))


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


# A meeting a topic may be linked to: ``(pk, title as JsonText, start_date)``, a plain tuple (the page reads a
# hundred of them and writes their options once per language: ``templatetags.events_panel_page``).
MeetingChoice = tuple[int, JsonText, datetime.date]


class MeetingChoices(tuple):
    """The meetings a topic may be linked to (``MeetingChoice``), in order: every title a ``JsonText``, so the
    page may keep their options written (``templatetags.events_panel_page``)."""

    __slots__ = ()


# The statements below are compiled once per worker (``core.awaiting.prepared_rows``, as tuples) with stand-ins for the panel's and rows'
# ids: compiling them cost more Python than reading their answers. A statement that depends on who reads is kept
# only for readers the policy lets see every row of its model (``_sees_all``: the policy adds no condition, so the
# statement is exactly the policy's); other readers' rows are read through the policy as usual.

def _sees_all(policy_rows) -> bool:
    """Whether a policy's answer (``visible_to(user, model)``) is all the model's rows: no condition, join,
    annotation or slice (asked on every request)."""
    query = policy_rows.query
    return not (query.where or query.annotations or query.select_related or query.distinct or query.extra
                or query.combinator or query.is_sliced or query.alias_map)


def _bare(query) -> bool:
    """Whether ``query`` adds nothing to its conditions: no annotation, join, distinct, extra, union or slice."""
    return not (query.annotations or query.select_related or query.distinct or query.extra or query.combinator
                or query.is_sliced)


def _sees_every_programme(policy_rows) -> bool:
    """Whether the policy's answer of ``WorkProgramme`` (``visible_to(user, WorkProgramme)``) is the programmes of
    every panel with no other condition: exactly ``WorkProgramme.objects.filter(panel__in=Panel.objects.all())``
    (asked on every request; any other answer, or another shape of it, is read through the policy as usual)."""
    query = policy_rows.query
    where = query.where
    if not _bare(query) or where.negated or where.connector != "AND" or len(where.children) != 1:
        return False
    lookup = where.children[0]
    if type(lookup) is not RelatedIn or getattr(lookup.lhs, "target", None) is not WorkProgramme._meta.get_field("panel"):
        return False
    panels = lookup.rhs
    return (getattr(panels, "model", None) is Panel and not panels.where.children and not panels.where.negated
            and _bare(panels) and len(panels.select) == 1 and panels.select[0].target is Panel._meta.pk)


def _json(text):
    """A JSON column read as its stored text (``Cast(..., TextField())``), decoded as ``JSONField`` decodes it."""
    return None if text is None else json.loads(text)


# The panel's own columns, its JSON ones read as their stored text (decoded once, not once per member row).
_PANEL_FIELDS = [field for field in Panel._meta.concrete_fields]
_PANEL_NAMES = [field.attname for field in _PANEL_FIELDS]
_PANEL_JSON = [isinstance(field, JSONField) for field in _PANEL_FIELDS]


def _panel_and_members(queryset, slug):
    texts = {f"panel_{field.attname}_json": Cast(field.attname, TextField())
             for field, is_json in zip(_PANEL_FIELDS, _PANEL_JSON, strict=True) if is_json}
    columns = [f"panel_{field.attname}_json" if is_json else field.attname
               for field, is_json in zip(_PANEL_FIELDS, _PANEL_JSON, strict=True)]
    return (queryset.filter(slug=slug).annotate(**texts, member_country_json=Cast("members__country__name", TextField()))
            .order_by("members__country__code")
            .values_list(*columns, "members__id", "members__country_id", "members__country__code", "member_country_json"))


def panel_with_members(user, slug: str) -> tuple[Panel, list[MemberRow]]:
    """``panels.panel_get_for`` (a panel ``user`` may not see answers 404, like a missing one) and its member
    countries by code (``panel_member_rows``): read together in one kept statement for a reader who sees every
    panel; for others, the panel through the policy (a statement compiled for the reader) and its members apart."""
    panels = visible_to(user, Panel)
    if not _sees_all(panels):
        panel = panels.select_related("region").filter(slug=slug).first()  # as ``panels.panel_get_for``
        if panel is None:
            raise Http404
        return panel, panel_member_rows(panel)
    rows = prepared_rows((__name__, "panel"), lambda slug: _panel_and_members(Panel.objects, slug), {"slug": slug},
                         texts=("slug",))
    if not rows:
        raise Http404
    width = len(_PANEL_NAMES)
    values = [_json(value) if is_json else value for value, is_json in zip(rows[0][:width], _PANEL_JSON, strict=True)]
    panel = Panel.from_db(Panel.objects.db, _PANEL_NAMES, values)
    language = translation.get_language()
    members = [MemberRow(pk, country_id, _country(country_id, code, name, language))
               for pk, country_id, code, name in (row[width:] for row in rows) if pk is not None]
    return panel, members


def _members(panel):
    return (PanelMember.objects.filter(panel_id=panel).order_by("country__code")
            .annotate(country_json=Cast("country__name", TextField()))
            .values_list("id", "country_id", "country__code", "country_json"))


def panel_member_rows(panel: Panel) -> list[MemberRow]:
    """The panel's member countries by code (``panels.panel_members``), as values."""
    rows = prepared_rows((__name__, "members"), _members, {"panel": panel.pk})
    language = translation.get_language()
    return [MemberRow(pk, country_id, _country(country_id, code, name, language))
            for pk, country_id, code, name in rows]


def _delegates(queryset, panel):
    return (queryset.filter(panel_id=panel).order_by("country__code", "name")
            .annotate(country_json=Cast("country__name", TextField()))
            .values_list("id", "name", "institution", "role", "is_active", "country__code", "country_json"))


def panel_delegate_rows(user, panel: Panel) -> list[DelegateRow]:
    """``panels.panel_delegates_for`` as values: the delegates ``user`` may see, by country and name."""
    delegates = visible_to(user, PanelDelegate)
    if _sees_all(delegates):
        rows = prepared_rows((__name__, "delegates"), lambda panel: _delegates(PanelDelegate.objects, panel),
                             {"panel": panel.pk})
    else:
        rows = _delegates(delegates, panel.pk)
    language = translation.get_language()
    return [DelegateRow(pk, name, institution, role, is_active, _country_text(language, country, code))
            for pk, name, institution, role, is_active, code, country in rows]


def panel_programme_rows(user, panel: Panel) -> list[ProgrammeRow]:
    """``panels.panel_programmes_for`` as values: the work programmes ``user`` may see, newest year first, each with
    its topics in order, the topic's meeting, and the host offers ``user`` may see by country code. The same three
    queries (none for the topics without programmes, none for the offers without topics)."""
    programmes = visible_to(user, WorkProgramme)
    offers_seen = None
    if _sees_every_programme(programmes):
        offers_seen = visible_to(user, HostOffer)
        if _sees_all(offers_seen):
            return _programme_rows_together(panel)
    programmes = list(programmes.filter(panel=panel).order_by("-year").values_list(
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
        language = translation.get_language()
        if offers_seen is None:
            offers_seen = visible_to(user, HostOffer)
        if _sees_all(offers_seen):
            offer_rows = prepared_rows((__name__, "offers"), lambda topics: _offers(HostOffer.objects, topics),
                                       {"topics": list(offers)}, lists=("topics",))
        else:
            offer_rows = _offers(offers_seen, list(offers))
        for pk, topic_id, country_id, code, name, status, note in offer_rows:
            offers[topic_id].append(OfferRow(pk, country_id, _country_text(language, name, code), status, note))
    return [ProgrammeRow(pk, year, status, notes, slug, title, topics[pk])
            for pk, year, status, notes, slug, title in programmes]


def _programmes_together(panel):
    # The policies' statements (``_sees_every_programme``, ``_sees_all``) of the programmes, their topics and offers.
    return (WorkProgramme.objects.filter(panel__in=Panel.objects.all(), panel_id=panel)
            .annotate(notes_json=Cast("notes", TextField()), presented_json=Cast("presented_at__title", TextField()),
                      topic_json=Cast("topics__title", TextField()),
                      topic_meeting_json=Cast("topics__meeting__title", TextField()),
                      offer_country_json=Cast("topics__host_offers__country__name", TextField()))
            .order_by("-year", "topics__order", "topics__host_offers__country__code")
            .values_list("id", "year", "status", "notes_json", "presented_at__slug", "presented_json",
                         "topics__id", "topic_json", "topics__meeting_id", "topics__meeting__slug",
                         "topic_meeting_json", "topics__host_offers__id", "topics__host_offers__country_id",
                         "topics__host_offers__country__code", "offer_country_json", "topics__host_offers__status",
                         "topics__host_offers__note"))


def _programme_rows_together(panel: Panel) -> list[ProgrammeRow]:
    """``panel_programme_rows`` for a reader who sees every programme of the panels they see and every offer: the
    programmes, their topics and the topics' offers in one statement (a row per offer, or per topic without
    offers, or per programme without topics)."""
    programmes: list[ProgrammeRow] = []
    topics: dict = {}
    language = translation.get_language()
    programme = topic = None
    for (pk, year, status, notes, slug, title, topic_id, topic_title, meeting_id, meeting_slug, meeting_title,
         offer_id, country_id, code, country, offer_status, note) in prepared_rows(
            (__name__, "programmes"), _programmes_together, {"panel": panel.pk}):
        if programme is None or programme.pk != pk:
            programme = ProgrammeRow(pk, year, status, _json(notes), slug, _json(title), [])
            programmes.append(programme)
        if topic_id is None:
            continue
        topic = topics.get(topic_id)
        if topic is None:
            topic = topics[topic_id] = TopicRow(topic_id, JsonText(topic_title), meeting_id, meeting_slug,
                                                _json(meeting_title), [])
            programme.ordered_topics.append(topic)
        if offer_id is not None:
            topic.visible_offers.append(OfferRow(offer_id, country_id, _country_text(language, country, code),
                                                 offer_status, note))
    return programmes


def _topics(programmes):
    return (WorkProgrammeTopic.objects.filter(programme_id__in=programmes).order_by("order")
            .values_list("id", "programme_id", "title", "meeting_id", "meeting__slug", "meeting__title"))


def _offers(queryset, topics):
    return (queryset.filter(topic_id__in=topics).order_by("country__code")
            .annotate(country_json=Cast("country__name", TextField()))
            .values_list("id", "topic_id", "country_id", "country__code", "country_json", "status", "note"))


def _choices(panel):
    # ``panels.panel_meetings_to_link``: the panel's own meetings and the panel meetings of no panel yet.
    return (Meeting.objects.filter(Q(panel_id=panel) | Q(panel__isnull=True, kind=Meeting.Kind.PANEL_MEETING))
            .order_by("-start_date", "slug").annotate(title_json=Cast("title", TextField()))
            .values_list("id", "title_json", "start_date"))


def panel_meeting_choice_rows(panel: Panel) -> MeetingChoices:
    """``panels.panel_meeting_choices`` as values: the meetings a topic may be linked to, newest first
    (``MeetingChoice``), each title as its stored JSON text (``JsonText``)."""
    return MeetingChoices([(pk, JsonText(title), start)
                           for pk, title, start in prepared_rows((__name__, "choices"), _choices, {"panel": panel.pk})])


def _meetings(queryset, panel):
    return (queryset.filter(panel_id=panel).order_by("-start_date", "slug")
            .annotate(title_json=Cast("title", TextField()))
            .values_list("id", "slug", "title_json", "start_date", "end_date"))


def _hosts(panel):
    return (Meeting.host_countries.through.objects.filter(meeting__panel_id=panel).order_by("country__code")
            .annotate(country_json=Cast("country__name", TextField()))
            .values_list("meeting_id", "country__code", "country_json"))


def panel_meeting_value_rows(user, panel: Panel, seen=None) -> list[PanelMeetingRow]:
    """``panels.panel_meeting_rows``: the panel's meetings ``user`` may see, newest first, each with its host
    countries by code (names as ``str(country)`` writes them) and its title as its stored JSON text (``JsonText``).
    The host countries of all the panel's meetings are read by the panel (one indexed statement for every reader)
    and kept only for the meetings shown. ``seen``: ``visible_to(user, Meeting)`` when the caller has it."""
    seen = visible_to(user, Meeting) if seen is None else seen
    if _sees_all(seen):
        rows = prepared_rows((__name__, "meetings"), lambda panel: _meetings(Meeting.objects, panel),
                             {"panel": panel.pk})
    else:
        rows = list(_meetings(seen, panel.pk))
    if not rows:
        return []
    hosts: dict = {row[0]: [] for row in rows}
    language = translation.get_language()
    for meeting_id, code, name in prepared_rows((__name__, "hosts"), _hosts, {"panel": panel.pk}):
        shown = hosts.get(meeting_id)
        if shown is not None:
            shown.append((code, _country_text(language, name, code)))
    return [PanelMeetingRow(pk, slug, JsonText(title), start, end, [code for code, _name in hosts[pk]],
                            [name for _code, name in hosts[pk]])
            for pk, slug, title, start, end in rows]


def _meetings_and_choices(panel):
    # ``_choices`` with each meeting's host countries by code (a row per host, or one without), and what
    # ``_meetings`` reads of the panel's own.
    return (Meeting.objects.filter(Q(panel_id=panel) | Q(panel__isnull=True, kind=Meeting.Kind.PANEL_MEETING))
            .annotate(title_json=Cast("title", TextField()), host_json=Cast("host_countries__name", TextField()))
            .order_by("-start_date", "slug", "host_countries__code")
            .values_list("id", "slug", "title_json", "start_date", "end_date", "panel_id", "host_countries__code",
                         "host_json"))


def panel_meetings_and_choices(panel: Panel) -> tuple[list[PanelMeetingRow], MeetingChoices]:
    """``panel_meeting_value_rows`` for a reader who sees every meeting, and ``panel_meeting_choice_rows``, in one
    statement: the meetings a topic may be linked to are the panel's own and the panel meetings of no panel, in
    the same order."""
    meetings: list[PanelMeetingRow] = []
    choices: list[MeetingChoice] = []
    language = translation.get_language()
    last = None
    own = panel.pk
    for pk, slug, title, start, end, panel_id, code, name in prepared_rows(
            (__name__, "meetings_and_choices"), _meetings_and_choices, {"panel": own}):
        if last is None or last.pk != pk:
            text = JsonText(title)
            choices.append((pk, text, start))
            last = PanelMeetingRow(pk, slug, text, start, end, [], [])
            if panel_id == own:
                meetings.append(last)
        if code is not None and panel_id == own:
            last.host_codes.append(code)
            last.host_names.append(_country_text(language, name, code))
    return meetings, MeetingChoices(choices)


def panel_page_rows(user, panel: Panel, *, members=None, choices: bool = False) -> dict:
    """What ``panels.panel_page`` gives the panel's page, as values (``members``: the panel's member countries
    when the caller has them already, ``panel_with_members``); with ``choices``, also the meetings a topic may be
    linked to (``panel_meeting_choice_rows``) as ``link_meetings``."""
    rows = {"members": panel_member_rows(panel) if members is None else members,
            "delegates": panel_delegate_rows(user, panel)}
    meetings = visible_to(user, Meeting)
    if choices and _sees_all(meetings):
        rows["meetings"], rows["link_meetings"] = panel_meetings_and_choices(panel)
    else:
        rows["meetings"] = panel_meeting_value_rows(user, panel, meetings)
        if choices:
            rows["link_meetings"] = panel_meeting_choice_rows(panel)
    rows["programmes"] = panel_programme_rows(user, panel)
    return rows
