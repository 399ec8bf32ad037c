"""Registrations of the agenda part of the events app with core.registry: the "Meeting" panel on an Action
activity's page (its meeting, or "Plan the meeting" for staff)."""

from django.urls import reverse

from pontis.core import registry
from pontis.core.permissions import can

from ..models import Meeting
from ..selectors.agenda import meeting_of_activity


def activity_meeting_panel(request, activity) -> dict | None:
    """On an activity's page: the meeting that delivers it, or for staff a link to plan it (prefilled)."""
    meeting = meeting_of_activity(activity)
    if meeting is not None and can(request.user, "view", meeting):
        return {"template": "events/agenda_activity_panel.html", "placement": "main", "meeting": meeting}
    if meeting is None and can(request.user, "create", Meeting):
        return {"template": "events/agenda_activity_panel.html", "placement": "main", "meeting": None,
                "plan_url": reverse("events:agenda_meeting_create") + f"?activity={activity.pk}"}
    return None


def register() -> None:
    registry.detail_panel("actions.Activity", activity_meeting_panel, order=30)
