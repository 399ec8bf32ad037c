"""Options of the long ``<select>``s on the events pages, built in Python: a page that repeats the same list of
meetings in several forms (one per work programme topic) builds each label once and writes each list in one go."""

from django import template
from django.utils.html import format_html, format_html_join

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
