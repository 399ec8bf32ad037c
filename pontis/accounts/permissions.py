from pontis.core.permissions import Policy, register

from .models import ApiToken, Institution, Role, User


@register
class UserPolicy(Policy):
    model = User

    def visible_to(self, user):
        if not user.is_authenticated:
            return User.objects.none()
        if user.has_any_role(Role.ADMIN, Role.OFFICER):
            return User.objects.all()
        return User.objects.filter(pk=user.pk)

    def can_manage_roles(self, user, obj):
        return user.has_role(Role.ADMIN)

    def can_view(self, user, obj):
        return obj is not None and self.visible_to(user).filter(pk=obj.pk).exists()


@register
class InstitutionPolicy(Policy):
    model = Institution

    def visible_to(self, user):
        if not user.is_authenticated:
            return Institution.objects.none()
        if user.has_any_role(Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.OBSERVER):
            return Institution.objects.all()
        return Institution.objects.filter(memberships__user=user).distinct()

    def can_create(self, user, obj):
        return user.has_any_role(Role.ADMIN, Role.OFFICER)

    def can_change(self, user, obj):
        return user.has_any_role(Role.ADMIN, Role.OFFICER)


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
