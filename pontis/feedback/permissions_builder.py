"""Who sees and changes questionnaires (and their templates): facility staff only.

Respondents never read a ``Questionnaire`` through this policy: they reach the frozen version through their
personal link or the activity's QR code (the respondents' side checks the token, not a role)."""

from pontis.core.permissions import Policy, register
from pontis.core.roles import is_staff

from .models import Questionnaire


@register
class QuestionnairePolicy(Policy):
    model = Questionnaire

    def visible_to(self, user):
        if is_staff(user):
            return Questionnaire.objects.all()
        return Questionnaire.objects.none()

    def can_view(self, user, obj):
        return is_staff(user)

    def can_create(self, user, obj):
        return is_staff(user)

    def can_change(self, user, obj):
        return is_staff(user)
