"""Who may see and change Actions, activities, deliverables (one policy per object type).

Visibility: administrators and programme officers see everything; steering-committee members see every
Action (they approved them); partner focal points see the Actions where one of their institutions is a
partner; experts see the Actions they take part in (``core.registry.action_participation``, answered by experts);
an EU Delegation sees the Actions in the countries it covers (read only);
donor observers see no Action individually (they get the aggregate process view).
"""

from __future__ import annotations

from pontis.accounts.models import Role
from pontis.core import registry
from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff

from .models import Action, Activity, ActivityDocument, Deliverable, FicheVersion, FollowUp


def _expert_action_ids(user) -> set[int]:
    """The Actions ``user`` takes part in, as the apps above answer through ``registry.action_participation``
    (the experts app: the Actions the person is deployed on)."""
    return registry.action_ids_taking_part(user)


def sees_every_action(user) -> bool:
    """Administrators, programme officers and steering-committee members see every Action."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and user.has_any_role(Role.ADMIN, Role.OFFICER, Role.COMMITTEE))


def _visible(user, action) -> bool:
    """Whether ``user`` sees ``action``: asked of the database only for those who see some Actions."""
    if sees_every_action(user):
        return action.pk is not None
    return visible_actions(user).filter(pk=action.pk).exists()


def visible_actions(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Action.objects.none()
    if user.has_any_role(Role.ADMIN, Role.OFFICER, Role.COMMITTEE):
        return Action.objects.all()
    ids: set[int] = set()
    if user.has_role(Role.FOCAL_POINT) and user.focal_institution_ids:
        ids |= set(
            Action.objects.filter(partners__institution_id__in=user.focal_institution_ids)
            .order_by()  # a set of ids: the model's ordering would only add a sort
            .values_list("pk", flat=True)
        )
    if user.has_role(Role.EXPERT):
        ids |= _expert_action_ids(user)
    if user.has_role(Role.DELEGATION) and user.delegation_country_ids:
        # The EU Delegation reads the Actions in the countries it covers.
        ids |= set(
            Action.objects.filter(countries__in=user.delegation_country_ids).order_by().values_list("pk", flat=True)
        )
    if not ids:
        return Action.objects.none()
    return Action.objects.filter(pk__in=ids)


# Who works with Actions: staff, the committee that approved them, partner focal points, deployed experts, and the
# EU Delegations, which read the Actions in their countries. (Donor observers see no Action individually; they
# get the aggregate process view.)
ACTION_ROLES = (Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.FOCAL_POINT, Role.EXPERT, Role.DELEGATION)


def is_partner_focal_point(user, action) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.FOCAL_POINT):
        return False
    return action.partners.filter(institution_id__in=user.focal_institution_ids).exists()


def is_committee_member(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(Role.COMMITTEE)


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
        return _visible(user, obj)

    def can_create(self, user, obj):
        return is_staff(user)

    def can_create_from_request(self, user, obj):
        # The committee records approvals; intake calls us inside that approval.
        return is_staff(user) or (getattr(user, "is_authenticated", False) and user.has_role(Role.COMMITTEE))

    def can_change(self, user, obj):
        return is_staff(user)

    def can_cancel(self, user, obj):
        return is_staff(user)

    def can_follow(self, user, obj=None):
        """Following an Action (its news reaches them): staff and committee members who can see it."""
        if not (is_staff(user) or (getattr(user, "is_authenticated", False) and user.has_role(Role.COMMITTEE))):
            return False
        return obj is None or _visible(user, obj)

    def can_assign_owner(self, user, obj):
        """Staff give an Action its owning officer (or take it over)."""
        return is_staff(user)

    def can_see_mine(self, user, obj=None):
        """"My requests and Actions" (what one owns and follows): staff and committee members."""
        return is_staff(user) or (getattr(user, "is_authenticated", False) and user.has_role(Role.COMMITTEE))

    def can_manage_partners(self, user, obj):
        """Staff add, change and remove partner institutions and their focal points (the services allow it while
        the Action is in design or ongoing)."""
        return is_staff(user)

    def can_close(self, user, obj):
        return is_staff(user)

    def can_edit_fiche(self, user, obj):
        return is_staff(user)

    def can_comment_fiche(self, user, obj):
        # The steering committee reads the fiche and comments on it while it is drafted (the service refuses
        # their comment on an agreed version); it never edits it.
        return (is_staff(user) or is_committee_member(user)
                or (obj is not None and is_partner_focal_point(user, obj)))

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

    def can_comment(self, user, obj):
        """Staff and the partner's focal points comment on any version; the steering committee on a draft only."""
        if obj is None:
            return False
        if is_staff(user) or is_partner_focal_point(user, obj.action):
            return True
        return is_committee_member(user) and obj.status == FicheVersion.Status.DRAFT


@register
class ActivityPolicy(StaffManagedPartPolicy):
    model = Activity

    def can_report(self, user, obj):
        return is_staff(user)

    def can_upload_document(self, user, obj=None):
        """Mission and fact-finding reports: staff, or an expert confirmed on this activity."""
        if is_staff(user):
            return True
        if obj is None or not getattr(user, "is_authenticated", False) or not user.has_role(Role.EXPERT):
            return False
        return obj.pk in registry.activities_confirmed_for(user, [obj.pk])


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


@register
class ActivityDocumentPolicy(Policy):
    """Reports on activities: staff read them all, a partner's focal points those of their Actions, an expert
    those of the activities they are confirmed on (``core.registry.activities_confirmed_for``). Who uploads them
    is asked of the activity (``can(user, "upload_document", activity)``)."""

    model = ActivityDocument

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return ActivityDocument.objects.none()
        if is_staff(user):
            return ActivityDocument.objects.all()
        query = ActivityDocument.objects.none()
        if user.has_role(Role.FOCAL_POINT) and user.focal_institution_ids:
            query = query | ActivityDocument.objects.filter(
                activity__action__partners__institution_id__in=user.focal_institution_ids)
        if user.has_role(Role.EXPERT):
            action_ids = _expert_action_ids(user)
            if action_ids:
                mine = registry.activities_confirmed_for(
                    user, Activity.objects.filter(action_id__in=action_ids).values_list("pk", flat=True))
                query = query | ActivityDocument.objects.filter(activity_id__in=mine)
        return query.distinct()

    def can_view(self, user, obj=None):
        if obj is None:
            return is_staff(user) or (getattr(user, "is_authenticated", False)
                                      and user.has_any_role(Role.FOCAL_POINT, Role.EXPERT))
        return self.visible_to(user).filter(pk=obj.pk).exists()
