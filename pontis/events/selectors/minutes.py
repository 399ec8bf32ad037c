"""Reads of minutes and the meeting report: the minutes, their comments, the agenda with speakers, discussion and
summaries, and the panel business (work programmes presented at the meeting with their topics and host offers)."""

from __future__ import annotations

import itertools

from django.db.models import Prefetch
from django.http import Http404

from pontis.core.permissions import visible_to

from .. import protection
from ..models import (
    Contribution,
    DiscussionNote,
    HostOffer,
    Meeting,
    Minutes,
    MinutesComment,
    Registration,
    Session,
    WorkProgramme,
    WorkProgrammeTopic,
)


def minutes_of(meeting):
    """The meeting's minutes, or None."""
    return Minutes.objects.filter(meeting=meeting).select_related("published_by").first()


def minutes_comments_for(user, minutes):
    """Comments ``user`` may read (staff only), oldest first, with who wrote them."""
    if minutes is None:
        return MinutesComment.objects.none()
    return (visible_to(user, MinutesComment).filter(minutes=minutes)
            .select_related("author", "registration", "registration__country").order_by("created_at", "id"))


def report_agenda(meeting) -> list[tuple]:
    """The agenda as ``[(day, [session, ...]), ...]`` with contributions and discussion notes prefetched."""
    sessions = (
        Session.objects.filter(meeting=meeting).order_by("day", "order")
        .prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("country").order_by("order")),
            Prefetch("discussion", queryset=DiscussionNote.objects.select_related("country").order_by("order")),
        )
    )
    return [(day, list(group)) for day, group in itertools.groupby(sessions, key=lambda s: s.day)]


def report_programmes(user, meeting) -> list:
    """Work programmes presented at the meeting, with ordered topics and the host offers ``user`` may see."""
    offers = visible_to(user, HostOffer).select_related("country").order_by("country__code")
    topics = WorkProgrammeTopic.objects.select_related("meeting").prefetch_related(
        Prefetch("host_offers", queryset=offers, to_attr="visible_offers")).order_by("order")
    return list(visible_to(user, WorkProgramme).filter(presented_at=meeting)
                .prefetch_related(Prefetch("topics", queryset=topics, to_attr="ordered_topics")).order_by("-year"))


def meeting_get_for(user, slug: str, registration_ids=()):
    """Fetch-and-authorise a meeting by short name with the protection rules (a visitor's proved registrations
    count); a meeting ``user`` may not see answers 404, like a missing one."""
    meeting = (Meeting.objects.filter(protection.meeting_q(user, registration_ids=registration_ids))
               .select_related("panel", "country").filter(slug=slug).first())
    if meeting is None:
        raise Http404
    return meeting


def registration_proved(meeting, registration_ids):
    """The approved registration of ``meeting`` this browser proved through its personal link, or None."""
    if not registration_ids:
        return None
    return (Registration.objects.filter(meeting=meeting, pk__in=list(registration_ids),
                                        status=Registration.Status.APPROVED).order_by("pk").first())
