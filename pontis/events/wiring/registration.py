"""Registrations of the registration part of the events app with core.registry: the activity's participant
figures come from the meeting's attendance when the meeting takes registrations (read-only in the actions app's
report form)."""

from django.utils.translation import gettext as _

from pontis.core import registry

from ..models import Meeting


def figures_from_attendance(activity) -> str | None:
    """The reason the activity's figures are not typed: its meeting takes registrations and checks people in."""
    if activity is None or getattr(activity, "pk", None) is None:
        return None
    if Meeting.objects.filter(activity_id=activity.pk).exclude(registration=Meeting.Registration.NONE).exists():
        return _("From the meeting's attendance: the figures follow who is checked in on the attendance sheet.")
    return None


def register() -> None:
    registry.activity_figures_source(figures_from_attendance)
