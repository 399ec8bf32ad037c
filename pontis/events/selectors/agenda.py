"""Reads of a meeting's agenda for the editor, the API and the speakers' page, with related rows fetched up front."""

from __future__ import annotations

import itertools

from django.db.models import Prefetch
from django.http import Http404

from pontis.actions.models import Activity
from pontis.core.permissions import visible_to

from ..models import Contribution, DiscussionNote, Material, Meeting, Session


def agenda_sessions(meeting: Meeting):
    """The meeting's sessions in agenda order, each with its contributions (and their countries) and discussion
    notes prefetched: three queries whatever the size of the agenda."""
    return (
        Session.objects.filter(meeting=meeting)
        .order_by("day", "order")
        .prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("country").order_by("order")),
            Prefetch("discussion", queryset=DiscussionNote.objects.select_related("country").order_by("order")),
        )
    )


def agenda_days(meeting: Meeting) -> list[tuple]:
    """The agenda as ``[(day, [session, ...]), ...]`` with contributions and discussion notes prefetched."""
    return [(day, list(group)) for day, group in itertools.groupby(agenda_sessions(meeting), key=lambda s: s.day)]


def session_of(meeting: Meeting, pk) -> Session:
    """One session of ``meeting`` (404 for another meeting's or a missing one)."""
    try:
        return Session.objects.select_related("meeting").get(meeting=meeting, pk=int(pk))
    except (Session.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def contribution_of(meeting: Meeting, pk) -> Contribution:
    """One contribution of ``meeting`` (404 otherwise)."""
    try:
        return Contribution.objects.select_related("session__meeting", "country").get(session__meeting=meeting, pk=int(pk))
    except (Contribution.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def note_of(meeting: Meeting, pk) -> DiscussionNote:
    """One discussion note of ``meeting`` (404 otherwise)."""
    try:
        return DiscussionNote.objects.select_related("session__meeting").get(session__meeting=meeting, pk=int(pk))
    except (DiscussionNote.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def session_get_for(user, pk) -> Session:
    """A session whose meeting ``user`` may see (404 otherwise): the API's ``/sessions/{id}``."""
    try:
        return Session.objects.select_related("meeting").get(pk=pk, meeting__in=visible_to(user, Meeting).values("pk"))
    except (Session.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def contribution_by_speaker_token(token: str) -> Contribution:
    """The contribution a speaker's personal link opens (404 for an unknown or empty token)."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise Http404
    try:
        return (Contribution.objects.select_related("session__meeting", "country")
                .get(speaker_token=token))
    except Contribution.DoesNotExist:
        raise Http404 from None


def activities_for_meeting_picker(user, *, current=None):
    """Activities ``user`` may see that have no meeting yet (plus ``current``, the meeting's own), for the
    activity picker of the meeting form."""
    queryset = visible_to(user, Activity).select_related("action")
    free = queryset.filter(meeting__isnull=True)
    if current is not None:
        free = queryset.filter(pk=current.pk) | free
    return free.order_by("action__code", "sequence")


def meeting_of_activity(activity):
    """The meeting planned for ``activity``, or ``None``."""
    return Meeting.objects.filter(activity=activity).first()


def speaker_materials(contribution: Contribution):
    """The files of a contribution, newest first (what its speaker sees on their personal page)."""
    return Material.objects.filter(contribution=contribution).order_by("-uploaded_at", "-id")
