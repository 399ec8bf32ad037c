"""Helpers shared by the actions services: recipients, dates. (Status moves: ``pontis.core.workflow``.)"""

from __future__ import annotations

import calendar
import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.accounts.models import Role, User
from pontis.core.errors import ValidationFailed


def today() -> datetime.date:
    return timezone.localdate()


def require_text(value, *, field: str, message) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, field=field, errors={field: [message]})
    return text


def focal_points(action) -> list[User]:
    people = []
    for partner in action.partners.select_related("operational_focal_point", "strategic_focal_point"):
        people += [p for p in (partner.operational_focal_point, partner.strategic_focal_point) if p is not None]
    return people


def officers() -> list[User]:
    return list(User.objects.filter(is_active=True, roles__role=Role.OFFICER).distinct())


def action_url(action) -> str:
    return reverse("actions:detail", args=[action.code])


def check_dates(start, end, *, field="end_date"):
    if start and end and end < start:
        message = _("The end date cannot be before the start date.")
        raise ValidationFailed(message, field=field, errors={field: [message]})


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the last day of the month when that day does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
