"""Reads of panels: the list and one panel's page (members, delegates, meetings, work programmes with their topics
and host offers), every related row fetched up front so the page costs the same queries however big the panel."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from pontis.core.permissions import can, visible_to

from ..models import HostOffer, Meeting, Panel, PanelDelegate, PanelMember, WorkProgramme, WorkProgrammeTopic
from .meetings import meeting_host_pairs


def panels_for(user):
    """Panels ``user`` may see, by short name, with how many member countries each has."""
    return (visible_to(user, Panel).select_related("region")
            .annotate(member_count=Count("members", distinct=True)).order_by("slug"))


def panel_get_for(user, slug: str) -> Panel:
    """Fetch-and-authorise: a panel ``user`` may not see answers 404, like a missing one."""
    panel = visible_to(user, Panel).select_related("region").filter(slug=slug).first()
    if panel is None:
        raise Http404
    return panel


def panel_members(panel: Panel):
    return PanelMember.objects.filter(panel=panel).select_related("country").order_by("country__code")


def panel_delegates_for(user, panel: Panel):
    """The panel's delegates ``user`` may see by name (members and staff; nobody else), by country; staff also see
    former delegates (inactive)."""
    return (visible_to(user, PanelDelegate).filter(panel=panel).select_related("country")
            .order_by("country__code", "name"))


# What the panel's page and its API answer show of each meeting: a panel may hold hundreds of meetings, and the
# whole row (texts in five languages, access settings...) would be read and converted for each.
_MEETING_ROW_FIELDS = ("id", "slug", "title", "start_date", "end_date", "panel_id")


def panel_meetings_for(user, panel: Panel):
    """The panel's meetings ``user`` may see (the protection rules), newest first; only the fields their rows show
    (``meeting_hosts`` gives their host countries)."""
    return (visible_to(user, Meeting).filter(panel=panel).only(*_MEETING_ROW_FIELDS)
            .order_by("-start_date", "slug"))


class PanelMeetingRow(NamedTuple):
    """What the panel's page and its API show of one of its meetings (no model instance per meeting)."""

    pk: int
    slug: str
    title: object
    start_date: datetime.date
    end_date: datetime.date
    host_codes: list
    host_names: list


def panel_meeting_rows(user, panel: Panel) -> list[PanelMeetingRow]:
    """``panel_meetings_for`` as values, each row with its host countries' codes and names (as ``meeting_hosts``
    gives them): two queries (one without meetings), however many meetings."""
    meetings = panel_meetings_for(user, panel)
    rows = list(meetings.values_list("id", "slug", "title", "start_date", "end_date"))
    hosts = meeting_host_pairs([row[0] for row in rows], among=meetings.values("id"))
    return [PanelMeetingRow(pk, slug, title, start, end, [code for code, _name in hosts[pk]],
                            [name for _code, name in hosts[pk]])
            for pk, slug, title, start, end in rows]


def panel_programmes_for(user, panel: Panel):
    """The work programmes ``user`` may see, newest year first, each with its ordered topics, the topic's meeting
    and the host offers ``user`` may see (members and staff)."""
    offers = visible_to(user, HostOffer).select_related("country").order_by("country__code")
    # Of a topic's and a programme's meeting, only what is shown of it (a link: its address and title).
    topics = (WorkProgrammeTopic.objects.select_related("meeting")
              .only("id", "programme", "order", "title", "meeting", *_link_fields("meeting"))
              .prefetch_related(Prefetch("host_offers", queryset=offers, to_attr="visible_offers")).order_by("order"))
    return (visible_to(user, WorkProgramme).filter(panel=panel).select_related("presented_at")
            .only("id", "panel", "year", "status", "notes", "presented_at", *_link_fields("presented_at"))
            .prefetch_related(Prefetch("topics", queryset=topics, to_attr="ordered_topics")).order_by("-year"))


def _link_fields(relation: str) -> tuple:
    return tuple(f"{relation}__{name}" for name in ("id", "slug", "title"))


def programme_get_for(user, panel: Panel, year: int) -> WorkProgramme:
    programme = visible_to(user, WorkProgramme).filter(panel=panel, year=year).first()
    if programme is None:
        raise Http404
    return programme


def topic_get_for(user, panel: Panel, pk) -> WorkProgrammeTopic:
    topic = (visible_to(user, WorkProgrammeTopic).filter(programme__panel=panel, pk=pk)
             .select_related("programme", "programme__panel", "meeting").first())
    if topic is None:
        raise Http404
    return topic


def offer_get_for(user, panel: Panel, pk) -> HostOffer:
    offer = (visible_to(user, HostOffer).filter(topic__programme__panel=panel, pk=pk)
             .select_related("topic", "topic__programme", "topic__meeting", "country").first())
    if offer is None:
        raise Http404
    return offer


def member_get_for(user, panel: Panel, pk) -> PanelMember:
    member = visible_to(user, PanelMember).filter(panel=panel, pk=pk).select_related("panel", "country").first()
    if member is None:
        raise Http404
    return member


def delegate_get_for(user, panel: Panel, pk) -> PanelDelegate:
    delegate = visible_to(user, PanelDelegate).filter(panel=panel, pk=pk).select_related("panel", "country").first()
    if delegate is None:
        raise Http404
    return delegate


def offer_countries_for(user, panel: Panel, members=None):
    """The member countries ``user`` may offer to host for: all of them for staff, their own as a delegate.
    ``members``: the panel's members when the caller has them already (the panel's page)."""
    members = panel_members(panel) if members is None else members
    if can(user, "change", panel):
        return [m.country for m in members]
    if user is None or not user.is_authenticated:
        return []
    own = set(PanelDelegate.objects.filter(panel=panel, user=user, is_active=True).values_list("country_id", flat=True))
    return [m.country for m in members if m.country_id in own]


def panel_meetings_to_link(panel: Panel):
    """Meetings a topic may be linked to: the panel's own, and panel meetings that belong to no panel yet."""
    return (Meeting.objects.filter(Q(panel=panel) | Q(panel__isnull=True, kind=Meeting.Kind.PANEL_MEETING))
            .order_by("-start_date", "slug"))


def panel_meeting_choices(panel: Panel) -> list:
    """``panel_meetings_to_link`` with only what the page's choice lists show (title and first day)."""
    return list(panel_meetings_to_link(panel).only("id", "slug", "title", "start_date"))


def panel_page(user, panel: Panel) -> dict:
    """Everything the panel's page shows, as lists (the template adds no query)."""
    return {
        "members": list(panel_members(panel)),
        "delegates": list(panel_delegates_for(user, panel)),
        "meetings": panel_meeting_rows(user, panel),
        "programmes": list(panel_programmes_for(user, panel)),
    }


def account_by_email(email: str):
    """The active account with this e-mail (case-insensitive), or None: to link a delegate to an account."""
    email = (email or "").strip()
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


def offer_exists(topic, country) -> bool:
    return HostOffer.objects.filter(topic=topic, country=country).exists()
