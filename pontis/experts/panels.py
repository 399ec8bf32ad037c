"""What the roster adds to pages of lower apps, through ``pontis.core.registry.detail_panel``."""

from __future__ import annotations

from django.urls import reverse

from pontis.actions.models import Action, Activity
from pontis.core.permissions import can

from .models import ExpertProfile

# Experts are found and invited while an activity is still to come: not once it is delivered, reported or
# cancelled, nor in an Action that is over.
ACTIVITY_TAKES_EXPERTS = (Activity.Status.PLANNED, Activity.Status.CONFIRMED, Activity.Status.POSTPONED)
ACTION_TAKES_EXPERTS = (Action.Status.DESIGN, Action.Status.ONGOING)


def activity_takes_experts(activity) -> bool:
    return activity.status in ACTIVITY_TAKES_EXPERTS and activity.action.status in ACTION_TAKES_EXPERTS


def activity_experts_panel(request, activity) -> dict | None:
    """On an activity's page, for staff who match experts: the link to the candidates (no query)."""
    if not can(request.user, "match", ExpertProfile) or not activity_takes_experts(activity):
        return None
    return {"template": "experts/_activity_panel.html", "placement": "main",
            "url": reverse("experts:activity_experts", args=[activity.pk])}
