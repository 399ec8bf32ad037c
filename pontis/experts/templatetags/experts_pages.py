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
from django.utils.formats import number_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from pontis.core.forms import reference_version
from pontis.core.once import new_key

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
    html = []
    for c in rows:
        profile = c.profile
        pk = profile.pk
        url = escape(pattern.replace(str(_PROFILE_MARKER), str(pk)))
        name = escape(profile.full_name)
        nationality = profile.nationality
        who = escape(nationality) if nationality else no_nationality
        if profile.institution_name:
            who = f"{who} · {escape(profile.institution_name)}"
        elif profile.institution:
            who = f"{who} · {escape(profile.institution)}"
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
        parts = "".join(f"<td>{percent}%</td>" for percent in c.percents)
        html.append(_ROW.format(url=url, name=name, who=who, tags=tags, score=escape(number_format(c.score)),
                                parts=parts, action=action))
    html.append("\n")
    return mark_safe("".join(html))


def _literal(text) -> str:
    """``text`` escaped for HTML and for ``str.format`` (its braces doubled), to be placed in a row pattern."""
    return conditional_escape(text).replace("{", "{{").replace("}", "}}")


def _one_time_token() -> str:
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', new_key())


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
