from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff

from .models import ApiToken, Institution, Role, RoleAssignment, User


@register
class UserPolicy(Policy):
    model = User

    def visible_to(self, user):
        if not user.is_authenticated:
            return User.objects.none()
        if is_staff(user):
            return User.objects.all()
        return User.objects.filter(pk=user.pk)

    def can_manage_roles(self, user, obj):
        return user.has_role(Role.ADMIN)

    def can_create(self, user, obj=None):
        """Open an account for someone (the "new person" page): administrators only."""
        return user.has_role(Role.ADMIN)

    def can_list(self, user, obj=None):
        """The people pages (the list and a person's page with their roles and history): facility staff."""
        return is_staff(user)

    def can_view(self, user, obj):
        return obj is not None and self.visible_to(user).filter(pk=obj.pk).exists()

    def can_see_personal_data(self, user, obj=None):
        """Names, e-mail addresses, positions and telephone numbers of people (``obj``: one person, or None for
        people in general). Everyone who works with people sees them; a donor observer sees figures only, never a
        person, unless they also hold another role. Anyone sees their own data."""
        if obj is not None and obj.pk == user.pk:
            return True
        return user.has_any_role(*(role for role in Role.values if role != Role.OBSERVER))


# Who works with institutions: everyone but experts (an expert's own institution is a line of their profile).
INSTITUTION_ROLES = (Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.OBSERVER, Role.FOCAL_POINT)


@register
class InstitutionPolicy(Policy):
    model = Institution

    def visible_to(self, user):
        if not user.is_authenticated:
            return Institution.objects.none()
        if user.has_any_role(Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.OBSERVER):
            return Institution.objects.all()
        return Institution.objects.filter(memberships__user=user).distinct()

    def can_list(self, user, obj=None):
        """The institutions pages (the list, and the page of each institution the person may see)."""
        return user.has_any_role(*INSTITUTION_ROLES)

    def can_create(self, user, obj):
        return is_staff(user)

    def can_change(self, user, obj):
        return is_staff(user)


@register
class ApiTokenPolicy(Policy):
    model = ApiToken

    def visible_to(self, user):
        if not user.is_authenticated:
            return ApiToken.objects.none()
        if user.has_role(Role.ADMIN):
            return ApiToken.objects.all()
        return ApiToken.objects.filter(user=user)

    def can_create(self, user, obj):
        return user.is_authenticated

    def can_revoke(self, user, obj):
        return obj is not None and (obj.user_id == user.pk or user.has_role(Role.ADMIN))


@register
class RoleAssignmentPolicy(Policy):
    """A role someone holds: facility staff see everyone's (on a person's page), others their own; only
    administrators grant and revoke roles (``UserPolicy.can_manage_roles``)."""

    model = RoleAssignment

    def visible_to(self, user):
        if not user.is_authenticated:
            return RoleAssignment.objects.none()
        if is_staff(user):
            return RoleAssignment.objects.all()
        return RoleAssignment.objects.filter(user=user)

    def can_revoke(self, user, obj=None):
        return user.has_role(Role.ADMIN)
