"""Who may see and do what on the roster. Experts see only their own data; other experts never."""

from django.db.models import Q

from pontis.accounts.models import Role
from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff

from .models import Deployment, Evaluation, ExpertProfile, ImportJob, Invitation, Unavailability


@register
class ExpertProfilePolicy(Policy):
    model = ExpertProfile

    def visible_to(self, user):
        if not user.is_authenticated:
            return ExpertProfile.objects.none()
        if is_staff(user):
            return ExpertProfile.objects.all()
        return ExpertProfile.objects.filter(user=user)

    def can_view_roster(self, user, obj):
        return is_staff(user)

    def can_vet(self, user, obj):
        return is_staff(user)

    def can_change(self, user, obj):
        return is_staff(user) or (obj is not None and obj.user_id is not None and obj.user_id == user.pk)

    def can_anonymise(self, user, obj):
        return is_staff(user)

    def can_request_erasure(self, user, obj):
        return obj is not None and obj.user_id == user.pk

    def can_export_own(self, user, obj):
        return obj is not None and obj.user_id == user.pk

    def can_match(self, user, obj):
        return is_staff(user)

    def can_import(self, user, obj):
        return is_staff(user)

    def can_export(self, user, obj):
        return is_staff(user)

    def can_view_stats(self, user, obj):
        return user.has_any_role(Role.ADMIN, Role.OFFICER, Role.OBSERVER)


@register
class InvitationPolicy(Policy):
    model = Invitation

    def visible_to(self, user):
        if not user.is_authenticated:
            return Invitation.objects.none()
        if is_staff(user):
            return Invitation.objects.all()
        return Invitation.objects.filter(profile__user=user)

    def can_create(self, user, obj):
        return is_staff(user)

    def can_withdraw(self, user, obj):
        return is_staff(user)

    def can_respond(self, user, obj):
        return obj is not None and obj.profile.user_id is not None and obj.profile.user_id == user.pk


@register
class DeploymentPolicy(Policy):
    model = Deployment

    def visible_to(self, user):
        if not user.is_authenticated:
            return Deployment.objects.none()
        if is_staff(user):
            return Deployment.objects.all()
        mine = Q(profile__user=user)
        if user.focal_institution_ids:
            # A partner focal point sees who worked on their institution's Actions, to evaluate them.
            mine |= Q(activity__action__partners__institution_id__in=user.focal_institution_ids)
        return Deployment.objects.filter(mine).distinct()

    def can_create(self, user, obj):
        return is_staff(user)

    def can_change(self, user, obj):
        return is_staff(user)

    def can_evaluate(self, user, obj):
        """Staff, and partner focal points for experts who worked on their institution's Actions. Asked of the model
        (the evaluation page's gate): may the person evaluate any deployment at all."""
        if obj is None:
            return is_staff(user) or user.has_role(Role.FOCAL_POINT)
        if is_staff(user):
            return True
        return bool(user.focal_institution_ids) and obj.activity.action.partners.filter(
            institution_id__in=user.focal_institution_ids).exists()

    def can_give_feedback(self, user, obj):
        return obj is not None and obj.profile.user_id == user.pk


@register
class EvaluationPolicy(Policy):
    model = Evaluation

    def visible_to(self, user):
        if not user.is_authenticated:
            return Evaluation.objects.none()
        if is_staff(user):
            return Evaluation.objects.all()
        return Evaluation.objects.filter(Q(deployment__profile__user=user) | Q(evaluator=user))


@register
class ImportJobPolicy(Policy):
    model = ImportJob

    def visible_to(self, user):
        return ImportJob.objects.all() if is_staff(user) else ImportJob.objects.none()

    def can_create(self, user, obj):
        return is_staff(user)


@register
class UnavailabilityPolicy(Policy):
    """A period when an expert cannot travel: staff see them (matching skips them); the expert alone changes them."""

    model = Unavailability

    def visible_to(self, user):
        if not user.is_authenticated:
            return Unavailability.objects.none()
        if is_staff(user):
            return Unavailability.objects.all()
        return Unavailability.objects.filter(profile__user=user)

    def can_remove(self, user, obj):
        return obj is not None and obj.profile.user_id is not None and obj.profile.user_id == user.pk
