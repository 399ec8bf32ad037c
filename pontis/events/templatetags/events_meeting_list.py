"""The meeting list's rows and the options of its filters, written in Python from ``selectors.meeting_list`` values.

Each row was a dozen template nodes (two tags, three filters, ``{% tr %}``, conditions) and each option of the
filters three: the page wrote a few hundred nodes on every visit. Here a row is one string, its values escaped
once; the words of the coded fields (kind, status, visibility) and the kinds' options are kept per language. The
markup is the one ``events/meeting_list.html`` wrote with its loops (a test compares both in every language)."""

import datetime

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import Meeting
from ..models.access import AccessLevel
from .events_options import _ADDRESS_MARKER, _choice_labels, _escape, _escape_text, _text, _time, _time_in, meeting_url
from .events_panel_page import _PLAIN_SLUG, _Link, _title

register = template.Library()

_words: dict = {}  # language -> the words of the rows and the kinds' options, escaped


def _words_in(language: str) -> dict:
    words = _words.get(language)
    if words is None:
        labels = {name: {value: _escape_text(label) for value, label in _choice_labels(Meeting, name).items()}
                  for name in ("kind", "status", "access")}
        kinds = []
        for value, label in Meeting.Kind.choices:
            value, label = _escape(value), _escape(label)
            kinds.append((value, f'<option value="{value}" >{label}</option>',
                          f'<option value="{value}" selected>{label}</option>'))
        words = _words[language] = {
            **labels,
            "online": _escape(_("Online")),  # {% meeting_place %}: a tag's text, escaped
            # As {% translate %} writes the template's own words: not escaped.
            "none_matching": _("No meeting matches these filters."), "none_yet": _("No meeting yet."),
            "kind_options": kinds,
        }
    return words


@register.simple_tag
def meeting_kind_options(selected):
    """The ``<option>`` of each kind of meeting, ``selected`` selected, as the filter's loop wrote them."""
    return mark_safe("".join(on if value == selected else off  # noqa: S308 - escaped when kept
                             for value, off, on in _words_in(translation.get_language())["kind_options"]))


@register.simple_tag
def meeting_year_options(years, selected):
    """The ``<option>`` of each year of ``years``, ``selected`` selected, as the filter's loop wrote them."""
    options = []
    for year in years:
        text = _text(year)
        options.append(f'<option value="{text}" {"selected" if year == selected else ""}>{text}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value escaped here


@register.simple_tag
def meeting_region_options(regions, selected):
    """The ``<option>`` of each region of ``regions`` (``(code, label)``), ``selected`` selected, as the filter's
    loop wrote them."""
    options = []
    for code, label in regions:
        options.append(f'<option value="{_escape_text(code)}" {"selected" if code == selected else ""}>'
                       f"{_escape_text(label)}</option>")
    return mark_safe("".join(options))  # noqa: S308 - every value escaped here


@register.simple_tag
def meeting_list_rows(rows, filtered):
    """The ``<tr>`` of each meeting of ``rows`` (``selectors.meeting_list.MeetingListRow``): its dates, a link to
    it with its visibility when not public, its kind, place and status; or the words for none."""
    language = translation.get_language()
    words = _words_in(language)
    if not rows:
        return mark_safe(f'<tr><td colspan="5">{words["none_matching"] if filtered else words["none_yet"]}'  # noqa: S308 - the template's own words
                         "</td></tr>")
    kinds, statuses, accesses, online = words["kind"], words["status"], words["access"], words["online"]
    head, _marker, tail = _escape(meeting_url(_Link(_ADDRESS_MARKER))).partition(_ADDRESS_MARKER)
    plain, date, public, esc = _PLAIN_SLUG, datetime.date, AccessLevel.PUBLIC, _escape_text
    out = []
    for m in rows:
        start, end = m.start_date, m.end_date
        dates = _time_in(start, language) if type(start) is date else _time(start)
        if start != end:
            dates = f"{dates} – {_time_in(end, language) if type(end) is date else _time(end)}"
        slug = m.slug if plain(m.slug) else _escape(m.slug)  # escaping works character by character
        access = "" if m.access == public else f' <span class="status">{accesses.get(m.access) or esc(m.access)}</span>'
        if m.kind == Meeting.Kind.ONLINE_CONSULTATION:
            place = online
        elif m.country is not None:
            place = f"{esc(m.city)}, {esc(m.country)}"
        else:
            place = esc(m.city)
        status = m.status
        out.append(
            f'\n    <tr>\n      <td>{dates}</td>\n      <td><a href="{head}{slug}{tail}">{_title(m.title, language)}'
            f"</a>{access}</td>\n      <td>{kinds.get(m.kind) or esc(m.kind)}</td>\n      <td>{place}</td>\n"
            f'      <td><span class="status {"status--ok" if status == "held" else "status--warn"}">'
            f"{statuses.get(status) or esc(status)}</span></td>\n    </tr>\n  ")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
