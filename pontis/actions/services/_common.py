"""Helpers shared by the actions services: recipients, dates. (Status moves: ``pontis.core.workflow``.)"""

from __future__ import annotations

import calendar
import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.accounts.models import Role, User
from pontis.core.errors import ValidationFailed
from pontis.core.following import followers, news_audience
from pontis.core.i18n import translate


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


def news_params(action, **extra) -> dict:
    """What every Action event carries (pontis/actions/news.py): its id, code and title, and the partner focal
    points, who read "your"."""
    return {"action": action.pk, "code": action.code, "title": action.title or {},
            "partners": [p.pk for p in focal_points(action)], **extra}


def activity_params(activity, **extra) -> dict:
    """An activity's event parameters: its Action's, and the activity's number, title (its type's name when it has
    none) and dates."""
    title = activity.title if translate(activity.title) else activity.type.name
    return news_params(activity.action, activity=activity.pk, sequence=activity.sequence, activity_title=title or {},
                       start=activity.start_date.isoformat() if activity.start_date else "",
                       end=activity.end_date.isoformat() if activity.end_date else "", **extra)


def audience(action) -> list[User]:
    """The staff told about ``action``: its owner and followers, else its region's coordinator, else every officer."""
    return news_audience(action, owner=action.owner, region=action.region)


def watchers(action, *, besides=None) -> list[User]:
    """The Action's owner and followers (not every officer), leaving out ``besides`` (who made the change): told
    of moves that used to reach only the partner."""
    people = ([action.owner] if action.owner_id else []) + list(followers(action))
    return [u for u in people if u.is_active and (besides is None or u.pk != besides.pk)]
