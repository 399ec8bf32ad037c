"""Who sees and changes meetings. Public meetings are open to everyone, including anonymous visitors;
the others to signed-in people. Facility staff (administrators, programme officers) create and change them."""

from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff as _is_staff

from .models import Contribution, Meeting, Session


@register
class MeetingPolicy(Policy):
    model = Meeting

    def visible_to(self, user):
        if user is not None and user.is_authenticated and user.is_active:
            return Meeting.objects.all()
        return Meeting.objects.filter(is_public=True)

    def can_view(self, user, obj):
        return obj is not None and (obj.is_public or bool(user and user.is_authenticated and user.is_active))

    def can_create(self, user, obj):
        return _is_staff(user)

    def can_change(self, user, obj):
        return _is_staff(user)

    def can_mark_held(self, user, obj):
        return _is_staff(user)


@register
class SessionPolicy(Policy):
    model = Session

    def visible_to(self, user):
        return Session.objects.filter(meeting__in=MeetingPolicy().visible_to(user))

    def can_change(self, user, obj):
        return _is_staff(user)


@register
class ContributionPolicy(Policy):
    model = Contribution

    def visible_to(self, user):
        return Contribution.objects.filter(session__meeting__in=MeetingPolicy().visible_to(user))

    def can_change(self, user, obj):
        return _is_staff(user)
