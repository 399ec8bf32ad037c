"""Tags of the events pages built in Python rather than in template includes.

Options of the long ``<select>``s: a page that repeats the same list of meetings in several forms (one per work
programme topic) builds each label once and writes each list in one go. A meeting's dates, place and address, and
the labels of its coded fields, are written by one call per row instead of an include (a new template context
and a dozen nodes) or ``get_FOO_display`` (a dictionary of the choices built on every call): lists of meetings
and registrations show them on every row. The HTML is the same as ``events/_dates.html`` and
``events/_place.html`` write. The rows of the staff's list of registrations, of its figures and of a panel's
meetings are written by one call for the whole list, with the markup the templates' loops wrote (the tests compare
both in every language). A day's text and a title's text depend only on the value and the language: they are kept
in a small per-worker memory."""

import datetime
import functools
import html

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pontis.core.templatetags.dates import day
from pontis.core.templatetags.pontis import tr

from ..models import HostOffer, PanelDelegate, Registration

register = template.Library()


def _escape(value) -> str:
    """``conditional_escape(value)`` for the rows written here, with fewer calls: a text that is not marked safe (a
    ``str``, a ``Translated`` name) is escaped as ``django.utils.html.escape`` writes it (``html.escape``) without
    its wrapping; anything else (safe text, a lazy text, a number, an object) goes through ``conditional_escape``.
    Only ever put inside a string marked safe."""
    if type(value) is str or (isinstance(value, str) and not hasattr(value, "__html__")):
        return html.escape(value)
    return conditional_escape(value)


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _escape_text(value) -> str:
    """``_escape(value)`` in one call for a plain ``str``: the same five characters replaced as ``html.escape``
    replaces them (``&`` first there, all at once here: the same text). Anything else goes through ``_escape``."""
    if type(value) is str:
        return value.translate(_ESCAPES)
    return _escape(value)


@functools.lru_cache(maxsize=2048)
def _tr_in(language: str, items: tuple) -> str:
    with translation.override(language):
        return tr(dict(items))


def title_text(value):
    """``{% tr value %}`` before escaping, for a title (``{lang: text}``): the same for the same texts and language,
    so kept (the same meetings' titles are written on every visit of their lists and pages)."""
    if isinstance(value, dict):
        try:
            return _tr_in(translation.get_language(), tuple(sorted(value.items())))
        except TypeError:  # a value that cannot be a key
            pass
    return tr(value)


class RenderedChoices(list):
    """``[(value, label), ...]`` that also keeps each choice's ``<option>`` written once, unselected and selected:
    a list repeated in many forms of a page is then joined, not written again, for each form."""

    def __init__(self, choices):
        super().__init__(choices)
        self.rendered = []
        for value, label in self:
            text, label = _escape(value), _escape(label)
            self.rendered.append((value, f'<option value="{text}">{label}</option>',
                                  f'<option value="{text}" selected>{label}</option>'))


@register.simple_tag
def meeting_choices(meetings) -> RenderedChoices:
    """``[(pk, label), ...]``: each meeting's title in the reader's language (a fallback marked as ``tr`` marks it)
    and its first day, ``YYYY-MM-DD``."""
    return RenderedChoices(
        (m.pk, mark_safe(f"{_escape(title_text(m.title))} ({m.start_date:%Y-%m-%d})"))  # noqa: S308 - escaped
        for m in meetings)


@register.simple_tag
def options(choices, selected=None):
    """``<option>`` elements for ``[(value, label), ...]``, the one whose value equals ``selected`` selected."""
    if isinstance(choices, RenderedChoices):
        return mark_safe("".join(on if value == selected else off for value, off, on in choices.rendered))  # noqa: S308 - escaped when kept
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


@functools.lru_cache(maxsize=4096)
def _day_in(value: datetime.date, language: str) -> str:
    with translation.override(language):
        return day(value)


def _day(value) -> str:
    """``{{ value|day }}`` (unescaped): the same text for the same day and language, so kept (lists repeat a few
    years of days on every page). A date and time is not kept: its day depends on the reader's time zone."""
    if type(value) is not datetime.date:
        return day(value)
    return _day_in(value, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _time_in(value: datetime.date, language: str) -> str:
    return format_html('<time datetime="{}">{}</time>', value.strftime("%Y-%m-%d"), _day_in(value, language))


def _time(value) -> str:
    if type(value) is not datetime.date:
        return format_html('<time datetime="{}">{}</time>', value.strftime("%Y-%m-%d"), day(value))
    return _time_in(value, translation.get_language())


@register.simple_tag
def meeting_dates(meeting):
    """The first day, or the first and last days, of a meeting, as ``events/_dates.html`` writes them."""
    if meeting.start_date == meeting.end_date:
        return _time(meeting.start_date)
    return mark_safe(f"{_time(meeting.start_date)} – {_time(meeting.end_date)}")  # noqa: S308 - both written by format_html


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


_DECIDE_MARKER = 0


def _decide_address(slug: str):
    """The address of a registration's decision in meeting ``slug``, as ``{% url 'events:registration_decide' %}``
    gives it: ``reverse`` once per page, then the registration's id written in."""
    head, tail = reverse("events:registration_decide", args=[slug, _DECIDE_MARKER]).rsplit(
        f"/{_DECIDE_MARKER}/decide/", 1)
    return lambda pk: f"{head}/{pk}/decide/{tail}"


@register.simple_tag
def registration_rows(registrations, meeting):
    """The rows of the staff's list of registrations (``registration_manage.html``; ``registrations``:
    ``selectors.registration.registration_rows``): each person's box to tick,
    name, contact, institution, country, gender, status, days present and decision buttons. One call writes the
    page's rows; the markup is the one the template's loop wrote (ids as plain digits, as under ``localize off``)."""
    decide_url = _decide_address(meeting.slug)
    _esc = _escape_text  # what django.utils.html.escape writes, for the plain strings of a row, without its wrapping
    # As {% translate %} writes them: the template's own words, not escaped.
    labels = {"approve": _("Approve"), "waitlist": _("Wait-list"), "reject": _("Reject")}
    select = _("Select %(name)s")
    genders = _choice_labels(Registration, "gender")
    statuses = _choice_labels(Registration, "status")
    pending, waitlisted = Registration.Status.PENDING, Registration.Status.WAITLISTED
    language = translation.get_language()
    rows = []
    for r in registrations:
        pk = r.pk
        name = _esc(r.name)
        days = ", ".join([_esc(_day_in(d, language) if type(d) is datetime.date else day(d)) for d in r.days]) or "–"
        position = f" · {_esc(r.position)}" if r.position else ""
        decide = ""
        if r.status == pending or r.status == waitlisted:
            url = _esc(decide_url(pk))
            decide = (f'\n<button class="button button--small" type="submit" name="decision" value="approve" '
                      f'formaction="{url}">{labels["approve"]}</button>\n')
            if r.status == pending:
                decide += (f'<button class="button button--small button--secondary" type="submit" name="decision" '
                           f'value="waitlist" formaction="{url}">{labels["waitlist"]}</button>')
            decide += (f'\n<button class="button button--small button--danger" type="submit" name="decision" '
                       f'value="reject" formaction="{url}">{labels["reject"]}</button>')
        status = _esc(r.status)
        rows.append(
            f'<tr>\n<td><input type="checkbox" name="registration" value="{pk}" id="sel-{pk}" '
            f'aria-label="{select % {"name": name}}"></td>\n'
            f'<td>{name}<br><span class="small">{_esc(r.email)}{position}</span></td>\n'
            f'<td>{_esc(r.institution_name)}</td><td>{_esc(r.country)}</td>'
            f'<td>{_esc(genders.get(r.gender, r.gender))}</td>\n'
            f'<td><span class="status registration-status registration-status--{status}">'
            f'{_esc(statuses.get(r.status, r.status))}</span></td>\n'
            f'<td>{days}</td>\n<td class="registration-decide">{decide}</td>\n</tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped above


def _choice_labels(model, name: str) -> dict:
    """``{value: label}`` of a choice field in the reader's language (``choice_label`` for many rows)."""
    key = (model, name)
    labels = _labels.get(key)
    if labels is None:
        labels = _labels[key] = dict(model._meta.get_field(name).flatchoices)
    return {value: str(label) for value, label in labels.items()}


@register.simple_tag
def counted_items(rows, blank=""):
    """``<li>label: count</li>`` for each ``(label, count)`` of ``rows`` (``blank`` for an empty label), or
    ``<li>–</li>`` when there is none: the lists of the attendance figures, some a hundred countries long."""
    if not rows:
        return mark_safe("<li>–</li>")  # noqa: S308 - a constant
    number = localize if settings.USE_THOUSAND_SEPARATOR else str  # a whole number is its digits unless grouped
    return mark_safe("".join(  # noqa: S308 - every value escaped here
        f"<li>{_escape_text(label or blank)}: {_escape_text(number(n))}</li>" for label, n in rows))


@register.simple_tag
def panel_meeting_items(meetings):
    """The ``<li>`` of each meeting on a panel's page (a link to it, its dates, its host countries from
    ``selectors.panels.meeting_hosts``), as the page's loop wrote them: a panel may hold hundreds of meetings."""
    hosted_by = _("Hosted by")  # as {% translate %} writes the template's own words: not escaped
    items = []
    for m in meetings:
        hosts = f" · {hosted_by} {', '.join(_escape(name) for name in m.host_names)}" if m.host_names else ""
        items.append(f'\n    <li><a href="{_escape(meeting_url(m))}">{_escape(title_text(m.title))}</a>'
                     f" – {meeting_dates(m)}{hosts}</li>\n  ")
    return mark_safe("".join(items))  # noqa: S308 - every value escaped here


def _csrf_input(context) -> str:
    """What ``{% csrf_token %}`` writes in ``context``."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


_MARKER = 987654321


_reversed: dict = {}  # (name, args, URL configuration, prefix) -> the address around the id, escaped


def _address(name: str, *args):
    """``{% url name *args pk %}`` for many ``pk``: ``reverse`` once per URL configuration and prefix, then each id
    written in (escaped, as the tag writes an address)."""
    key = (name, args, get_urlconf(), get_script_prefix())
    parts = _reversed.get(key)
    if parts is None:
        if len(_reversed) >= 2000:
            _reversed.clear()
        head, tail = reverse(name, args=[*args, _MARKER]).rsplit(f"/{_MARKER}/", 1)
        parts = _reversed[key] = (conditional_escape(head), conditional_escape(tail))
    head, tail = parts
    return lambda pk: f"{head}/{int(pk)}/{tail}"


def _text(value) -> str:
    """``{{ value }}``: localised, as text, escaped (a whole number is its digits unless grouped)."""
    if isinstance(value, str):
        return _escape(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return _escape(str(localize(value)))


@register.simple_tag
def country_options(countries):
    """``<option value="{{ c.pk }}">{{ c }}</option>`` for each of ``countries``, written once for the page's
    forms that repeat them (one per work programme topic)."""
    return mark_safe("".join(  # noqa: S308 - every value escaped here
        f'<option value="{_text(c.pk)}">{_text(c)}</option>' for c in countries))


@register.simple_tag(takes_context=True)
def panel_member_items(context, members, panel, may_change):
    """The ``<li>`` of each member country on a panel's page, with staff's form to remove it, as the page's loop
    wrote them."""
    if not may_change:
        return mark_safe("".join(f"<li>{_text(m.country)}</li>\n  " for m in members))  # noqa: S308 - escaped
    remove_url = _address("panels:member_remove", panel.slug)
    remove, csrf = _("Remove"), _csrf_input(context)  # {% translate %}: the template's own word, not escaped
    items = []
    for m in members:
        country = _text(m.country)
        items.append(
            f'<li>{country}\n    <form method="post" action="{remove_url(m.pk)}" class="inline">{csrf}'
            f'<button class="link-button" type="submit">{remove}<span class="visually-hidden"> {country}</span>'
            "</button></form></li>\n  ")
    return mark_safe("".join(items))  # noqa: S308 - every value escaped above


@register.simple_tag(takes_context=True)
def panel_delegate_rows(context, delegates, panel, may_change):
    """The rows of a panel's delegates (country, name, role, institution; for staff the form to remove an active
    one), as the page's loop wrote them."""
    remove_url = _address("panels:delegate_remove", panel.slug) if may_change else None
    remove, former, csrf = _("Remove"), _("Former"), _csrf_input(context) if may_change else ""
    roles = _choice_labels(PanelDelegate, "role")
    rows = []
    for d in delegates:
        name = _text(d.name)
        status = "" if d.is_active else f' <span class="status">{former}</span>'
        tools = ""
        if may_change:
            form = ""
            if d.is_active:
                form = (f'<form method="post" action="{remove_url(d.pk)}">{csrf}<button class="link-button" '
                        f'type="submit">{remove}<span class="visually-hidden"> {name}</span></button></form>')
            tools = f"<td>{form}</td>"
        muted = "" if d.is_active else ' class="muted"'
        rows.append(
            f"\n      <tr{muted}><td>{_text(d.country)}</td><td>{name}{status}</td>"
            f"<td>{_text(roles.get(d.role, d.role))}</td><td>{_text(d.institution)}</td>\n      {tools}</tr>\n    ")
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped above


@register.simple_tag(takes_context=True)
def topic_offer_items(context, offers, panel, may_change, signed_in, offer_countries):
    """The ``<li>`` of each host offer of a work programme topic (country, status, the note for signed-in readers,
    staff's confirm and decline forms, the withdraw form for a country one may offer for), as the page's loop
    wrote them."""
    words = {"confirm": _("Confirm"), "decline": _("Decline"), "withdraw": _("Withdraw")}  # not escaped
    statuses = _choice_labels(HostOffer, "status")
    own = {c.pk for c in offer_countries}
    csrf = _csrf_input(context)
    addresses = {}

    def form(verb, pk, country):
        if verb not in addresses:
            addresses[verb] = _address(f"panels:offer_{verb}", panel.slug)
        return (f'\n              <form method="post" action="{addresses[verb](pk)}" class="inline">{csrf}'
                f'<button class="link-button" type="submit">{words[verb]}<span class="visually-hidden"> {country}'
                "</span></button></form>")

    items = []
    for offer in offers:
        country, status = _text(offer.country), offer.status
        tone = "status--ok" if status == "confirmed" else "status--warn" if status == "offered" else ""
        note = f' <span class="small">{_text(offer.note)}</span>' if offer.note and signed_in else ""
        decide = ""
        if status == "offered" and may_change:
            decide = form("confirm", offer.pk, country) + form("decline", offer.pk, country) + "\n            "
        withdraw = ""
        if (status == "offered" or status == "confirmed") and offer.country_id in own:
            withdraw = form("withdraw", offer.pk, country) + "\n            "
        items.append(f'\n          <li>{country} <span class="status {tone}">{_text(statuses.get(status, status))}'
                     f"</span>{note}\n            {decide}\n            {withdraw}\n          </li>\n          ")
    return mark_safe("".join(items))  # noqa: S308 - every value escaped above
