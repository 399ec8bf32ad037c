"""Tags of the events pages built in Python rather than in template includes.

Options of the long ``<select>``s: a page that repeats the same list of meetings in several forms (one per work
programme topic) builds each label once and writes each list in one go. A meeting's dates, place and address, and
the labels of its coded fields, are written by one call per row instead of an include (a new template context
and a dozen nodes) or ``get_FOO_display`` (a dictionary of the choices built on every call): lists of meetings
and registrations show them on every row. The HTML is the same as ``events/_dates.html`` and
``events/_place.html`` write."""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from pontis.core.templatetags.dates import day
from pontis.core.templatetags.pontis import tr

register = template.Library()


@register.simple_tag
def meeting_choices(meetings) -> list[tuple[int, str]]:
    """``[(pk, label), ...]``: each meeting's title in the reader's language (a fallback marked as ``tr`` marks it)
    and its first day, ``YYYY-MM-DD``."""
    return [(m.pk, format_html("{} ({})", tr(m.title), m.start_date.strftime("%Y-%m-%d"))) for m in meetings]


@register.simple_tag
def options(choices, selected=None):
    """``<option>`` elements for ``[(value, label), ...]``, the one whose value equals ``selected`` selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def _time(value) -> str:
    return format_html('<time datetime="{}">{}</time>', value.strftime("%Y-%m-%d"), day(value))


@register.simple_tag
def meeting_dates(meeting):
    """The first day, or the first and last days, of a meeting, as ``events/_dates.html`` writes them."""
    if meeting.start_date == meeting.end_date:
        return _time(meeting.start_date)
    return format_html("{} – {}", _time(meeting.start_date), _time(meeting.end_date))


@register.simple_tag
def meeting_place(meeting):
    """The word for online, or the city and country of a meeting, as ``events/_place.html`` writes them."""
    if meeting.is_online:
        return _("Online")
    if meeting.country:
        return format_html("{}, {}", meeting.city, meeting.country)
    return format_html("{}", meeting.city)


_ADDRESS_MARKER = "meeting-address-marker"
_addresses: dict = {}


@register.simple_tag
def meeting_url(meeting) -> str:
    """The address of a meeting's page, as ``{% url 'events:detail' meeting.slug %}`` gives it: ``reverse`` once
    per URL configuration and prefix, then a replacement per row."""
    key = (get_urlconf(), get_script_prefix())
    pattern = _addresses.get(key)
    if pattern is None:
        pattern = _addresses[key] = reverse("events:detail", args=[_ADDRESS_MARKER])
    return pattern.replace(_ADDRESS_MARKER, meeting.slug)


_labels: dict = {}


@register.filter
def choice_label(obj, name: str) -> str:
    """The label of the value of the choice field ``name`` of ``obj``, as ``get_<name>_display`` gives it, in the
    reader's language."""
    key = (type(obj), name)
    labels = _labels.get(key)
    if labels is None:
        labels = _labels[key] = dict(type(obj)._meta.get_field(name).flatchoices)
    value = getattr(obj, name)
    return str(labels.get(value, value))
