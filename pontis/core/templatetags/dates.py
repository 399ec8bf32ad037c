"""One way to show dates and times in each language, in the reader's time zone with the zone named.

Templates use the filters (loaded with ``{% load pontis %}``): ``{{ value|day }}`` "29 November 2026",
``{{ value|day_time }}`` "29 November 2026, 14:30 CET", ``{{ value|time_of_day }}`` "14:30 CET", ``{{ value|ago }}``
"3 days ago" (translated). Python code (e-mails, exports) calls the same functions. The zone is the one
``pontis.core.timezones.TimeZoneMiddleware`` activated for the request (the site's elsewhere). Machine-readable
values (``<time datetime>``, ``<input type="date">``) keep ISO formats: they are not shown as text.
"""

from __future__ import annotations

import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

register = template.Library()

# Day formats (Django's date format characters; month names come from Django's own translations): GOV.UK's
# "29 November 2026", and each language's usual long form. "E" is the month in the genitive ("29 ноября 2026").
DAY_FORMATS = {
    "en": "j F Y",
    "fr": "j F Y",
    "es": r"j \d\e F \d\e Y",
    "pt": r"j \d\e F \d\e Y",
    "ru": "j E Y",
}
TIME_FORMAT = "H:i"
# Django's Portuguese catalogue capitalises month names ("Janeiro"); Portuguese writes them in lower case.
LOWER_CASE_MONTHS = {"pt"}


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def zone_name(value: datetime.datetime) -> str:
    """The zone's usual abbreviation ("CET", "CEST"), or "UTC+05" where the zone has none ("+05")."""
    name = value.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" and name else name


@register.filter
def day(value) -> str:
    """A date (or the day of a date and time, in the reader's zone), in the language's one format. An ISO date
    in a string (dates kept in JSON, such as a fiche's activity rows) is read; other text is shown as it is."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            return value
    if not isinstance(value, datetime.date):
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value)
    language = _language()
    text = dateformat.format(value, DAY_FORMATS.get(language, DAY_FORMATS["en"]))
    if language in LOWER_CASE_MONTHS:
        month = dateformat.format(value, "F")
        text = text.replace(month, month.lower())
    return text


@register.filter
def time_of_day(value) -> str:
    """The time of a date and time in the reader's zone, with the zone named: "14:30 CET"."""
    if not isinstance(value, datetime.datetime):
        return ""
    value = _local(value)
    zone = zone_name(value) if timezone.is_aware(value) else ""
    return f"{dateformat.format(value, TIME_FORMAT)} {zone}".strip()


@register.filter
def day_time(value) -> str:
    """A date and time in the reader's zone: "29 November 2026, 14:30 CET". A plain date shows as ``day``."""
    if not isinstance(value, datetime.datetime):
        return day(value)
    return _("%(day)s, %(time)s") % {"day": day(value), "time": time_of_day(value)}


@register.filter
def ago(value) -> str:
    """How long ago (or how far ahead), in the reader's language: "3 days ago", "il y a 3 jours"."""
    if isinstance(value, datetime.datetime):
        return str(naturaltime(value))
    if isinstance(value, datetime.date):
        return str(naturaltime(datetime.datetime.combine(value, datetime.time(), tzinfo=timezone.get_current_timezone())))
    return ""
