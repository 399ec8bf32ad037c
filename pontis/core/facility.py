"""What the facility promises, defined once, and the one clock that measures it.

From the seeds (``rapid_reaction_days``): an Action is ready to launch within three months of the request.
Requests (intake) and Actions (actions) both count against this promise with ``days_on_clock``.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

RAPID_REACTION_DAYS = 90


def local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The calendar day of ``value`` in the facility's time zone (a date is answered as it is)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def days_on_clock(start, end=None) -> int | None:
    """Calendar days from ``start`` to ``end`` (today when None), counted on local dates, never negative (dates
    recorded out of order count as no time); None without a start.

    Dates and datetimes are both accepted, so a request (timestamps) and an Action (dates) are measured alike.
    """
    if start is None:
        return None
    end_day = local_date(end) if end is not None else timezone.localdate()
    return max(0, (end_day - local_date(start)).days)
