"""The work programmes of a panel's page written in Python, from ``selectors.panel_page`` values: each programme
with its topics, their host offers, the offer form and staff's form to link a meeting (whose list of meetings is
the same for every topic: each option is written once per page). The markup is the one the page's loops wrote
(a test compares both in every language)."""

import datetime
import functools
import json
import re

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import WorkProgramme
from ..selectors.panel_page import JsonText, MeetingChoices
from .events_options import (
    _ADDRESS_MARKER,
    _address,
    _choice_labels,
    _csrf_input,
    _escape,
    _text,
    _time,
    _time_in,
    _tr_in,
    meeting_url,
    title_text,
    topic_offer_items,
)

register = template.Library()


class _Link:
    __slots__ = ("slug",)

    def __init__(self, slug):
        self.slug = slug


@functools.lru_cache(maxsize=4096)
def _escaped_title_in(language: str, items: tuple) -> str:
    return _escape(_tr_in(language, items))


@functools.lru_cache(maxsize=4096)
def _escaped_json_title_in(language: str, stored: str) -> str:
    return _title(json.loads(stored), language)


def _title(value, language: str) -> str:
    """``title_text(value)`` escaped, for a page whose language is ``language`` (asked once per page): the same
    for the same texts and language, so kept like ``title_text``. A title read as its stored JSON text
    (``selectors.panel_page.JsonText``) is decoded only the first time."""
    if type(value) is JsonText:
        return _escaped_json_title_in(language, value)
    if type(value) is dict:
        try:
            return _escaped_title_in(language, tuple(sorted(value.items())))
        except TypeError:  # a value that cannot be a key
            pass
    return _escape(title_text(value))


_PLAIN_SLUG = re.compile(r"[-A-Za-z0-9_]*").fullmatch  # what escaping leaves as it is


class _MeetingOptions:
    """The ``<option>`` of each meeting a topic may be linked to (its title in the reader's language and its first
    day), written once per page: ``for_meeting(pk)`` answers them all with meeting ``pk``'s selected."""

    def __init__(self, choices, language: str):
        self.unselected, self.selected, self.index = [], [], {}
        for pk, title, start in choices:
            label = f"{_title(title, language)} ({start:%Y-%m-%d})"
            self.index.setdefault(pk, len(self.unselected))
            self.unselected.append(f'<option value="{pk}">{label}</option>')
            self.selected.append(f'<option value="{pk}" selected>{label}</option>')
        self.none = "".join(self.unselected)

    def for_meeting(self, pk) -> str:
        at = self.index.get(pk)
        if at is None:
            return self.none
        return "".join(self.unselected[:at]) + self.selected[at] + "".join(self.unselected[at + 1:])


@functools.lru_cache(maxsize=64)
def _kept_meeting_options(language: str, choices: MeetingChoices) -> _MeetingOptions:
    return _MeetingOptions(choices, language)


def _meeting_options(choices) -> _MeetingOptions:
    """``_MeetingOptions`` of ``choices``: the same for the same meetings, titles and language, so kept when their
    titles are all as stored (``selectors.panel_page.MeetingChoices``)."""
    if type(choices) is MeetingChoices:
        return _kept_meeting_options(translation.get_language(), choices)
    return _MeetingOptions(choices, translation.get_language())


@register.simple_tag
def panel_meeting_lines(meetings):
    """The ``<li>`` of each meeting on a panel's page (``selectors.panels.PanelMeetingRow``): a link to it, its
    dates and its host countries, as ``events_options.panel_meeting_items`` writes them, with the page's language
    and the address of a meeting's page worked out once for all the rows."""
    language = translation.get_language()
    hosted_by = _("Hosted by")  # as {% translate %} writes the template's own words: not escaped
    head, _marker, tail = _escape(meeting_url(_Link(_ADDRESS_MARKER))).partition(_ADDRESS_MARKER)
    date = datetime.date
    items = []
    for m in meetings:
        if type(m.title) is JsonText and type(m.start_date) is date and type(m.end_date) is date:
            items.append(_meeting_line(language, head, tail, hosted_by, m.slug, m.title, m.start_date, m.end_date,
                                       tuple(m.host_names)))
        else:
            items.append(_meeting_line.__wrapped__(language, head, tail, hosted_by, m.slug, m.title, m.start_date,
                                                   m.end_date, m.host_names))
    return mark_safe("".join(items))  # noqa: S308 - every value escaped here


@functools.lru_cache(maxsize=4096, typed=True)
def _meeting_line(language, head, tail, hosted_by, slug, title, start, end, host_names) -> str:
    """The ``<li>`` of one meeting of ``panel_meeting_lines``: the same for the same values, language and
    address, so kept (a panel's page writes the same meetings on every visit). ``host_names``: plain texts."""
    dates = _time_in(start, language) if type(start) is datetime.date else _time(start)
    if start != end:
        dates = f"{dates} – {_time_in(end, language) if type(end) is datetime.date else _time(end)}"
    hosts = f" · {hosted_by} {', '.join(map(_escape, host_names))}" if host_names else ""
    slug = slug if _PLAIN_SLUG(slug) else _escape(slug)  # escaping works character by character
    return f'\n    <li><a href="{head}{slug}{tail}">{_title(title, language)}</a> – {dates}{hosts}</li>\n  '


@register.simple_tag(takes_context=True)
def panel_programme_items(context, programmes, panel, may_change, may_offer, signed_in, offer_countries,
                          offer_options="", link_meetings=()):
    """Each work programme of a panel's page (``selectors.panel_page.ProgrammeRow``), or the words for none."""
    if not programmes:
        return mark_safe(f"<p>{_('No work programme yet.')}</p>")  # noqa: S308 - the template's own words
    csrf = _csrf_input(context)
    statuses = _choice_labels(WorkProgramme, "status")
    presented_at, meeting_word, no_offer = _("Presented at"), _("Meeting:"), _("No offer to host yet.")
    links = _meeting_options(link_meetings) if may_change else None
    head, _marker, tail = _escape(meeting_url(_Link(_ADDRESS_MARKER))).partition(_ADDRESS_MARKER)

    def meeting_address(slug):
        return f"{head}{slug if _PLAIN_SLUG(slug) else _escape(slug)}{tail}"

    slug = panel.slug
    language = translation.get_language()
    offer_summary = offer_head = offer_tail = ""
    if may_offer:
        offer_summary = _("Offer to host")
        offer_head = (f'<form method="post" action="{_escape(reverse("panels:offer_create", args=[slug]))}" novalidate>'
                      f'{csrf}\n            <input type="hidden" name="topic" value="')
        offer_tail = ('">\n            <div class="field"><label for="offer-country-{pk}">' + _("For the country")
                      + '</label>\n              <select id="offer-country-{pk}" name="country">', "</select></div>\n"
                      '            <div class="field"><label for="offer-note-{pk}">' + _("Note (optional)") + "</label>\n"
                      '              <textarea id="offer-note-{pk}" name="note" rows="2" maxlength="2000"></textarea>'
                      '</div>\n            <button class="button button--secondary" type="submit">' + offer_summary
                      + "</button>\n          </form>")
        offer_options = str(offer_options)
    if may_change:
        link_url = _address("panels:topic_link", slug)
        link_summary, link_label, link_button = (_("Link the meeting that takes this topic up"), _("Meeting"),
                                                 _("Link the meeting"))
        adopt_url = _adopt_address(slug)
        adopt_button = _("Adopt the programme")
    out = []
    for programme in programmes:
        status = programme.status
        tone = "status--ok" if status == "adopted" else "status--warn"
        heading = _("Work programme %(year)s") % {"year": _text(programme.year)}
        out.append(f'\n  <article class="panel-programme">\n    <h3>{heading}\n      <span class="status {tone}">'
                   f"{_escape(statuses.get(status, status))}</span></h3>\n    ")
        if programme.presented_slug is not None:
            out.append(f'<p class="small">{presented_at} <a href="{meeting_address(programme.presented_slug)}">'
                       f"{_escape(title_text(programme.presented_title))}</a></p>")
        out.append("\n    ")
        if programme.notes:
            out.append(f'<div class="prose">{linebreaks_filter(title_text(programme.notes), autoescape=True)}</div>')
        out.append('\n    <ol class="panel-topics">\n    ')
        for topic in programme.ordered_topics:
            pk = topic.pk
            out.append(f"\n      <li>\n        <strong>{_title(topic.title, language)}</strong>\n        ")
            if topic.meeting_id is not None:
                out.append(f'<p class="small">{meeting_word} <a href="{meeting_address(topic.meeting_slug)}">'
                           f"{_escape(title_text(topic.meeting_title))}</a></p>")
            out.append('\n        <ul class="panel-offers">\n          ')
            if topic.visible_offers:
                out.append(topic_offer_items(context, topic.visible_offers, panel, may_change, signed_in,
                                             offer_countries))
            else:
                if signed_in:
                    out.append(f'<li class="muted">{no_offer}</li>')
                out.append("\n          ")
            out.append("\n        </ul>\n        ")
            if may_offer:
                number = str(pk)
                out.append(f"\n        <details><summary>{offer_summary}</summary>\n          {offer_head}{number}"
                           f"{offer_tail[0].replace('{pk}', number)}{offer_options}"
                           f"{offer_tail[1].replace('{pk}', number)}\n        </details>\n        ")
            out.append("\n        ")
            if may_change:
                options = links.for_meeting(topic.meeting_id)
                out.append(
                    f"\n        <details><summary>{link_summary}</summary>\n          "
                    f'<form method="post" action="{link_url(pk)}" novalidate>{csrf}\n'
                    f'            <div class="field"><label for="link-meeting-{pk}">{link_label}</label>\n'
                    f'              <select id="link-meeting-{pk}" name="meeting">{options}</select></div>\n'
                    f'            <button class="button button--secondary" type="submit">{link_button}</button>\n'
                    "          </form>\n        </details>\n        ")
            out.append("\n      </li>\n    ")
        out.append("\n    </ol>\n    ")
        if may_change and status == "draft":
            out.append(f'\n      <form method="post" action="{adopt_url(programme.year)}">{csrf}<button class="button" '
                       f'type="submit">{adopt_button}</button></form>\n    ')
        out.append("\n  </article>\n  ")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above


def _adopt_address(slug: str):
    """``{% url 'panels:programme_adopt' slug year %}`` for each year: ``reverse`` once."""
    return _address("panels:programme_adopt", slug)
