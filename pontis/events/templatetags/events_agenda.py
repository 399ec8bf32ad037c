"""A meeting's agenda on its page, written in Python by one call instead of the template's nested loops.

A meeting of several days holds dozens of sessions, each with its speakers and discussion: the template's loops,
``{% blocktranslate %}`` and filters cost more than the rest of the page. The markup here is the one
``events/meeting_detail.html`` wrote with them (same words, same escaping, same white space), checked in every
language by the tests."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import filesizeformat, linebreaks_filter
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pontis.core.templatetags.dates import day as day_text
from pontis.core.templatetags.pontis import tr

from ..models import Material
from .events_options import _address, _choice_labels, _csrf_input, _escape, title_text

register = template.Library()


def _value(value) -> str:
    """``{{ value }}``: localised, as text, escaped."""
    if isinstance(value, str):
        return _escape(value)
    return _escape(str(localize(value)))


def _time(day, value) -> str:
    return f'<time datetime="{day.isoformat()}T{value:%H:%M}">{value:%H:%M}</time>'


def _contributions(contributions, show_people: bool, speaker: str) -> str:
    if not contributions:
        return ""
    items = []
    for c in contributions:
        if show_people:
            who = f"<strong>{_value(c.speaker_name)}</strong>"
            if c.speaker_role:
                who += f", {_value(c.speaker_role)}"
        else:
            who = f"<strong>{speaker}</strong>"
        country = f" ({_value(c.country)})" if c.country else ""
        title = f": <cite>{_escape(title_text(c.title))}</cite>" if c.title else ""
        items.append(f"\n          <li>{who}{country}{title}</li>\n          ")
    return f"\n        <ul>\n          {''.join(items)}\n        </ul>\n        "


def _discussion(notes, show_people: bool, answer_label: str) -> str:
    if not notes:
        return ""
    count = len(notes)
    summary = ngettext("Discussion: %(n)s question", "Discussion: %(n)s questions", count) % {"n": _value(count)}
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


def _session(session, meeting, show_people: bool, words: dict) -> str:
    number = ""
    if session.number:
        number = _("Session %(n)s") % {"n": _value(session.number)} + ": "
    times = ""
    if session.starts_at:
        ends = f"–{_time(session.day, session.ends_at)}" if session.ends_at else ""
        times = (f'<p class="small muted">{_time(session.day, session.starts_at)}{ends} '
                 f"({_value(meeting.time_zone)})</p>")
    moderator = ""
    if session.moderator and show_people:
        moderator = f"<p><strong>{words['moderator']}</strong> {_value(session.moderator)}</p>"
    summary = ""
    if session.summary:
        summary = f'<div class="prose">{linebreaks_filter(tr(session.summary), autoescape=True)}</div>'
    return (
        f'\n      <li class="agenda__session">\n        <h4>{number}{_escape(title_text(session.title))}</h4>\n'
        f"        {times}\n        {moderator}\n"
        f"        {_contributions(_listed(session.contributions), show_people, words['speaker'])}\n"
        f"        {summary}\n"
        f"        {_discussion(_listed(session.discussion), show_people, words['answer'])}\n"
        "      </li>\n    "
    )


@register.simple_tag
def agenda_days(agenda, meeting, show_people):
    """The days of ``agenda`` (``selectors.meeting_agenda_rows`` or ``meeting_agenda``): for each, its heading and its sessions with their
    times, moderator, speakers (named only when ``show_people``), summary and discussion."""
    # The template's own words ({% translate %}): not escaped, as the template wrote them.
    words = {"moderator": _("Moderator:"), "speaker": _("Speaker"), "answer": _("Answer:")}
    days = []
    for index, (day, sessions) in enumerate(agenda, start=1):
        heading = _("Day %(n)s") % {"n": _value(index)}
        rows = "".join(_session(session, meeting, show_people, words) for session in sessions)
        days.append(
            f'\n    <h3>{heading} – <time datetime="{day.isoformat()}">{_escape(day_text(day))}</time></h3>\n'
            f'    <ol class="agenda">\n    {rows}\n    </ol>\n  '
        )
    return mark_safe("".join(days))  # noqa: S308 - every value escaped above


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
