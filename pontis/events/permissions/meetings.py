"""Who sees and changes meetings, sessions and contributions: ``events.protection`` answers who sees what (a
meeting's level: public, members, registered participants, named roles); facility staff (administrators,
programme officers) see everything and create and change meetings."""

from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff as _is_staff

from ..models import Contribution, Meeting, Session
from ..protection import Visitor


@register
class MeetingPolicy(Policy):
    model = Meeting

    def visible_to(self, user):
        # The registration link remembered in a session is a request's, not a user's: pages that honour it read
        # through ``selectors.meetings`` with ``events.visitor.registration_ids(request)``.
        return Meeting.objects.filter(Visitor(user).meeting_q())

    def can_view(self, user, obj):
        return obj is not None and Visitor(user).can_see_meeting(obj)

    def can_create(self, user, obj):
        return _is_staff(user)

    def can_change(self, user, obj):
        return _is_staff(user)

    def can_mark_held(self, user, obj):
        return _is_staff(user)

    def can_cancel(self, user, obj):
        return _is_staff(user)

    def can_set_access(self, user, obj):
        return _is_staff(user)

    def can_widen_access(self, user, obj):
        """Only staff confirm that an item is open to more people than its parent (panel -> meeting)."""
        return _is_staff(user)


@register
class SessionPolicy(Policy):
    model = Session

    def visible_to(self, user):
        return Session.objects.filter(Visitor(user).meeting_q("meeting__"))

    def can_change(self, user, obj):
        return _is_staff(user)


@register
class ContributionPolicy(Policy):
    model = Contribution

    def visible_to(self, user):
        return Contribution.objects.filter(Visitor(user).meeting_q("session__meeting__"))

    def can_change(self, user, obj):
        return _is_staff(user)
