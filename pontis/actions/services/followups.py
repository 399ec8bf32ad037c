"""Outcome follow-ups at +6 and +12 months after closure."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import IllegalTransition
from pontis.core.notifications import notify
from pontis.core.permissions import ensure

from ..models import FollowUp
from ._common import action_url, focal_points, news_params, require_text, today

# Where a follow-up's reminder sends each focal point: the Action's page, unless an upper app registered a link
# (feedback registers the follow-up questionnaire's personal link, pontis/feedback/wiring/distribution.py).
_reminder_links: list = []


def followup_reminder_link(func) -> None:
    """Register ``func(follow_up, person) -> str | None``: the link a due follow-up's reminder gives ``person``."""
    if func not in _reminder_links:
        _reminder_links.append(func)


def _reminder_url(follow_up, person) -> str | None:
    return next((url for url in (func(follow_up, person) for func in _reminder_links) if url), None)


def followups_send_due_reminders(*, on=None) -> int:
    """Remind the focal points of every follow-up due on or before ``on`` (default today) not yet reminded.

    Each follow-up is claimed with a conditional UPDATE before its reminder is sent, so running this twice,
    or in two workers at once, reminds once. Answers how many follow-ups were reminded.
    """
    on = on or today()
    sent = 0
    due = FollowUp.objects.filter(due_on__lte=on, reminded_at__isnull=True, recorded_at__isnull=True).select_related("action")
    for follow_up in due:
        with transaction.atomic():
            claimed = FollowUp.objects.filter(pk=follow_up.pk, reminded_at__isnull=True).update(reminded_at=timezone.now())
            if not claimed:
                continue
            action = follow_up.action
            for person in focal_points(action):  # one by one: each may have their own link (_reminder_url)
                notify(recipients=[person], event="actions.followup_due",
                       params=news_params(action, months=follow_up.months), target=action,
                       url=_reminder_url(follow_up, person) or action_url(action), dedupe_key=f"followup-{follow_up.pk}")
            audit.record(follow_up, action="update", changes={"reminded_at": [None, "sent"]}, note="reminder")
            sent += 1
    return sent


@transaction.atomic
def followup_record(*, follow_up: FollowUp, by, outcome: str) -> FollowUp:
    """Record the outcome observed (staff or a partner focal point). Raises NotAllowed, ValidationFailed,
    IllegalTransition (already recorded)."""
    ensure(by, "record_follow_up", follow_up.action)
    outcome = require_text(outcome, field="outcome", message=_("Describe the outcome observed."))
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.recorded_at is not None:
        raise IllegalTransition(_("This follow-up has already been recorded."), code="follow_up_recorded")
    with audit.tracking(follow_up, by=by):
        follow_up.outcome = outcome
        follow_up.recorded_at = timezone.now()
        follow_up.recorded_by = by
        follow_up.save()
    return follow_up
