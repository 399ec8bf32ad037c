"""The EU Delegation in the Action's countries is told when the Action starts (design -> ongoing)."""

from __future__ import annotations

from pontis.accounts.selectors import delegation_people
from pontis.core.notifications import notify

from ..models import Action
from ._common import action_url


def delegation_inform_started(action: Action) -> None:
    """Notify the people of the EU Delegations covering the Action's countries that it has started (once)."""
    countries = list(action.countries.all())
    people = delegation_people([c.pk for c in countries])
    if not people:
        return
    notify(recipients=people, event="actions.action_started_for_delegation",
           params={"action": action.pk, "code": action.code, "title": dict(action.title or {}),
                   "countries": [c.name for c in countries]},
           target=action, url=action_url(action), dedupe_key=f"delegation-action-started-{action.pk}")
