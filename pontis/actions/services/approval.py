"""Approval: the committee's decision on a request and the Action it creates, as one step.

Approval lives in actions because it creates an Action; the request's side (decision, status, notice) is written
by intake's own service, so intake stays the only writer of its tables and never imports actions.
"""

from __future__ import annotations

from django.db import transaction

from pontis.intake import services as intake_services
from pontis.intake.models import Request

from ..models import Action
from .actions import action_create_from_request


@transaction.atomic
def request_approve(*, request: Request, by, reason: str = "") -> Action:
    """The committee approves a forwarded request and its Action is created, linked by ``Action.source_request``.

    One transaction: if the Action cannot be created, the decision is not recorded and the request stays
    forwarded. Answers the Action. Raises NotAllowed (not a committee member), IllegalTransition (not forwarded),
    and whatever ``action_create_from_request`` raises.
    """
    request = intake_services.request_record_approval(request=request, by=by, reason=reason)
    return action_create_from_request(request=request, by=by)
