"""Sections of a meeting's page written in Python by one call each instead of a template include.

An include costs a new template context and a node for every ``{% if %}``, ``{% translate %}`` and link; these
sections hold little but words and links. The markup here is the one their templates wrote (same words, same
escaping, same white space): ``events/minutes_section.html``, ``events/meeting_registration_section.html`` and
``core/_history_section.html`` as they were (kept under ``tests/kept/meeting_pages_before``), checked in every
language by the tests."""

from __future__ import annotations

import functools

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pontis.core.templatetags.dates import day_time
from pontis.core.templatetags.layout import link_url
from pontis.core.templatetags.pontis import has_any_role, history_url

from ..models import Meeting, Minutes, Registration
from .events_agenda import _summary, meeting_link
from .events_options import _choice_labels, _escape

register = template.Library()

PUBLISHED, CONSULTATION = Minutes.Status.PUBLISHED.value, Minutes.Status.CONSULTATION.value


@functools.lru_cache(maxsize=16)
def _words(language: str) -> dict:
    """The sections' own words in ``language``, as ``{% translate %}`` writes them (not escaped)."""
    with translation.override(language):
        return {
            "minutes": _("Minutes and report"), "the_minutes": _("The minutes"),
            "draft": _("The draft minutes, open for comments by the attendees"),
            "write": _("Write the minutes"), "report": _("The printable report"),
            "taking_part": _("Taking part"), "see_own": _("See or withdraw your registration"),
            "register": _("Register for this meeting"),
            "invitation": _("Registration is by invitation only. The organisers send each invitee a personal link."),
            "calendar": _("Add to my calendar (.ics)"), "feed": _("My calendar feed"),
            "manage": _("Registrations and attendance"),
            "history": _("History"), "show_history": _("Show the history of changes"),
        }


def _link(name: str, slug) -> str:
    """``{% meeting_link name slug %}`` as the template wrote it (escaped)."""
    return _escape(meeting_link(name, slug))


def _minutes_status(meeting) -> str:
    """``meeting.minutes.status``, or "" for a meeting without minutes (what the template's lookup answered)."""
    try:
        minutes = meeting.minutes
    except Minutes.DoesNotExist:
        return ""
    return getattr(minutes, "status", "")


@register.simple_tag
def minutes_section(meeting, may_change):
    """The link to the meeting's minutes and printable report, for staff always, for others once the minutes are
    published or open for comments (``events/minutes_section.html``)."""
    status = _minutes_status(meeting)
    if not (may_change or status == PUBLISHED or status == CONSULTATION):
        return ""
    words = _words(translation.get_language())
    if status == PUBLISHED:
        label = words["the_minutes"]
    elif status == CONSULTATION:
        label = words["draft"]
    else:
        label = words["write"]
    report = ""
    if status == PUBLISHED or may_change:
        report = f'<li><a href="{_link("events:minutes_report", meeting.slug)}">{words["report"]}</a></li>'
    return mark_safe(  # noqa: S308 - the words are the template's own, the addresses escaped
        '\n<section class="card" aria-labelledby="minutes-link-title">\n'
        f'  <h2 id="minutes-link-title">{words["minutes"]}</h2>\n  <ul>\n'
        f'    <li><a href="{_link("events:minutes", meeting.slug)}">{label}</a></li>\n'
        f"    {report}\n  </ul>\n</section>\n")


@register.simple_tag(takes_context=True)
def registration_section(context, meeting, own_registration, registration_open, may_change):
    """"Taking part": one's own registration, or the button to register, or the word on invitations; the links to
    the meeting's calendar file, one's calendar feed and the staff's list (``events/meeting_registration_section.html``)."""
    words = _words(translation.get_language())
    if own_registration:
        status = _choice_labels(Registration, "status")
        label = status.get(own_registration.status, own_registration.status)
        own = _("Your registration: <strong>%(status)s</strong>.") % {"status": _escape(label)}
        part = (f"\n    <p>{own}\n"
                f'      <a href="{_link("events:registration_own", own_registration.token)}">{words["see_own"]}</a>'
                "</p>\n  ")
    elif registration_open:
        closes = ""
        if meeting.registration_closes_at:
            when = _("Registration closes on %(when)s.") % {"when": _escape(day_time(meeting.registration_closes_at))}
            closes = f'<p class="small muted">{when}</p>'
        part = (f'\n    <p><a class="button" href="{_link("events:registration_register", meeting.slug)}">'
                f'{words["register"]}</a></p>\n    {closes}\n  ')
    elif meeting.registration == Meeting.Registration.INVITATION and meeting.status == Meeting.Status.PLANNED:
        part = f'\n    <p class="muted">{words["invitation"]}</p>\n  '
    else:
        part = ""
    user = context.get("user")
    feed = ""
    if getattr(user, "is_authenticated", False):
        feed = f'<li><a href="{_escape(link_url("events:calendar_feeds"))}">{words["feed"]}</a></li>'
    manage = ""
    if may_change and meeting.registration != Meeting.Registration.NONE:
        manage = f'<li><a href="{_link("events:registration_manage", meeting.slug)}">{words["manage"]}</a></li>'
    return mark_safe(  # noqa: S308 - the words are the template's own, every value escaped
        '\n<section class="card" aria-labelledby="take-part-title">\n'
        f'  <h2 id="take-part-title">{words["taking_part"]}</h2>\n  {part}\n'
        '  <ul class="inline-list">\n'
        f'    <li><a href="{_link("events:calendar_meeting", meeting.slug)}" download>{words["calendar"]}</a></li>\n'
        f"    {feed}\n    {manage}\n  </ul>\n</section>")


@register.simple_tag(takes_context=True)
def history_section(context, obj):
    """The staff's link to the history of changes of ``obj``: what ``{% include "core/_history_section.html" with
    object=obj %}`` wrote, its last line's end included."""
    if not has_any_role(context.get("user"), "admin,officer"):
        return "\n"
    words = _words(translation.get_language())
    url = _escape(history_url(obj))
    return mark_safe(  # noqa: S308 - the words are the template's own, the address escaped
        '\n<section class="card" aria-labelledby="history-title">\n'
        f'  <h2 id="history-title">{words["history"]}</h2>\n'
        f'  <div hx-get="{url}" hx-trigger="load" hx-swap="innerHTML">\n'
        f'    <a href="{url}">{words["show_history"]}</a>\n  </div>\n</section>\n\n')


@functools.lru_cache(maxsize=16)
def _fact_words(language: str) -> dict:
    with translation.override(language):
        return {"region": _("Region"), "hosts": _("Hosted by"), "organisers": _("Organisers"),
                "languages": _("Working languages"), "themes": _("Thematic areas")}


def _joined(names) -> str:
    """``{{ names|join:", " }}``: each name escaped."""
    return ", ".join(_escape(name) for name in names)


@register.simple_tag
def meeting_named_facts(meeting, names):
    """The key facts of a meeting that are lists of names or may be absent: its region, host countries,
    organisers, working languages and thematic areas (``names``: ``selectors.meetings.meeting_reference_names``),
    as the page's ``{% if %}`` lines wrote them, one line each."""
    words = _fact_words(translation.get_language())
    region = f'<dt>{words["region"]}</dt><dd>{_escape(str(meeting.region))}</dd>' if meeting.region else ""
    hosts = names["hosts"]
    hosts = f'<dt>{words["hosts"]}</dt><dd>{_joined(hosts)}</dd>' if hosts else ""
    organisers = meeting.organisers
    organisers = f'<dt>{words["organisers"]}</dt><dd>{_escape(organisers)}</dd>' if organisers else ""
    languages = names["languages"]
    languages = f'<dt>{words["languages"]}</dt><dd>{_joined(languages)}</dd>' if languages else ""
    themes = names["themes"]
    themes = f'<dt>{words["themes"]}</dt><dd>{_joined(themes)}</dd>' if themes else ""
    return mark_safe(  # noqa: S308 - the words are the template's own, every value escaped
        f"{region}\n    {hosts}\n    {organisers}\n    {languages}\n    {themes}")


@register.simple_tag
def prose(value):
    """``{% tr value as text %}{{ text|linebreaks }}``: the same for the same texts and language, so kept."""
    return mark_safe(_summary(value, translation.get_language()))  # noqa: S308 - written by linebreaks
