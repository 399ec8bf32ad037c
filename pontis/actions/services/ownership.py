"""Who owns an Action: the programme officer its tasks and news go to. Assigned by staff, audited."""

from __future__ import annotations

from django.db import transaction

from pontis.core import audit
from pontis.core.permissions import ensure
from pontis.intake.services.ownership import check_owner

from ..models import Action


@transaction.atomic
def action_assign_owner(*, action: Action, owner, by) -> Action:
    """Make ``owner`` (an active programme officer) the owner of ``action``; the audit row keeps the old and the new.

    Assigning the current owner again changes nothing. Raises NotAllowed (not staff), ValidationFailed (``owner``
    is not an active programme officer).
    """
    action = Action.objects.select_for_update().get(pk=action.pk)
    ensure(by, "assign_owner", action)
    check_owner(owner)
    if action.owner_id == owner.pk:
        return action
    with audit.tracking(action, by=by):
        action.owner = owner
        action.save(update_fields=["owner", "updated_at"])
    return action
