"""Who may see and change Actions, activities, deliverables (one policy per object type).

Visibility: administrators and programme officers see everything; steering-committee members see every
Action (they approved them); partner focal points see the Actions where one of their institutions is a
partner; experts see the Actions they take part in (``core.registry.action_participation``, answered by experts);
donor observers see no Action individually (they get the aggregate process view).
"""

from __future__ import annotations

from pontis.accounts.models import Role
from pontis.core import registry
from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff

from .models import Action, Activity, Deliverable, FicheVersion, FollowUp


def _expert_action_ids(user) -> set[int]:
    """The Actions ``user`` takes part in, as the apps above answer through ``registry.action_participation``
    (the experts app: the Actions the person is deployed on)."""
    return registry.action_ids_taking_part(user)


def visible_actions(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Action.objects.none()
    if user.has_any_role(Role.ADMIN, Role.OFFICER, Role.COMMITTEE):
        return Action.objects.all()
    ids: set[int] = set()
    if user.has_role(Role.FOCAL_POINT) and user.focal_institution_ids:
        ids |= set(
            Action.objects.filter(partners__institution_id__in=user.focal_institution_ids).values_list("pk", flat=True)
        )
    if user.has_role(Role.EXPERT):
        ids |= _expert_action_ids(user)
    if not ids:
        return Action.objects.none()
    return Action.objects.filter(pk__in=ids)


# Who works with Actions: staff, the committee that approved them, partner focal points and deployed experts.
# (Donor observers see no Action individually; they get the aggregate process view.)
ACTION_ROLES = (Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.FOCAL_POINT, Role.EXPERT)


def is_partner_focal_point(user, action) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.FOCAL_POINT):
        return False
    return action.partners.filter(institution_id__in=user.focal_institution_ids).exists()


@register
class ActionPolicy(Policy):
    model = Action

    def visible_to(self, user):
        return visible_actions(user)

    # Asked of the model (``can(user, "view", Action)``) a verb is the gate of a page; asked of an Action, the
    # answer for that one.
    def can_list(self, user, obj=None):
        return user.has_any_role(*ACTION_ROLES)

    def can_view(self, user, obj=None):
        if obj is None:
            return user.has_any_role(*ACTION_ROLES)
        return visible_actions(user).filter(pk=obj.pk).exists()

    def can_create(self, user, obj):
        return is_staff(user)

    def can_create_from_request(self, user, obj):
        # The committee records approvals; intake calls us inside that approval.
        return is_staff(user) or (getattr(user, "is_authenticated", False) and user.has_role(Role.COMMITTEE))

    def can_change(self, user, obj):
        return is_staff(user)

    def can_cancel(self, user, obj):
        return is_staff(user)

    def can_close(self, user, obj):
        return is_staff(user)

    def can_edit_fiche(self, user, obj):
        return is_staff(user)

    def can_comment_fiche(self, user, obj):
        return is_staff(user) or (obj is not None and is_partner_focal_point(user, obj))

    def can_propose_fiche(self, user, obj):
        return obj is not None and is_partner_focal_point(user, obj)

    def can_record_follow_up(self, user, obj):
        return is_staff(user) or (obj is not None and is_partner_focal_point(user, obj))

    def can_see_process(self, user, obj=None):
        return getattr(user, "is_authenticated", False) and user.has_any_role(Role.ADMIN, Role.OFFICER, Role.OBSERVER)

    def can_see_at_risk(self, user, obj=None):
        """The Actions at risk of missing the 90-day promise: the staff who keep it."""
        return is_staff(user)


class ActionPartPolicy(Policy):
    """Something that belongs to one Action is visible exactly when its Action is."""

    def visible_to(self, user):
        return self.model.objects.filter(action__in=visible_actions(user).values("pk"))


class StaffManagedPartPolicy(ActionPartPolicy):
    """...and facility staff create, change and move it."""

    def can_create(self, user, obj):
        return is_staff(user)

    def can_change(self, user, obj):
        return is_staff(user)

    def can_transition(self, user, obj):
        return is_staff(user)


@register
class FicheVersionPolicy(ActionPartPolicy):
    model = FicheVersion


@register
class ActivityPolicy(StaffManagedPartPolicy):
    model = Activity

    def can_report(self, user, obj):
        return is_staff(user)


@register
class DeliverablePolicy(StaffManagedPartPolicy):
    model = Deliverable

    def can_upload(self, user, obj):
        # Partners hold the evidence of adoption (a decree, a signed SOP): they may attach it.
        return is_staff(user) or (obj is not None and is_partner_focal_point(user, obj.action))


@register
class FollowUpPolicy(Policy):
    model = FollowUp

    def visible_to(self, user):
        return FollowUp.objects.filter(action__in=visible_actions(user).values("pk"))
