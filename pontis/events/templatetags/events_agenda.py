"""A meeting's agenda on its page, written in Python by one call instead of the template's nested loops.

A meeting of several days holds dozens of sessions, each with its speakers and discussion: the template's loops,
``{% blocktranslate %}`` and filters cost more than the rest of the page. The markup here is the one
``events/meeting_detail.html`` wrote with them (same words, same escaping, same white space), checked in every
language by the tests."""

from __future__ import annotations

import datetime
import functools
import re

from django import template
from django.template.base import TextNode, Variable
from django.template.defaultfilters import filesizeformat, linebreaks_filter
from django.templatetags.i18n import TranslateNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pontis.core.templatetags.dates import day as day_text
from pontis.core.templatetags.pontis import tr

from ..models import Material
from .events_options import (
    _address,
    _choice_labels,
    _csrf_input,
    _day_in,
    _escape,
    _escape_text,
    _tr_in,
    title_text,
)

register = template.Library()


class FixedWordsNode(template.Node):
    """Markup and ``{% translate "…" %}`` words only: the same for every reader of a language, so written once
    per worker, language and escaping mode and then copied."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.key = tuple(node.s if isinstance(node, TextNode) else node.filter_expression.token for node in nodelist)

    def render(self, context):
        key = (self.key, translation.get_language(), context.autoescape)
        text = _fixed_words.get(key)
        if text is None:
            if len(_fixed_words) >= 2000:
                _fixed_words.clear()
            text = _fixed_words[key] = self.nodelist.render(context)
        return text


_fixed_words: dict = {}


def _is_fixed(node) -> bool:
    if isinstance(node, TextNode):
        return True
    if not isinstance(node, TranslateNode) or node.asvar or node.message_context is not None:
        return False
    expression = node.filter_expression
    return (isinstance(expression.var, Variable) and expression.var.literal is not None
            and not expression.var.lookups and not expression.filters)


@register.tag
def fixed_words(parser, token):
    """``{% fixed_words %}…{% end_fixed_words %}``: a run of a page's markup and constant ``{% translate %}``
    words, written once per worker and language (see ``FixedWordsNode``). Anything else inside is an error, so
    nothing that depends on the reader or the page can be kept by mistake."""
    nodelist = parser.parse(("end_fixed_words",))
    parser.delete_first_token()
    for node in nodelist:
        if not _is_fixed(node):
            raise template.TemplateSyntaxError(
                f"{{% fixed_words %}} holds only text and {{% translate \"…\" %}}, not {type(node).__name__}")
    return FixedWordsNode(nodelist)


def _value(value) -> str:
    """``{{ value }}``: localised, as text, escaped."""
    if isinstance(value, str):
        return _escape_text(value)
    if type(value) is int and -1000 < value < 1000:  # no grouping below a thousand: ``localize`` writes str()
        return str(value)
    return _escape(str(localize(value)))


def _time(day, value) -> str:
    return f'<time datetime="{day.isoformat()}T{value:%H:%M}">{value:%H:%M}</time>'


@functools.lru_cache(maxsize=1024)
def _summary_in(language: str, items: tuple) -> str:
    with translation.override(language):
        return linebreaks_filter(tr(dict(items)), autoescape=True)


def _summary(value, language: str) -> str:
    """``{% tr value as summary %}{{ summary|linebreaks }}``: the same for the same texts and language, so kept."""
    if isinstance(value, dict):
        try:
            return _summary_in(language, tuple(sorted(value.items())))
        except TypeError:  # a value that cannot be a key
            pass
    return linebreaks_filter(tr(value), autoescape=True)


def _day_text(value, language: str) -> str:
    """``{{ value|day }}`` (unescaped), kept per day and language (``events_options._day_in``)."""
    return _day_in(value, language) if type(value) is datetime.date else day_text(value)


def _title(value, language: str) -> str:
    """``title_text(value)`` with the page's language read once."""
    if isinstance(value, dict):
        try:
            return _escape_text(_tr_in(language, tuple(sorted(value.items()))))
        except TypeError:  # a value that cannot be a key
            pass
    return _escape(tr(value))


def _contributions(contributions, show_people: bool, page: dict) -> str:
    if not contributions:
        return ""
    items = []
    speaker, language = page["speaker"], page["language"]
    for c in contributions:
        if show_people:
            who = f"<strong>{_value(c.speaker_name)}</strong>"
            if c.speaker_role:
                who += f", {_value(c.speaker_role)}"
        else:
            who = f"<strong>{speaker}</strong>"
        country = f" ({_value(c.country)})" if c.country else ""
        title = f": <cite>{_title(c.title, language)}</cite>" if c.title else ""
        items.append(f"\n          <li>{who}{country}{title}</li>\n          ")
    return f"\n        <ul>\n          {''.join(items)}\n        </ul>\n        "


def _discussion(notes, show_people: bool, page: dict) -> str:
    if not notes:
        return ""
    count = len(notes)
    summaries = page["summaries"]
    summary = summaries.get(count)
    if summary is None:
        summary = summaries[count] = ngettext("Discussion: %(n)s question", "Discussion: %(n)s questions",
                                              count) % {"n": _value(count)}
    answer_label = page["answer"]
    items = []
    for note in notes:
        asked = ""
        if note.country:
            asked = _value(note.country) + (", " if show_people and note.asked_by else "")
        if show_people:
            asked += _value(note.asked_by)
        answer = ""
        if note.answer:
            by = f"{_value(note.answered_by)}: " if show_people and note.answered_by else ""
            answer = f"<p><strong>{answer_label}</strong> {by}{_value(note.answer)}</p>"
        items.append(f"\n            <dt>{asked}</dt>\n            <dd><p>{_value(note.question)}</p>{answer}</dd>\n          ")
    return (f'\n        <details class="agenda__discussion">\n          <summary>{summary}</summary>\n          <dl>\n'
            f"          {''.join(items)}\n          </dl>\n        </details>\n        ")


def _listed(items):
    """A session's speakers or notes: the list of ``selectors.meeting_agenda_rows``, or a prefetched manager's."""
    return items if isinstance(items, list) else items.all()


def _session(session, show_people: bool, page: dict) -> str:
    number = ""
    if session.number:
        number = page["session"] % {"n": _value(session.number)} + ": "
    times = ""
    if session.starts_at:
        ends = f"–{_time(session.day, session.ends_at)}" if session.ends_at else ""
        times = f'<p class="small muted">{_time(session.day, session.starts_at)}{ends} ({page["zone"]})</p>'
    moderator = ""
    if session.moderator and show_people:
        moderator = f"<p><strong>{page['moderator']}</strong> {_value(session.moderator)}</p>"
    summary = ""
    if session.summary:
        summary = f'<div class="prose">{_summary(session.summary, page["language"])}</div>'
    return (
        f'\n      <li class="agenda__session">\n        <h4>{number}{_title(session.title, page["language"])}</h4>\n'
        f"        {times}\n        {moderator}\n"
        f"        {_contributions(_listed(session.contributions), show_people, page)}\n"
        f"        {summary}\n"
        f"        {_discussion(_listed(session.discussion), show_people, page)}\n"
        "      </li>\n    "
    )


@register.simple_tag
def agenda_days(agenda, meeting, show_people):
    """The days of ``agenda`` (``selectors.meeting_agenda_rows`` or ``meeting_agenda``): for each, its heading and its sessions with their
    times, moderator, speakers (named only when ``show_people``), summary and discussion."""
    # The template's own words ({% translate %}): not escaped, as the template wrote them. Each is translated
    # once for the page, as are the meeting's time zone and the language.
    page = {"moderator": _("Moderator:"), "speaker": _("Speaker"), "answer": _("Answer:"),
            "session": _("Session %(n)s"), "zone": _value(meeting.time_zone),
            "language": translation.get_language(), "summaries": {}}
    day_heading = _("Day %(n)s")
    language = page["language"]
    days = []
    for index, (day, sessions) in enumerate(agenda, start=1):
        heading = day_heading % {"n": _value(index)}
        rows = "".join([_session(session, show_people, page) for session in sessions])
        days.append(
            f'\n    <h3>{heading} – <time datetime="{day.isoformat()}">{_escape(_day_text(day, language))}</time></h3>\n'
            f'    <ol class="agenda">\n    {rows}\n    </ol>\n  '
        )
    return mark_safe("".join(days))  # noqa: S308 - every value escaped above


_LINK_MARKS = tuple(f"meetinglinkmark{n}x" for n in range(4))
_PLAIN_ARG = re.compile(r"[-a-zA-Z0-9_]+")  # what ``reverse`` writes into an address as it is
_link_patterns: dict = {}


@register.simple_tag
def meeting_link(name: str, *args) -> str:
    """``{% url name *args %}`` for the routes of a meeting (its slug, then perhaps a format or a day): ``reverse``
    once per route, number of arguments, URL configuration and prefix, with marks in the arguments' places, then
    the arguments written in (a meeting's pages link to a dozen of its routes)."""
    args = [str(arg) for arg in args]
    if len(args) > len(_LINK_MARKS) or not all(_PLAIN_ARG.fullmatch(arg) for arg in args):
        return reverse(name, args=args)
    key = (name, len(args), get_urlconf(), get_script_prefix())
    parts = _link_patterns.get(key)
    if parts is None:
        if len(_link_patterns) >= 500:
            _link_patterns.clear()
        parts = _link_parts(name, len(args))
        if parts is None:
            return reverse(name, args=args)
        _link_patterns[key] = parts
    pieces = [parts[0]]
    for index, piece in parts[1]:
        pieces.append(args[index])
        pieces.append(piece)
    return "".join(pieces)


def _link_parts(name: str, count: int):
    """``(head, [(argument index, text after it), ...])`` of the address of ``name`` with marks as arguments, or
    None when an address does not hold each mark exactly once (the route would change an argument)."""
    try:
        marked = reverse(name, args=list(_LINK_MARKS[:count]))
    except NoReverseMatch:
        return None
    found = sorted((marked.find(mark), index) for index, mark in enumerate(_LINK_MARKS[:count]))
    if any(position < 0 or marked.count(_LINK_MARKS[index]) != 1 for position, index in found):
        return None
    head = marked[:found[0][0]] if found else marked
    tails = []
    for n, (position, index) in enumerate(found):
        start = position + len(_LINK_MARKS[index])
        stop = found[n + 1][0] if n + 1 < len(found) else len(marked)
        tails.append((index, marked[start:stop]))
    return head, tails


def _material_item(row, may_set_access: bool, words: dict, labels: tuple, addresses: tuple, csrf: str) -> str:
    m = row.material
    title = _escape(title_text(m.title))
    if not row.can_open:
        return ('\n      <li class="materials__item materials__item--restricted">\n        \n'
                f"          <span>{title}</span>\n"
                f'          <span class="tag tag--restricted">{words["restricted"]}</span>\n        \n      </li>\n      ')
    kinds, accesses = labels
    download, edit, access, delete = addresses
    pk = m.pk
    tools = ""
    if may_set_access:
        hidden = f'<span class="visually-hidden"> {title}</span>'
        tools = (
            f'\n            <span class="tag">{_escape(accesses.get(m.access, m.access))}</span>\n'
            '            <span class="materials__actions small">\n'
            f'              <a href="{edit(pk)}">{words["change"]}{hidden}</a>\n'
            f'              <a href="{access(pk)}">{words["who"]}{hidden}</a>\n'
            f'              <form method="post" action="{delete(pk)}" class="inline-form">{csrf}<button type="submit" '
            f'class="link-button link-button--danger">{words["delete"]}{hidden}</button></form>\n'
            "            </span>\n          "
        )
    return (
        '\n      <li class="materials__item">\n        \n'
        f'          <a href="{download(pk)}">{title}</a>\n'
        f'          <span class="small muted">{_escape(kinds.get(m.kind, m.kind))} · '
        f"{_escape(filesizeformat(m.size))}</span>\n"
        f"          {tools}\n        \n      </li>\n      "
    )


@register.simple_tag(takes_context=True)
def material_groups_html(context, groups, may_set_access):
    """The groups of a meeting's materials section (``selectors.materials.material_grouped``): each group's
    heading and its items (a link, kind and size, and for staff the access level and the change, access and
    delete actions; a restricted item's title only), as ``events/materials_section.html``'s loops wrote them."""
    # The template's own words ({% translate %}): not escaped, as the template wrote them.
    words = {"change": _("Change"), "who": _("Who may open it"), "delete": _("Delete"),
             "restricted": _("Restricted"), "whole": _("The meeting as a whole")}
    labels = (_choice_labels(Material, "kind"), _choice_labels(Material, "access"))
    addresses = tuple(_address(f"events:materials_{name}") for name in ("download", "edit", "access", "delete"))
    csrf = _csrf_input(context) if may_set_access else ""
    parts = []
    for session, contribution, rows in groups:
        if contribution:
            heading = _escape(str(contribution))
        elif session:
            heading = _escape(str(session))
        else:
            heading = words["whole"]
        items = "".join(_material_item(row, may_set_access, words, labels, addresses, csrf) for row in rows)
        parts.append(f'\n    <h3 class="materials__group">{heading}</h3>\n    <ul class="materials__list">\n'
                     f"      {items}\n    </ul>\n  ")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
