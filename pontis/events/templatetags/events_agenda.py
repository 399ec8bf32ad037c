"""A meeting's agenda on its page, written in Python by one call instead of the template's nested loops.

A meeting of several days holds dozens of sessions, each with its speakers and discussion: the template's loops,
``{% blocktranslate %}`` and filters cost more than the rest of the page. The markup here is the one
``events/meeting_detail.html`` wrote with them (same words, same escaping, same white space), checked in every
language by the tests."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pontis.core.templatetags.dates import day as day_text
from pontis.core.templatetags.pontis import tr

from .events_options import title_text

register = template.Library()


def _value(value) -> str:
    """``{{ value }}``: localised, as text, escaped."""
    if isinstance(value, str):
        return conditional_escape(value)
    return conditional_escape(str(localize(value)))


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
        title = f": <cite>{conditional_escape(title_text(c.title))}</cite>" if c.title else ""
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
        f'\n      <li class="agenda__session">\n        <h4>{number}{conditional_escape(title_text(session.title))}</h4>\n'
        f"        {times}\n        {moderator}\n"
        f"        {_contributions(session.contributions.all(), show_people, words['speaker'])}\n"
        f"        {summary}\n"
        f"        {_discussion(session.discussion.all(), show_people, words['answer'])}\n"
        "      </li>\n    "
    )


@register.simple_tag
def agenda_days(agenda, meeting, show_people):
    """The days of ``agenda`` (``selectors.meeting_agenda``): for each, its heading and its sessions with their
    times, moderator, speakers (named only when ``show_people``), summary and discussion."""
    # The template's own words ({% translate %}): not escaped, as the template wrote them.
    words = {"moderator": _("Moderator:"), "speaker": _("Speaker"), "answer": _("Answer:")}
    days = []
    for index, (day, sessions) in enumerate(agenda, start=1):
        heading = _("Day %(n)s") % {"n": _value(index)}
        rows = "".join(_session(session, meeting, show_people, words) for session in sessions)
        days.append(
            f'\n    <h3>{heading} – <time datetime="{day.isoformat()}">{conditional_escape(day_text(day))}</time></h3>\n'
            f'    <ol class="agenda">\n    {rows}\n    </ol>\n  '
        )
    return mark_safe("".join(days))  # noqa: S308 - every value escaped above
