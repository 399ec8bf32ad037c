"""Who sends questionnaires (personal links, QR codes, reminders) and who reads the responses.

- Invitations (and with them QR codes and reminders): facility staff.
- Responses: facility staff read them and their figures; who gave an answer depends on the questionnaire:
  never for an anonymous one, administrators only for a confidential one, staff for a named one.
Respondents need no account: their personal link or device is their access (views_respond.py).
"""

from pontis.core.permissions import Policy, register
from pontis.core.roles import Role, has_any_role, is_staff

from .models import Invitation, Questionnaire, Response


@register
class InvitationPolicy(Policy):
    model = Invitation

    def visible_to(self, user):
        return Invitation.objects.all() if is_staff(user) else Invitation.objects.none()

    def can_view(self, user, obj=None):
        """Response rates and who has not answered."""
        return is_staff(user)

    def can_create(self, user, obj=None):
        """Invite people, show and print a QR code."""
        return is_staff(user)

    def can_remind(self, user, obj=None):
        return is_staff(user)


@register
class ResponsePolicy(Policy):
    model = Response

    def visible_to(self, user):
        return Response.objects.all() if is_staff(user) else Response.objects.none()

    def can_view(self, user, obj=None):
        return is_staff(user)

    def can_export(self, user, obj=None):
        return is_staff(user)

    def can_see_names(self, user, obj=None):
        """``obj``: a Questionnaire (or one of its responses). Anonymous: nobody; confidential: administrators;
        named: staff."""
        questionnaire = obj.questionnaire if isinstance(obj, Response) else obj
        if not isinstance(questionnaire, Questionnaire):
            return False
        if questionnaire.anonymity == Questionnaire.Anonymity.NAMED:
            return is_staff(user)
        if questionnaire.anonymity == Questionnaire.Anonymity.CONFIDENTIAL:
            return has_any_role(user, Role.ADMIN)
        return False


def sees_names(user, questionnaire: Questionnaire) -> bool:
    """Whether ``user`` may see who gave each answer of ``questionnaire`` (asked of the Response policy: the
    Questionnaire policy is the builder's)."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return ResponsePolicy().can(user, "see_names", questionnaire)
