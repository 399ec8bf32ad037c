"""Who sees and changes a panel's members, delegates, work programmes and host offers, and a meeting's minutes.

The panel itself has its own policy (``permissions/panels.py``, the protection rules); these policies follow it:
what belongs to a panel is visible to those who may see the panel, narrowed further where the page says so.

- Member countries and adopted work programmes: whoever sees the panel.
- Delegates' names, draft programmes and host offers: signed-in members who see the panel, and staff; the
  public sees the confirmed hosts of adopted programmes.
- Host offers: staff for any member country; a delegate (with an account) for their own country only.
- Minutes: staff always; others once published, and only if they may see the meeting (its protection level).
- Comments on draft minutes: staff, approved registered participants of the meeting (by account, or by the
  registration's own link; services check that part) and, for a panel meeting, the panel's delegates, while the
  minutes are open for comments and before their deadline.
"""

from __future__ import annotations

from django.utils import timezone

from pontis.core.permissions import Policy, register, visible_to
from pontis.core.roles import is_staff as _is_staff

from .. import protection
from ..models import (
    HostOffer,
    Meeting,
    Minutes,
    MinutesComment,
    Panel,
    PanelDelegate,
    PanelMember,
    Registration,
    WorkProgramme,
    WorkProgrammeTopic,
)


def _member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_delegate(user, panel_id, country_id=None) -> bool:
    """An active delegate with ``user``'s account on the panel (for ``country_id`` when given)."""
    if not _member(user) or panel_id is None:
        return False
    queryset = PanelDelegate.objects.filter(panel_id=panel_id, user=user, is_active=True)
    if country_id is not None:
        queryset = queryset.filter(country_id=country_id)
    return queryset.exists()


@register
class PanelMemberPolicy(Policy):
    """Member countries: visible with their panel."""

    model = PanelMember

    def visible_to(self, user):
        return PanelMember.objects.filter(panel__in=visible_to(user, Panel))

    def can_change(self, user, obj):
        return _is_staff(user)


@register
class PanelDelegatePolicy(Policy):
    model = PanelDelegate

    def visible_to(self, user):
        if _is_staff(user):
            return PanelDelegate.objects.all()
        if _member(user):
            return PanelDelegate.objects.filter(panel__in=visible_to(user, Panel), is_active=True)
        return PanelDelegate.objects.none()

    def can_change(self, user, obj):
        return _is_staff(user)


@register
class WorkProgrammePolicy(Policy):
    model = WorkProgramme

    def visible_to(self, user):
        panels = visible_to(user, Panel)
        if _is_staff(user) or _member(user):
            return WorkProgramme.objects.filter(panel__in=panels)
        return WorkProgramme.objects.filter(panel__in=panels, status=WorkProgramme.Status.ADOPTED)

    def can_change(self, user, obj):
        return _is_staff(user) and (obj is None or obj.status == WorkProgramme.Status.DRAFT)

    def can_create(self, user, obj):
        return _is_staff(user)

    def can_adopt(self, user, obj):
        return _is_staff(user)


@register
class WorkProgrammeTopicPolicy(Policy):
    model = WorkProgrammeTopic

    def visible_to(self, user):
        return WorkProgrammeTopic.objects.filter(programme__in=visible_to(user, WorkProgramme))

    def can_change(self, user, obj):
        return _is_staff(user)

    def can_offer_host(self, user, obj):
        """Staff, or any active delegate of the topic's panel (the country is checked on the offer itself)."""
        if _is_staff(user):
            return True
        return obj is not None and is_delegate(user, obj.programme.panel_id)


@register
class HostOfferPolicy(Policy):
    model = HostOffer

    def visible_to(self, user):
        if _is_staff(user):
            return HostOffer.objects.all()
        if _member(user):
            return HostOffer.objects.filter(topic__programme__panel__in=visible_to(user, Panel))
        # The public sees who hosts the topics of an adopted programme, nothing of the offers themselves.
        return HostOffer.objects.filter(topic__programme__in=visible_to(user, WorkProgramme),
                                        topic__programme__status=WorkProgramme.Status.ADOPTED,
                                        status=HostOffer.Status.CONFIRMED)

    def can_create(self, user, obj):
        """``obj`` is the offer about to be made (topic and country set): staff, or a delegate of that country."""
        if _is_staff(user):
            return True
        if obj is None:
            return False
        return is_delegate(user, obj.topic.programme.panel_id, obj.country_id)

    def can_decide(self, user, obj):
        return _is_staff(user)

    def can_withdraw(self, user, obj):
        if _is_staff(user):
            return True
        return obj is not None and is_delegate(user, obj.topic.programme.panel_id, obj.country_id)


def can_see_meeting(user, meeting: Meeting, registration_ids=()) -> bool:
    """The protection rules' answer (pontis/events/protection.py): the meeting's level applies to its minutes."""
    return bool(protection.can_see_meeting(user, meeting, registration_ids=registration_ids))


def is_attendee(user, meeting: Meeting, registration=None) -> bool:
    """An approved registered participant of ``meeting`` (by account, or ``registration`` proved by its link), or
    an active delegate of the meeting's panel."""
    if registration is not None and registration.meeting_id == meeting.pk \
            and registration.status == Registration.Status.APPROVED:
        return True
    if not _member(user):
        return False
    if Registration.objects.filter(meeting=meeting, user=user, status=Registration.Status.APPROVED).exists():
        return True
    return is_delegate(user, meeting.panel_id)


@register
class MinutesPolicy(Policy):
    model = Minutes

    def visible_to(self, user):
        if _is_staff(user):
            return Minutes.objects.all()
        return Minutes.objects.filter(status=Minutes.Status.PUBLISHED, meeting__in=visible_to(user, Meeting))

    def can_view(self, user, obj):
        if _is_staff(user):
            return True
        return obj is not None and obj.status == Minutes.Status.PUBLISHED and can_see_meeting(user, obj.meeting)

    def can_change(self, user, obj):
        return _is_staff(user) and (obj is None or obj.status != Minutes.Status.PUBLISHED)

    def can_publish(self, user, obj):
        return _is_staff(user)

    def can_comment(self, user, obj):
        """For people with an account; a visitor by registration link is checked by the service."""
        if obj is None or obj.status != Minutes.Status.CONSULTATION:
            return False
        if obj.comments_until is not None and timezone.now() > obj.comments_until:
            return False
        return _is_staff(user) or is_attendee(user, obj.meeting)


@register
class MinutesCommentPolicy(Policy):
    model = MinutesComment

    def visible_to(self, user):
        if _is_staff(user):
            return MinutesComment.objects.all()
        return MinutesComment.objects.none()
