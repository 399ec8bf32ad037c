"""Parts of the roster and candidates pages written once instead of per row or per visit.

``{% candidate_rows rows empty %}``: the rows of a table of candidates on an activity's experts page.

The page lists the 50 best candidates (and up to 10 found by a search), each row with a link, up to three status
tags, the score and its six parts, and two small forms (invite and shortlist). Written as a template, every row
cost about 1,400 Python calls (a ``{% url %}``, two ``{% csrf_token %}``, eight ``{% translate %}``, the
localised numbers), more than the rest of the page together; here each text is translated and escaped once per
table, and a row is put together from its escaped values. The markup is the same as the template's
(``experts/tests/test_candidate_rows.py`` renders both in every language).

``{% form_fields form template_name %}``: the fields of a search or weights form, rendered by ``template_name``
once per language, reference-data version and submitted values, then reused by the worker (see ``form_fields``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import get_format, number_format
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from pontis.core.forms import reference_version
from pontis.core.once import new_key
from pontis.core.templatetags.dates import day

from ..matching import percent
from ..models import Deployment, ExpertProfile, Invitation
from ..selectors import status_class

register = template.Library()

_PROFILE_MARKER = 987654321  # reverse() once per table: /experts/<pk>/

# The row, as ``experts/activity_experts.html`` used to include it: whitespace included, so the HTML is unchanged.
_ROW = ('<tr>\n  <th scope="row"><a href="{url}">{name}</a>\n    <span class="candidate-who">{who}</span>\n    {tags}</th>'
        '\n  <td>{score}</td>\n  {parts}\n  <td>{action}</td>\n</tr>')


def _csrf_input(context) -> str:
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def candidate_rows(context, rows, empty=""):
    """The ``<tr>`` of each candidate (``matching.Candidate``), or one row saying ``empty``. Reads from the page's
    context what the template read: ``team_ids``, ``deployed_ids``, ``invited_ids``, ``takes_experts``,
    ``invite_url``, ``shortlist_url`` and the CSRF token."""
    rows = list(rows or ())
    if not rows:
        return format_html('<tr><td colspan="9">{}</td></tr>\n', empty)
    team_ids = context.get("team_ids") or ()
    deployed_ids = context.get("deployed_ids") or ()
    invited_ids = context.get("invited_ids") or ()
    takes_experts = context.get("takes_experts")
    csrf = _csrf_input(context)
    invite_url = conditional_escape(context.get("invite_url", ""))
    shortlist_url = conditional_escape(context.get("shortlist_url", ""))
    pattern = reverse("experts:profile", args=[_PROFILE_MARKER])
    in_team = format_html(' <span class="status status--ok">{}</span>', gettext("In suggested team"))
    conflict = format_html(' <span class="status status--warn">{}</span>', gettext("Possible conflict of interest"))
    not_active = format_html(' <span class="status">{}</span>', gettext("Vetted, not yet active"))
    no_nationality = conditional_escape(gettext("Nationality not given"))
    deployed = format_html('<span class="status status--ok">{}</span>\n    ', gettext("Deployed"))
    invited = format_html('<span class="status">{}</span>\n    ', gettext("Invited"))
    closed = "—\n    "
    # Every text below is escaped once here, or per row before it is placed: the rows are joined with format().
    activate = '<a href="{url}">' + _literal(gettext("Activate the profile to invite")) + (
        '<span class="visually-hidden"> {name}</span></a>\n    ')
    forms = (f'<form method="post" action="{_literal(invite_url)}" class="inline-form">{_literal(csrf)}{{key}}'
             '<input type="hidden" name="profile" value="{pk}"><input type="hidden" name="role" value="expert">\n'
             f'    <button class="button button--small" type="submit">{_literal(gettext("Invite"))}'
             '<span class="visually-hidden"> {name}</span></button></form>\n'
             f'    <form method="post" action="{_literal(shortlist_url)}" class="inline-form">{_literal(csrf)}'
             '<input type="hidden" name="profile" value="{pk}">\n'
             f'    <button class="button button--secondary button--small" type="submit">'
             f'{_literal(gettext("Shortlist"))}<span class="visually-hidden"> {{name}}</span></button></form>')
    decimal = get_format("DECIMAL_SEPARATOR", translation.get_language())
    cells = _PartCells()  # a part's cell, written once per value in the table
    html = []
    for c in rows:
        profile = c.profile
        pk = profile.pk
        url = pattern.replace(str(_PROFILE_MARKER), str(pk)).translate(_ESCAPES)
        name = profile.full_name.translate(_ESCAPES)
        nationality = profile.nationality
        who = str(nationality).translate(_ESCAPES) if nationality else no_nationality
        if profile.institution_name:
            who = f"{who} · {profile.institution_name.translate(_ESCAPES)}"
        elif profile.institution:
            who = f"{who} · {str(profile.institution).translate(_ESCAPES)}"
        active = profile.status == "active"
        tags = "".join((in_team if pk in team_ids else "", conflict if c.partner_institution else "",
                        "" if active else not_active))
        if pk in deployed_ids:
            action = deployed
        elif pk in invited_ids:
            action = invited
        elif not takes_experts:
            action = closed
        elif not active:
            action = activate.format(url=url, name=name)
        else:
            action = forms.format(key=_one_time_token(), pk=int(pk), name=name)
        parts = "".join(map(cells.__getitem__, c.parts.values()))
        html.append(_ROW.format(url=url, name=name, who=who, tags=tags, score=_score(c.score, decimal),
                                parts=parts, action=action))
    html.append("\n")
    return mark_safe("".join(html))


class _PartCells(dict):
    """The ``<td>`` of a score part's value (``Candidate.percents``), written the first time the value is met."""

    def __missing__(self, value):
        cell = self[value] = f"<td>{percent(value)}%</td>"
        return cell


def _score(score, decimal: str) -> str:
    """``number_format(score)`` escaped: a score (a float from 0 to 100, one decimal) has no exponent and no
    thousands to group, so only its decimal separator is localised; anything else goes through ``number_format``."""
    if isinstance(score, float) and 0 <= score < 1000:
        text = str(score)
        if "e" not in text:
            return text.replace(".", decimal).translate(_ESCAPES)
    return escape(number_format(score))


def _literal(text) -> str:
    """``text`` escaped for HTML and for ``str.format`` (its braces doubled), to be placed in a row pattern."""
    return conditional_escape(text).replace("{", "{{").replace("}", "}}")


def _one_time_token() -> str:
    return f'<input type="hidden" name="idempotency_key" value="{str(new_key()).translate(_ESCAPES)}">'


# ``{% candidates_head activity takes_experts %}``: the head of the candidates page (the link back, the title, the
# activity's type, dates and place, and whether it still takes experts), about 1,500 Python calls as template tags
# and variables (``experts/tests/test_candidates_page_parts.py`` renders both in every language).


@register.simple_tag
def candidates_head(activity, takes_experts):
    back = reverse("actions:activity", args=[activity.action.code, activity.pk])
    where = ""
    if activity.online:
        where = " · " + conditional_escape(gettext("Online"))
    elif activity.place or activity.country:
        where = (f" · {conditional_escape(activity.place)}{', ' if activity.place and activity.country else ''}"
                 f"{conditional_escape(activity.country or '')}")
    closed = "" if takes_experts else (
        '<p class="message message--info" role="status">'
        + conditional_escape(gettext("This activity is over or cancelled: experts can no longer be invited to it."))
        + "</p>")
    return mark_safe(
        f'<p><a href="{conditional_escape(back)}">← {conditional_escape(gettext("Back to the activity"))}</a></p>\n'
        f'<div class="page-head"><h1>{conditional_escape(gettext("Experts for"))} {conditional_escape(activity)}</h1>\n'
        f"<p>{conditional_escape(activity.type)} · {conditional_escape(day(activity.start_date) or '—')} – "
        f"{conditional_escape(day(activity.end_date) or '—')}{where}</p></div>\n{closed}")


# ``{% team_items team %}``, ``{% rule_items rule_result %}`` and ``{% part_headers parts %}``: the suggested team, its
# composition rules and the score parts' column headers of the candidates page, as its loops wrote them (about 2,500
# Python calls per view for three experts, four rules and two tables). ``experts/tests/test_candidates_page_parts.py``
# renders both in every language.


@register.simple_tag
def team_items(team):
    """The ``<li>`` of each member of the suggested team (``matching.Candidate``), or one saying there is none."""
    if not team:
        return format_html("<li>{}</li>", gettext("No available candidate."))
    language = translation.get_language()
    decimal = get_format("DECIMAL_SEPARATOR", language)
    non_eu = ", " + conditional_escape(gettext("non-EU"))
    # ``get_background_display`` and ``get_gender_display``: the choice's label, else the value itself.
    backgrounds = _choices_once(ExpertProfile, "background", language)
    genders = _choices_once(ExpertProfile, "gender", language)
    html = []
    for c in team:
        profile = c.profile
        nationality = f"{conditional_escape(profile.nationality)}, " if profile.nationality else ""
        background, gender = backgrounds.get(profile.background), genders.get(profile.gender)
        html.append(f"<li>{conditional_escape(profile.full_name)} ({_score(c.score, decimal)}) – {nationality}"
                    f"{background if background is not None else conditional_escape(profile.background)}, "
                    f"{gender if gender is not None else conditional_escape(profile.gender)}"
                    f"{non_eu if c.non_eu else ''}</li>")
    return mark_safe("".join(html))


_choices_kept: dict = {}


def _choices_once(model, name: str, language) -> dict:
    """The labels of a field's choices (value: label, escaped) in ``language``, kept by the worker."""
    key = (model, name, language)
    labels = _choices_kept.get(key)
    if labels is None:
        labels = _choices_kept[key] = {value: conditional_escape(label)
                                       for value, label in model._meta.get_field(name).flatchoices}
    return labels


@register.simple_tag
def rule_items(rule_result):
    """The ``<li>`` of each composition rule: (label, whether the team respects it)."""
    respected = '<span class="status status--ok">' + conditional_escape(gettext("Respected")) + "</span>"
    broken = ('<span class="status status--danger">'
              + conditional_escape(gettext("Not possible with the available experts")) + "</span>")
    language = translation.get_language()
    return mark_safe("".join(f"<li>{respected if ok else broken} {_label(label, language)}</li>"
                             for label, ok in rule_result))


@register.simple_tag
def part_headers(parts):
    """A column header per score part (``matching.PARTS``: key and label)."""
    language = translation.get_language()
    return mark_safe("".join(f'<th scope="col">{_label(label, language)}</th>' for label in parts.values()))


# Labels of the code (``gettext_lazy``) translated and escaped, kept by the worker per language: translating one
# costs as much as writing a row. Each is kept with its object, so that another object cannot take its id.
LABELS_KEPT = 500
_labels: dict = {}


def _label(text, language) -> str:
    """``conditional_escape(text)``; for a lazy translation, kept per worker and ``language``."""
    if not isinstance(text, Promise):
        return conditional_escape(text)
    key = (language, id(text))
    kept = _labels.get(key)
    if kept is None or kept[0] is not text:
        if len(_labels) >= LABELS_KEPT:
            _labels.clear()
        kept = _labels[key] = (text, conditional_escape(text))
    return kept[1]


# Rendered form fields kept by a worker: the most recently used, at most this many (a few kilobytes each).
FIELDS_KEPT = 200
_fields_html: OrderedDict = OrderedDict()
_fields_lock = threading.Lock()
_SIMPLE = (str, int, float, bool, type(None))


def _simple(value) -> bool:
    if isinstance(value, (list, tuple)):
        return all(isinstance(item, _SIMPLE) for item in value)
    return isinstance(value, _SIMPLE)


def _values_key(form):
    """What the fields show of this form: the submitted values of its fields, or its initial values; ``None`` when
    they are not plain values (a model instance, an uploaded file), which are then rendered every time."""
    if form.is_bound:
        if form.files:
            return None
        data = form.data
        getlist = getattr(data, "getlist", None)
        return tuple((name, tuple(getlist(form.add_prefix(name))) if getlist else data.get(form.add_prefix(name)))
                     for name in form.fields)
    values = []
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        if not _simple(value):
            return None
        values.append((name, repr(value)))
    return tuple(values)


@register.simple_tag
def form_fields(form, template_name):
    """The fields of ``form`` as ``template_name`` renders them (given ``form`` alone).

    A filter form's ten fields cost about 10,000 Python calls to render (two widget templates per field), more than
    the rest of a roster page; yet what they show depends only on the reader's language, the reference data their
    choices list (``reference_version``) and the values submitted (or initial): the same for every reader who
    sends the same search, and so kept by the worker under those keys (the latest ``FIELDS_KEPT``). Use it only for
    forms whose fields show nothing else (no per-person choices, no one-time token)."""
    values = _values_key(form)
    if values is None:
        return get_template(template_name).render({"form": form})
    key = (template_name, type(form).__module__, type(form).__qualname__, form.prefix, form.auto_id,
           translation.get_language(), reference_version(), form.is_bound, values)
    with _fields_lock:
        html = _fields_html.get(key)
        if html is not None:
            _fields_html.move_to_end(key)
    if html is None:
        html = get_template(template_name).render({"form": form})
        with _fields_lock:
            _fields_html[key] = html
            while len(_fields_html) > FIELDS_KEPT:
                _fields_html.popitem(last=False)
    return html


# ---------------------------------------------------------------- an activity's shortlist, invitations, deployments
# ``{% shortlist_items rows %}``, ``{% invitation_items rows %}``, ``{% deployment_items rows %}``: the ``<li>`` of the
# lists under the candidates (``selectors.PersonRow``), written as the template wrote them (an include of
# ``experts/_status.html``, a ``{% url %}``, ``{% csrf_token %}`` and the ``day`` filter per row cost about 400 Python
# calls a deployment). ``experts/tests/test_activity_people.py`` renders both in every language.

_NOBODY = "<li>{}</li>"


def _status_tag(status: str, label) -> str:
    """``experts/_status.html``, with the line end its file has."""
    return format_html('<span class="status {}">{}</span>\n', status_class(status), label)


def _choice_labels(model, name: str) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


@register.simple_tag
def shortlist_items(rows):
    if not rows:
        return format_html(_NOBODY, gettext("Nobody yet."))
    pattern = reverse("experts:profile", args=[_PROFILE_MARKER])
    return mark_safe("".join(
        format_html('<li><a href="{}">{}</a></li>', pattern.replace(str(_PROFILE_MARKER), str(row.profile_id)),
                    row.full_name) for row in rows))


@register.simple_tag
def invitation_items(rows):
    if not rows:
        return format_html(_NOBODY, gettext("Nobody yet."))
    pattern = reverse("experts:profile", args=[_PROFILE_MARKER])
    labels = _choice_labels(Invitation, "status")
    conflict = format_html(' <span class="status status--warn">{}</span>', gettext("Possible conflict of interest"))
    html = []
    for row in rows:
        html.append(format_html(
            '<li><a href="{}">{}</a> – {}{}{}</li>', pattern.replace(str(_PROFILE_MARKER), str(row.profile_id)),
            row.full_name, _status_tag(row.status, labels.get(row.status, row.status)),
            format_html(" ({})", row.reason) if row.reason else "", conflict if row.conflict_of_interest else ""))
    return mark_safe("".join(html))


@register.simple_tag(takes_context=True)
def deployment_items(context, rows):
    if not rows:
        return format_html(_NOBODY, gettext("Nobody yet."))
    evaluate = reverse("experts:evaluate", args=[_PROFILE_MARKER])
    transition = reverse("experts:deployment_transition", args=[_PROFILE_MARKER])
    roles = _choice_labels(Deployment, "role")
    statuses = _choice_labels(Deployment, "status")
    csrf = _literal(_csrf_input(context))
    forms = ('<form method="post" action="{url}" class="inline-form">' + csrf + '<input type="hidden" name="to" '
             'value="completed"><button class="link-button" type="submit">' + _literal(gettext("Mark completed"))
             + '</button></form>\n  <form method="post" action="{url}" class="inline-form">' + csrf + '<input '
             'type="hidden" name="to" value="cancelled"><button class="link-button link-button--danger" '
             'type="submit">' + _literal(gettext("Cancel")) + "</button></form>")
    evaluate_label = conditional_escape(gettext("Evaluate"))
    days: dict = {}

    def on(value):
        if value not in days:
            days[value] = conditional_escape(day(value))
        return days[value]

    html = []
    for row in rows:
        pk = str(int(row.pk))
        name = escape(row.full_name)
        html.append(
            f"<li>{name} – {escape(roles.get(row.role, row.role))}, {on(row.start_date)} – {on(row.end_date)} "
            f"{_status_tag(row.status, statuses.get(row.status, row.status))}"
            f'\n  <a href="{escape(evaluate.replace(str(_PROFILE_MARKER), pk))}">{evaluate_label}'
            f'<span class="visually-hidden"> {name}</span></a>\n  '
            + (forms.format(url=escape(transition.replace(str(_PROFILE_MARKER), pk)))
               if row.status == "confirmed" else "")
            + "</li>\n")
    return mark_safe("".join(html))


# ---------------------------------------------------------------- the roster's rows
# ``{% roster_rows rows %}``: the rows of a roster page (``selectors.RosterRow``), as the template's loop wrote them,
# whitespace included (``experts/tests/test_roster_rows.py`` renders both in every language). The loop cost about
# 300 Python calls a row (seven variables, each resolved, localised and escaped by the template engine).

_ROSTER_ROW = ('\n    <tr><th scope="row"><a href="{}">{}, {}</a></th>\n      <td>{}</td><td>{}</td>\n      <td>{}</td>'
               '\n      <td>{}</td>\n      <td><span class="status {}">{}</span></td></tr>\n  ')


@register.simple_tag
def roster_rows(rows):
    if not rows:
        return format_html('<tr><td colspan="6">{}</td></tr>', gettext("No expert matches."))
    html = []
    for row in rows:
        html.append(_ROSTER_ROW.format(*(str(value).translate(_ESCAPES) for value in (
            row.url, row.family_name, row.given_name, row.nationality, row.background, row.languages, row.themes,
            status_class(row.status), row.status_label))))
    return mark_safe("".join(html))


# What ``django.utils.html.escape`` replaces (``html.escape`` with quotes), as one table: a text is escaped in one call.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})
