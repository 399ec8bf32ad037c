"""Reads of meetings: the filtered list and a meeting's agenda, with their related rows fetched up front."""

from __future__ import annotations

import itertools

from django.db.models import Prefetch

from pontis.core.permissions import visible_to

from ..models import Contribution, DiscussionNote, Meeting, Session


def meetings_for(user, *, kind: str = "", year: int | None = None, region: str = "", panel: str = "",
                 activity: int | None = None):
    """Meetings ``user`` may see, newest first, optionally filtered by kind, year (of the first day), region code,
    panel (short name) and activity (id)."""
    queryset = (visible_to(user, Meeting).select_related("country", "region", "panel")
                .prefetch_related("host_countries"))
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


def meeting_years(user) -> list[int]:
    """The years in which the meetings ``user`` may see started, newest first (for the year filter)."""
    dates = visible_to(user, Meeting).dates("start_date", "year", order="DESC")
    return [d.year for d in dates]


def meeting_detail_queryset():
    return Meeting.objects.select_related("country", "region").prefetch_related("host_countries", "languages", "themes")


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
