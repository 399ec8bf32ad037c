"""Who sees and changes registrations, invitations, attendance and personal calendar feeds.

Facility staff (administrators, programme officers) manage registrations: they invite, decide, check people in,
export the list. A signed-in person sees their own registrations (those made with their account). A visitor without
an account proves a registration by its personal link: the services check that token themselves, since a policy
only knows accounts.
"""

from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff as _is_staff

from ..models import Attendance, CalendarFeed, MeetingInvitation, Registration


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@register
class RegistrationPolicy(Policy):
    model = Registration

    def visible_to(self, user):
        if _is_staff(user):
            return Registration.objects.all()
        if _signed_in(user):
            return Registration.objects.filter(user=user)
        return Registration.objects.none()

    def can_manage(self, user, obj):
        """Open a meeting's registration list, decide, check in, export (``obj`` may be the model)."""
        return _is_staff(user)

    def can_decide(self, user, obj):
        return _is_staff(user)

    def can_check_in(self, user, obj):
        return _is_staff(user)

    def can_withdraw(self, user, obj):
        if _is_staff(user):
            return True
        return bool(obj is not None and _signed_in(user) and obj.user_id == user.pk)


@register
class MeetingInvitationPolicy(Policy):
    model = MeetingInvitation

    def visible_to(self, user):
        return MeetingInvitation.objects.all() if _is_staff(user) else MeetingInvitation.objects.none()

    def can_create(self, user, obj):
        return _is_staff(user)


@register
class AttendancePolicy(Policy):
    model = Attendance

    def visible_to(self, user):
        return Attendance.objects.all() if _is_staff(user) else Attendance.objects.none()

    def can_undo(self, user, obj):
        return _is_staff(user)


@register
class CalendarFeedPolicy(Policy):
    model = CalendarFeed

    def visible_to(self, user):
        if _signed_in(user):
            return CalendarFeed.objects.filter(user=user)
        return CalendarFeed.objects.none()

    def can_create(self, user, obj):
        return _signed_in(user)

    def can_revoke(self, user, obj):
        return bool(obj is not None and _signed_in(user) and obj.user_id == user.pk)
