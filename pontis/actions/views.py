"""Pages of the actions app: thin — parse input, call one selector or service, render."""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pontis.core import audit, registry
from pontis.core import selectors as reference
from pontis.core.awaiting import statements_read_ahead
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.following import follow, unfollow
from pontis.core.http import require_http_methods, require_POST
from pontis.core.i18n import translate
from pontis.core.markup import escaped, fields_once
from pontis.core.permissions import can, get_visible_or_404, permission_required
from pontis.core.selectors import cached_figures
from pontis.core.templatetags.dates import day
from pontis.core.uploads import CONTENT_EXTENSIONS, download_response, stored_name
from pontis.intake.forms import OwnerForm
from pontis.intake.models import Request
from pontis.intake.selectors import requests_owned_or_followed

from . import forms, selectors, services
from .models import FICHE_TEXT_SECTIONS, Action, Activity, ActivityDocument, Deliverable, FicheVersion
from .permissions import sees_every_action

# Each page declares its access once, by a verb of the policies in actions/permissions.py. Pages inside one Action
# (its fiche, activities, deliverables, follow-ups) open for whoever may view Actions; the Action and its parts are
# then fetched through the policy (404 for what the person may not see) and the change asked of the service.


def _refused(request, exc: DomainError):
    messages.error(request, exc.message)


def _action(request, code):
    return get_visible_or_404(request.user, selectors.action_detail_queryset(), code=code)


@permission_required(Action, "list")
def action_list(request):
    form = forms.ActionFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"q": data["q"], "status": data["status"], "region": data["region"].code if data["region"] else "",
                   "theme": data["theme"].code if data["theme"] else "", "year": data["year"] or ""}
    # The rows as plain values (LIST_ROW_FIELDS), not Actions: a model instance per row was a tenth of the page.
    listed = selectors.actions_listed(request.user, **filters).values_list(*LIST_ROW_FIELDS, named=True)
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    actions = list(page.object_list)
    themes = selectors.theme_labels_of(actions)
    # Each row shaped once here, and written in one piece (action_rows_html): the template only places it.
    url, statuses, language = detail_url_of(), _status_labels(translation.get_language()), translation.get_language()
    regions = {}  # a region's name, once per page
    rows = []
    for a in actions:
        region = regions.get(a.region__code)
        if region is None:
            region = regions[a.region__code] = (
                "—" if a.region__code is None else translate(a.region__name, language) or a.region__code)
        rows.append({"action": a, "url": url(a.code), "title": _title_html(a.title, language), "region": region,
                     "themes": "; ".join(themes[a.pk]), "dates": dates_html(a), "status": statuses.get(a.status, a.status)})
    # The filters' markup is the same for everyone who sends the same filters (core.markup.fields_once).
    fields = fields_once(form, lambda: render_to_string("actions/_list_filters.html", {"form": form}))
    return render(request, "actions/action_list.html", {"form": form, "page": page, "rows": rows,
                                                        "rows_html": action_rows_html(rows), "filter_fields": fields})


# What a row of the Actions list shows (the dates as ``selectors.with_dates`` annotates them; the start and end
# dates tell ``dates_html`` nothing more in a list, but keep a row the shape of an Action for it).
LIST_ROW_FIELDS = ("pk", "code", "title", "status", "start_date", "end_date", "dates_from", "dates_to",
                   "region__code", "region__name")


@functools.lru_cache(maxsize=16)
def _status_labels(language: str) -> dict:
    """The Actions' status labels in ``language`` (the active one, part of the key)."""
    return {value: str(label) for value, label in Action.Status.choices}


def _title_html(value, language: str) -> str:
    """``conditional_escape(tr(value))`` with ``language`` the active one: a title in the reader's language, or
    a fallback marked with its language (``{% tr %}``'s ``format_html`` cost more than the rest of a row)."""
    text = translate(value, language)
    if not text:
        return ""
    if text.is_fallback:
        return SafeString(f'<span lang="{escaped(text.lang)}">{escaped(text)}</span> '
                          f'<span class="fallback-note">({_fallback_note(text.lang, language)})</span>')
    return SafeString(escaped(text))


def action_rows_html(rows) -> str:
    """The rows of the Actions list as its template wrote them, one ``{% for %}`` iteration per row."""
    esc = escaped
    return mark_safe("".join(
        f'\n    <tr><td><a href="{esc(r["url"])}">{esc(r["action"].code)}</a></td><td>{esc(r["title"])}</td>\n'
        f'    <td>{esc(r["region"])}</td><td>{esc(r["themes"])}</td>\n    <td>{esc(r["dates"])}</td>\n'
        f'    <td>{esc(r["status"])}</td></tr>\n  ' for r in rows))


_CODE_MARK = "~code~"  # stands for an Action's code in its page's address (a code never has "~")
_PLAIN_CODE = re.compile(r"[A-Za-z0-9._-]+\Z")


def detail_url_of():
    """``code -> reverse("actions:detail", args=[code])`` for the rows of a page, reversing once: the addresses
    differ by the code alone (one that would need quoting is reversed on its own)."""
    pattern = reverse("actions:detail", args=[_CODE_MARK])

    def url(code: str) -> str:
        return pattern.replace(_CODE_MARK, code) if _PLAIN_CODE.match(code) else reverse("actions:detail", args=[code])
    return url


@functools.lru_cache(maxsize=4096)
def _day_html(value, language) -> str:
    """``day(value)``, escaped, in ``language`` (the active one, part of the key): a list shows the same days again
    and again, and the language's date format costs more than the rest of its row."""
    return conditional_escape(day(value))


def _day(value) -> str:
    return _day_html(value, translation.get_language())


@functools.lru_cache(maxsize=64)
def _fallback_note(lang, language) -> str:
    """The note after a text shown in another language (``lang``), escaped, in ``language`` (the active one)."""
    return conditional_escape(_("in %(language)s") % {"language": dict(settings.LANGUAGES).get(lang, lang)})


def _tr_html(value, language=None) -> str:
    """``{% tr value %}`` as a template writes it (escaped; a fallback marked with its language), for rows written
    in Python: the tag's ``format_html`` and the language's name cost more than the rest of a row. ``language``:
    the active one, when the caller has it already."""
    language = language or translation.get_language()
    text = translate(value, language)
    if text.is_fallback:
        return (f'<span lang="{_plain_escape(text.lang)}">{_plain_escape(text)}</span> '
                f'<span class="fallback-note">({_fallback_note(text.lang, language)})</span>')
    return _plain_escape(text)


def _plain_escape(text: str) -> str:
    """``conditional_escape(text)`` of a text that is never marked safe (a name, a place read from the database):
    the same characters escaped, without the wrappers that cost more than the escaping in a row written a hundred
    times."""
    return text.translate(_ESCAPED)


# What ``html.escape`` (and so ``conditional_escape``) replaces, in one pass.
_ESCAPED = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _time(value) -> str:
    return _time_html(value, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _time_html(value, language) -> str:
    """A day in a ``<time>`` element, in ``language`` (the active one, part of the key)."""
    return f'<time datetime="{value.isoformat()}">{_day_html(value, language)}</time>'


def dates_html(action, *, explain: bool = False) -> str:
    """An Action's dates as ``actions/_dates.html`` renders them (a list renders them here, without an include per
    row); ``action`` comes annotated by ``selectors.with_dates``."""
    start, end = action.dates_from, action.dates_to
    if start and end and start != end:
        language = translation.get_language()
        html = f"{_time_html(start, language)} – {_time_html(end, language)}"
    elif start:
        html = _time(start)
    elif end:
        html = _("Until %(end)s") % {"end": _day(end)}
    else:
        html = f'<span class="muted">{_("Not dated yet")}</span>'
    if explain and ((start and not action.start_date) or (end and not action.end_date)):
        html = f'{html} <span class="small muted">{_("(from its activities)")}</span>'
    return SafeString(html)


ACTIVITIES_SHOWN = 25  # activities listed on an Action's page unless all are asked for (?activities=all)


@functools.lru_cache(maxsize=16)
def _activity_labels(language: str) -> tuple[str, dict]:
    """"Online" and the activities' status labels, escaped, in ``language`` (the active one, part of the key)."""
    return conditional_escape(_("Online")), {value: conditional_escape(label) for value, label in Activity.Status.choices}


def activity_rows_html(action, activities) -> str:
    """The rows of an Action page's activities table, as the page's template wrote them with a ``{% url %}``,
    ``{% tr %}`` and two date filters per row: written here once per row (a large Action lists 25 of them, up to
    120 with ``?activities=all``)."""
    online, statuses = _activity_labels(translation.get_language())
    # One reverse() for the rows' links: each differs from it by the activity's id alone (its last part).
    before, _mark, after = conditional_escape(reverse("actions:activity", args=[action.code, 1])).rpartition("/1/")
    rows, language = [], translation.get_language()  # asked once for the rows' days and titles
    for a in activities:
        dates = _day_html(a.start_date, language) or "?"
        if a.end_date and a.end_date != a.start_date:
            dates = f"{dates} – {_day_html(a.end_date, language)}"
        name = _plain_escape(str(a.type))
        if a.title:
            name = f"{name} – {_tr_html(a.title, language)}"
        rows.append(f'<tr><td>{a.sequence}</td><td><a href="{before}/{a.pk}/{after}">{name}</a></td>\n'
                    f'<td>{dates}</td><td>{online if a.online else _plain_escape(a.place or "—")}</td>'
                    f'<td>{statuses.get(a.status) or conditional_escape(a.status)}</td></tr>\n')
    return mark_safe("".join(rows))


def partners_html(partners) -> str:
    """The Action page's list of partner institutions (``selectors.action_page_parts`` rows), as its template wrote
    them with three ``{% translate %}`` per partner."""
    esc = conditional_escape
    if not partners:
        return mark_safe(f"<li>{_('No partner yet.')}</li>")
    # As the template's tags wrote them: a ``{% translate %}`` literal and its translation are safe, not escaped.
    operational, strategic = _("Operational focal point"), _("Strategic focal point")
    return mark_safe("".join(
        f'<li>{esc(p.institution)}<br><span class="small">{operational}: {esc(p.operational_focal_point or "—")} · '
        f'{strategic}: {esc(p.strategic_focal_point or "—")}</span></li>' for p in partners))


def versions_html(action, versions) -> str:
    """The Action page's list of fiche versions (``selectors.action_page_parts`` rows), as its template wrote them
    with a ``{% url %}`` and a ``{% blocktranslate %}`` per version."""
    esc = conditional_escape
    url, statuses = esc(reverse("actions:fiche", args=[action.code])), dict(FicheVersion.Status.choices)
    rows = []
    for v in versions:
        agreed = f" ({esc(_day(v.agreed_on))})" if v.agreed_on else ""
        rows.append(f'<li><a href="{url}?v={esc(localize(v.number))}">{_("Version %(n)s") % {"n": esc(localize(v.number))}}'
                    f"</a> – {esc(statuses.get(v.status, v.status))}{agreed}</li>")
    return mark_safe("".join(rows))


def deliverable_rows_html(action, deliverables) -> str:
    """The rows of the Action page's deliverables table (``selectors.action_page_parts`` rows), as its template
    wrote them with a ``{% url %}`` and a ``{% tr %}`` per deliverable."""
    esc = conditional_escape
    if not deliverables:
        return mark_safe(f'<tr><td colspan="4">{_("No deliverable yet.")}</td></tr>')
    statuses = dict(Deliverable.Status.choices)
    # One reverse() for the rows' links: each differs from it by the deliverable's id alone (its last part).
    before, _mark, after = esc(reverse("actions:deliverable", args=[action.code, 1])).rpartition("/1/")
    return mark_safe("".join(
        f'<tr><td><a href="{before}/{d.pk}/{after}">{_tr_html(d.title)}</a></td><td>{esc(d.type)}</td>'
        f'<td>{esc(statuses.get(d.status, d.status))}</td><td>{esc(d.evidence or "—")}</td></tr>\n'
        for d in deliverables))


def _facts_text(facts: dict[str, list[str]]) -> dict[str, str]:
    """Each list of the page's facts as one line (a dash when empty), escaped by the template."""
    return {key: (", " if key == "countries" else "; ").join(labels) or "—" for key, labels in facts.items()}


@functools.lru_cache(maxsize=16)
def page_labels(language) -> dict[str, str]:
    """The fixed wording of the Action page in ``language`` (the active one, part of the key), escaped, as its
    template's ``{% translate %}`` tags wrote it (a tag's literal is safe, and so is its translation): made once per process and language (fifty tags were a sixth of
    the page's own work)."""
    labels = {
        "action_fiche": _("Action Fiche"),
        "activities": _("Activities"),
        "approved_on": _("Approved on"),
        "cancel_the_action": _("Cancel the Action"),
        "cancelled": _("Cancelled"),
        "change": _("Change"),
        "change_goals": _("Change the SDG targets and GCM objectives"),
        "change_partners": _("Add or change partners and focal points"),
        "close_the_action": _("Close the Action"),
        "closed_once_reported": _("The Action can be closed once every activity is reported or cancelled."),
        "closure": _("Closure"),
        "comment": _("Comment"),
        "countries": _("Countries"),
        "dates": _("Dates"),
        "deliverables": _("Deliverables"),
        "evidence": _("Evidence"),
        "facts": _("Facts"),
        "feature": _("Feature"),
        "fiche_agreed_on": _("Fiche agreed on"),
        "final_report": _("Final report"),
        "first_activity_delivered": _("First activity delivered"),
        "gcm_objectives": _("GCM objectives"),
        "history_of_changes": _("History of changes"),
        "lessons_learnt": _("Lessons learnt"),
        "manage": _("Manage"),
        "no_activity_yet": _("No activity yet: they come from the agreed Action Fiche."),
        "nobody_yet": _("nobody yet"),
        "not_recorded_yet": _("not recorded yet"),
        "number": _("No."),
        "open_the_action_fiche": _("Open the Action Fiche"),
        "outcome_follow_ups": _("Outcome follow-ups"),
        "outcome_observed": _("Outcome observed"),
        "owner": _("Owner:"),
        "partner_institutions": _("Partner institutions"),
        "place": _("Place"),
        "plan_an_activity": _("Plan an activity"),
        "reason_for_cancellation": _("Reason for cancellation"),
        "record_the_outcome": _("Record the outcome"),
        "region": _("Region"),
        "register_a_deliverable": _("Register a deliverable"),
        "requested_on": _("Requested on"),
        "score": _("Score (1-5)"),
        "sdg_targets": _("SDG targets"),
        "self_assessment": _("Self-assessment against the ten features of good practice"),
        "status": _("Status"),
        "the_owning_officer": _("the owning officer"),
        "thematic_areas": _("Thematic areas"),
        "title": _("Title"),
        "topics": _("Topics"),
        "type": _("Type"),
    }
    return {key: mark_safe(text) for key, text in labels.items()}  # noqa: S308 - the catalogue's own wording


@functools.lru_cache(maxsize=16)
def table_heads(language) -> dict[str, str]:
    """The captions and heads of the Action page's activities and deliverables tables in ``language`` (the active
    one, part of the key), as its template wrote them from the page's labels (``page_labels``)."""
    label = page_labels(language)
    return {
        "activities": SafeString(
            f'<div class="table-wrap" role="region" tabindex="0" aria-labelledby="activities-caption"><table><caption '
            f'id="activities-caption" class="visually-hidden">{label["activities"]}</caption>\n<thead><tr>'
            + "".join(f'<th scope="col">{label[key]}</th>' for key in ("number", "type", "dates", "place", "status"))
            + "</tr></thead>\n"),
        "deliverables": SafeString(
            f'<div class="table-wrap" role="region" tabindex="0" aria-labelledby="deliverables-caption"><table><caption '
            f'id="deliverables-caption" class="visually-hidden">{label["deliverables"]}</caption>\n<thead><tr>'
            + "".join(f'<th scope="col">{label[key]}</th>' for key in ("title", "type", "status", "evidence"))
            + "</tr></thead>\n"),
    }


# The links of an Action's page that differ by the Action's code alone (its template wrote a {% url %} for each).
PAGE_URLS = ("follow", "owner", "goals", "fiche", "activity_create", "deliverable_create", "close", "cancel")


@functools.lru_cache(maxsize=64)
def _marked_url(name: str, prefix: str) -> str:
    """``reverse("actions:<name>", args=[_CODE_MARK])``, once per process and script prefix (part of the key)."""
    return reverse(f"actions:{name}", args=[_CODE_MARK])


def page_urls(code: str) -> dict[str, str]:
    """``{name: reverse("actions:<name>", args=[code])}`` for the page's links (``PAGE_URLS``): a code that would
    need quoting is reversed as before."""
    if not _PLAIN_CODE.match(code):
        return {name: reverse(f"actions:{name}", args=[code]) for name in PAGE_URLS}
    prefix = get_script_prefix()
    return {name: _marked_url(name, prefix).replace(_CODE_MARK, code) for name in PAGE_URLS}


def _page_days(action) -> dict[str, str]:
    """The page's four milestone days as ``{{ value|day|default:"—" }}`` wrote them."""
    return {name: _day(value) if value else "—" for name, value in (
        ("requested_on", action.requested_on), ("approved_on", action.approved_on),
        ("fiche_agreed_on", action.fiche_agreed_on), ("launched_on", action.launched_on))}


def facts_html(action, facts: dict[str, str], label: dict, *, goals_url: str | None, days: dict, dates: str) -> str:
    """The Action page's list of facts, as its template wrote them: ``facts`` as ``_facts_text`` gives them,
    ``label`` the page's wording (``page_labels``), ``goals_url`` the link to change the goals (None: not offered),
    ``days`` the milestone days (``_page_days``) and ``dates`` the Action's dates (``dates_html``)."""
    esc = conditional_escape
    change = (f'<br><a href="{esc(goals_url)}">{label["change_goals"]}</a>' if goals_url is not None else "")
    return SafeString(
        f'<dl class="facts">\n'
        f'  <dt>{label["countries"]}</dt><dd>{esc(facts["countries"])}</dd>\n'
        f'  <dt>{label["region"]}</dt><dd>{esc(action.region or "—")}</dd>\n'
        f'  <dt>{label["thematic_areas"]}</dt><dd>{esc(facts["themes"])}</dd>\n'
        f'  <dt>{label["topics"]}</dt><dd>{esc(facts["topics"])}</dd>\n'
        f'  <dt>{label["sdg_targets"]}</dt><dd>{esc(facts["sdg_targets"])}</dd>\n'
        f'  <dt>{label["gcm_objectives"]}</dt><dd>{esc(facts["gcm_objectives"])}\n'
        f'  {change}</dd>\n'
        f'  <dt>{label["requested_on"]}</dt><dd>{esc(days["requested_on"])}</dd>\n'
        f'  <dt>{label["approved_on"]}</dt><dd>{esc(days["approved_on"])}</dd>\n'
        f'  <dt>{label["fiche_agreed_on"]}</dt><dd>{esc(days["fiche_agreed_on"])}</dd>\n'
        f'  <dt>{label["first_activity_delivered"]}</dt><dd>{esc(days["launched_on"])}</dd>\n'
        f'  <dt>{label["dates"]}</dt><dd>{esc(dates)}</dd>\n'
        f'</dl>')


def activities_more_html(shown: int, total: int) -> str:
    """The note under a long Action's activities (the first ones and a link to all), as its template wrote it with
    two ``{% blocktranslate %}``; nothing when every activity is listed."""
    if not total > shown:
        return ""
    shown_text, total_text = conditional_escape(localize(shown)), conditional_escape(localize(total))
    first = _("The first %(shown)s of %(total)s activities.") % {"shown": shown_text, "total": total_text}
    every = _("Show all %(total)s activities") % {"total": total_text}
    return SafeString(f'<p class="small">{first} <a href="?activities=all#act-h">{every}</a></p>')


def _page_action(user, code):
    """The Action of its page, fetched and authorised: those who see every Action (``sees_every_action``, the
    policy's own condition) read it by its code alone, without the policy's list as a subquery; anyone else through
    ``get_visible_or_404``. 404 for an Action the person may not see, exactly like a missing one."""
    if not sees_every_action(user):
        return get_visible_or_404(user, selectors.action_page_queryset(), code=code)
    try:
        return selectors.action_page_action(code)
    except Action.DoesNotExist:
        raise Http404 from None


@permission_required(Action, "view")
def action_detail(request, code):
    action = _page_action(request.user, code)
    every_activity = request.GET.get("activities") == "all"
    # Once the Action is read (and the reader's right to see it answered), what the page reads of it, its panels and
    # its layout are small statements of the Action's id, the reader's id and the day: read in one round trip where
    # the same page of an Action in the same state, for a reader of the same roles, asked them before
    # (``core.awaiting.statements_read_ahead``). Who may see what is still decided below, on this request.
    page = f"actions.detail:{action.status}:{'all' if every_activity else 'first'}"
    with statements_read_ahead(page, request.user, getattr(request.user, "role_codes", ()), subject=action.pk):
        return _action_page(request, action, every_activity)


def _action_page(request, action, every_activity: bool):
    user = request.user
    # A large Action (a hundred activities and more) lists the first ones and a link to all: the page stays quick.
    shown, activities_total = selectors.action_page_activities(
        action, limit=None if every_activity else ACTIVITIES_SHOWN)
    parts = selectors.action_page_parts(action)
    may_close = can(user, "close", action) and action.status == Action.Status.ONGOING
    close_blockers = services.action_close_blockers(action) if may_close else {}
    language = translation.get_language()
    label, urls, days, facts = page_labels(language), page_urls(action.code), _page_days(action), _facts_text(
        selectors.facts_of(action))
    may_change_goals = can(user, "change", action)
    dates = dates_html(action, explain=True)
    return render(request, "actions/action_detail.html", {
        "action": action, "clock_html": clock_html(action.clock()), "facts": facts,
        "label": label, "urls": urls, "days": days, "table_heads": table_heads(language),
        "facts_html": facts_html(action, facts, label, goals_url=urls["goals"] if may_change_goals else None,
                                 days=days, dates=dates),
        "activities_more": activities_more_html(len(shown), activities_total),
        "title_html": mark_safe(_tr_html(action.title, language)),  # noqa: S308 - escaped by _tr_html
        "status_label": _status_labels(language).get(action.status, action.status),
        "may_plan_activity": can(user, "create", Activity), "may_register_deliverable": can(user, "create", Deliverable),
        # Offered only when closing would be accepted: the service's own check, and what stands in the way if not.
        "may_close": may_close and not close_blockers, "close_blockers": list(close_blockers.values()),
        "may_cancel": can(user, "cancel", action) and action.status in (Action.Status.DESIGN, Action.Status.ONGOING),
        "may_record_follow_up": can(user, "record_follow_up", action),
        **_partner_forms(user, action),
        "may_change_goals": may_change_goals,
        "may_assign_owner": can(user, "assign_owner", action), "may_see_owner": can(user, "see_mine", Action),
        "partners_html": partners_html(parts["partners"]), "dates_html": dates,
        "activities": shown, "activities_total": activities_total, "activity_rows": activity_rows_html(action, shown),
        "deliverable_rows": deliverable_rows_html(action, parts["deliverables"]),
        "versions_html": versions_html(action, parts["versions"]), **selectors.closure_of(action),
        "panels": registry.detail_panels_for("actions.Action", request, action),
    })


@permission_required(Action, "cancel")
@require_POST
def action_cancel(request, code):
    action = _action(request, code)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the Action is cancelled."))
        return redirect("actions:detail", code=code)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Cancel this Action?"),
            caption=action.code,
            consequences=[
                _("The Action stops: no activity is planned or run any more under it."),
                _("The people working on it are told, with the reason below."),
                _("A cancelled Action cannot be reopened."),
            ],
            summary=[(_("Reason"), form.cleaned_data["reason"])],
            button=_("Cancel the Action"),
            cancel_url=reverse("actions:detail", args=[code]),
            carry=["reason"],
        )
    try:
        services.action_cancel(action=action, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The Action is cancelled."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("actions:detail", code=code)


@permission_required(Action, "change")
@require_http_methods(["GET", "POST"])
def action_goals(request, code):
    """The SDG targets and GCM objectives of an Action (staff)."""
    action = _action(request, code)
    form = forms.ActionGoalsForm(request.POST or None, initial={
        "sdg_targets": list(action.sdg_targets.all()), "gcm_objectives": list(action.gcm_objectives.all())})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, by=request.user, sdg_targets=form.cleaned_data["sdg_targets"],
                                   gcm_objectives=form.cleaned_data["gcm_objectives"])
            messages.success(request, _("The SDG targets and GCM objectives are saved."))
            return redirect("actions:detail", code=code)
        except DomainError as exc:
            _refused(request, exc)
    return render(request, "actions/action_goals.html", {"action": action, "form": form})


@permission_required(Action, "close")
@require_http_methods(["GET", "POST"])
def action_close(request, code):
    action = _action(request, code)
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Close this Action?"),
            caption=action.code,
            consequences=[
                _("The Action is closed with the final report, lessons learnt and self-assessment you wrote."),
                _("Follow-ups are scheduled at 6 and 12 months."),
                _("A closed Action cannot be reopened, and its report cannot be changed afterwards."),
            ],
            button=_("Close the Action"),
            cancel_url=reverse("actions:detail", args=[code]),
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_close(action=action, by=request.user, final_report=form.cleaned_data["final_report"],
                                  lessons_learnt=form.cleaned_data["lessons_learnt"], scores=form.scores())
            messages.success(request, _("The Action is closed. Follow-ups are scheduled at 6 and 12 months."))
            return redirect("actions:detail", code=code)
        except DomainError as exc:
            _refused(request, exc)
            for field, errs in getattr(exc, "errors", {}).items():
                if field in form.fields:
                    form.add_error(field, [str(e) for e in errs])
    return render(request, "actions/action_close.html", {"action": action, "form": form})


@permission_required(Action, "view")
@require_POST
def follow_up_record(request, code, pk):
    action = _action(request, code)
    follow_up = get_visible_or_404(request.user, selectors.follow_ups_of(action), pk=pk)
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe the outcome observed."))
        return redirect("actions:detail", code=code)
    try:
        services.followup_record(follow_up=follow_up, by=request.user, outcome=form.cleaned_data["outcome"])
        messages.success(request, _("The outcome is recorded. Thank you."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("actions:detail", code=code)


# ---------------------------------------------------------------- fiche


def _fiche_rows_from_post(post) -> list[dict]:
    rows = []
    try:
        count = min(int(post.get("row_count", "0")), 40)
    except ValueError:
        count = 0
    removed = post.get("remove", "")  # a row's "Remove" pressed without JavaScript: saved without that row
    for i in range(count):
        p = f"act-{i}-"
        if (post.get(p + "delete") or removed == str(i)
                or not any(post.get(p + k) for k in ("type", "title", "start_date", "place"))):
            continue
        rows.append({k: post.get(p + k, "") for k in ("type", "title", "start_date", "end_date", "place", "language",
                                                      "participants", "expert_profile")} | {"online": bool(post.get(p + "online"))})
    return rows


def _fiche_error_list(errors: dict) -> list[tuple[str, str]]:
    """The error summary of the fiche editor: (field id, message). Rows with an error are shown again in the
    order they were cleaned, so activity ``n`` is row ``n - 1`` of the form."""
    items = []
    for key, messages_ in errors.items():
        parts = key.split(".")
        if parts[0] == "activities" and len(parts) == 3 and parts[1].isdigit():
            href = f"act-{int(parts[1]) - 1}-{parts[2]}"
        elif parts[0] == "activities":
            href = "sequence-h"
        else:
            href = f"s-{parts[0]}"
        items.append((href, str(messages_[0])))
    return items


@permission_required(Action, "view")
@require_http_methods(["GET", "POST"])
def fiche(request, code):
    action = get_visible_or_404(request.user, selectors.action_fiche_queryset(), code=code)
    versions = list(action.fiche_versions.all())
    if not versions:
        raise Http404
    try:
        number = int(request.GET.get("v", versions[-1].number))
    except ValueError:
        raise Http404
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404
    user = request.user
    may_edit = can(user, "edit_fiche", action) and version.status == FicheVersion.Status.DRAFT
    content = version.content
    errors = {}
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "save":
                content = {key: request.POST.get(key, "") for key, _label in FICHE_TEXT_SECTIONS}
                content["activities"] = _fiche_rows_from_post(request.POST)
                services.fiche_save(version=version, by=user, content=content)
                messages.success(request, _("The draft is saved."))
                if request.POST.get("add_row"):  # "Add an activity" without JavaScript: saved, then one more row
                    return redirect(f"{request.path}?v={version.number}&add=1#sequence-h")
            elif op == "partner_agree":
                services.fiche_partner_agree(version=version, by=user)
                messages.success(request, _("Your agreement is recorded. Staff will confirm the fiche."))
            elif op == "agree":
                services.fiche_agree(version=version, by=user)
                messages.success(request, _("The Action Fiche is agreed (version %(n)d).") % {"n": version.number})
            elif op == "redesign":
                new = services.fiche_redesign(action=action, by=user, reason=request.POST.get("reason", ""))
                messages.success(request, _("Version %(n)d is open for the redesign.") % {"n": new.number})
                return redirect(f"{request.path}?v={new.number}")
            elif op == "comment":
                form = forms.CommentForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Write a comment."))
                else:
                    services.fiche_comment_add(version=version, by=user, body=form.cleaned_data["body"],
                                               idempotency_key=form.cleaned_data["idempotency_key"] or None)
                    messages.success(request, _("Your comment is added."))
            elif op == "propose":
                form = forms.ProposalForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Choose a section and write the text you propose."))
                else:
                    services.fiche_propose(version=version, by=user, section=form.cleaned_data["section"], text=form.cleaned_data["text"],
                                           idempotency_key=form.cleaned_data["idempotency_key"] or None)
                    messages.success(request, _("Your proposal is sent to the facility."))
            elif op in ("accept", "decline"):
                proposal = get_visible_or_404(user, FicheVersion, pk=version.pk).proposals.filter(pk=request.POST.get("proposal")).first()
                if proposal is None:
                    raise Http404
                services.fiche_proposal_decide(proposal=proposal, by=user, accept=op == "accept", note=request.POST.get("note", ""))
                messages.success(request, _("The proposal is accepted.") if op == "accept" else _("The proposal is declined."))
            else:
                messages.error(request, _("Unknown request."))
            return redirect(f"{request.path}?v={version.number}")
        except DomainError as exc:
            _refused(request, exc)
            errors = getattr(exc, "errors", {}) or {}
            if op != "save":
                return redirect(f"{request.path}?v={version.number}")
    rows = list((content or {}).get("activities", []))
    # An empty fiche opens with one activity to fill; "Add an activity" adds more (at once with JavaScript).
    blank_rows = (1 if not rows or request.GET.get("add") else 0) if may_edit else 0
    blank_rows = max(0, min(blank_rows, services.fiche.MAX_ACTIVITIES - len(rows)))
    return render(request, "actions/fiche.html", {
        "action": action, "version": version, "versions": versions, "content": content, "errors": errors,
        "error_list": _fiche_error_list(errors),
        "sections": [(key, label, (content or {}).get(key, "")) for key, label in FICHE_TEXT_SECTIONS],
        "rows": (rows if may_edit else services.fiche.labelled_rows(rows)) + [{} for _i in range(blank_rows)],
        "row_count": len(rows) + blank_rows, "max_rows": services.fiche.MAX_ACTIVITIES,
        "activity_types": reference.active_activity_types() if may_edit else [],
        "languages": reference.languages() if may_edit else [],
        "may_edit": may_edit,
        "may_propose": can(user, "propose_fiche", action) and version.status == FicheVersion.Status.DRAFT,
        # The committee comments while the fiche is drafted; staff and the partner's focal points on any version.
        "may_comment": can(user, "comment_fiche", action) and can(user, "comment", version),
        "may_redesign": can(user, "edit_fiche", action) and version.status == FicheVersion.Status.AGREED
        and not any(v.status == FicheVersion.Status.DRAFT for v in versions),
        "comments": version.comments.select_related("author"), "proposals": version.proposals.select_related("author"),
        "comment_form": forms.CommentForm(), "proposal_form": forms.ProposalForm(),
    })


@permission_required(Action, "view")
def fiche_diff(request, code):
    action = _action(request, code)
    versions = {v.number: v for v in action.fiche_versions.all()}
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        a = b = 0
    if len(versions) >= 2 and (a not in versions or b not in versions):
        numbers = sorted(versions)
        a, b = numbers[-2], numbers[-1]
    lines = services.fiche_diff(versions[a], versions[b]) if a in versions and b in versions else []
    return render(request, "actions/fiche_diff.html", {"action": action, "versions": sorted(versions.values(), key=lambda v: v.number),
                                                       "a": a, "b": b, "lines": lines})


@permission_required(Action, "view")
def fiche_pdf(request, code, number):
    action = _action(request, code)
    version = action.fiche_versions.filter(number=number).exclude(status=FicheVersion.Status.DRAFT).first()
    if version is None:
        raise Http404
    html = render_to_string("actions/fiche_pdf.html", {
        "action": action, "version": version, "rows": services.fiche.labelled_rows(version.activity_rows),
        "sections": [(label, version.section(key)) for key, label in FICHE_TEXT_SECTIONS]}, request=request)
    from weasyprint import HTML  # noqa: PLC0415 - heavy library (cairo, pango), loaded only to print a fiche

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="action-fiche-{action.code}-v{version.number}.pdf"'
    return response


# ---------------------------------------------------------------- activities


@permission_required(Activity, "create")
@require_http_methods(["GET", "POST"])
def activity_create(request, code):
    action = _action(request, code)
    form = forms.ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("idempotency_key") or None
        try:
            activity = services.activity_create(action=action, by=request.user, idempotency_key=key, **data)
            messages.success(request, _("The activity is planned."))
            return redirect("actions:activity", code=code, pk=activity.pk)
        except DomainError as exc:
            _refused(request, exc)
    return render(request, "actions/activity_form.html", {"action": action, "form": form})


@permission_required(Action, "view")
def activity_detail(request, code, pk):
    action = _action(request, code)
    activity = get_visible_or_404(request.user, selectors.activity_detail_queryset(action=action)
                                  .prefetch_related("deliverables__type"), pk=pk)
    may_move = can(request.user, "transition", activity)
    edit_form = None
    if can(request.user, "change", activity) and activity.status not in (Activity.Status.REPORTED, Activity.Status.CANCELLED):
        edit_form = forms.ActivityForm(initial={
            "type": activity.type, "title": activity.title, "start_date": activity.start_date, "end_date": activity.end_date,
            "online": activity.online, "place": activity.place, "country": activity.country,
            "languages": list(activity.languages.all()), "expected_participants": activity.expected_participants,
            "expert_profile": activity.expert_profile})
    return render(request, "actions/activity_detail.html", {
        "action": action, "activity": activity, "may_move": may_move, "edit_form": edit_form,
        "allowed": Activity.TRANSITIONS.get(activity.status, set()),
        "reason_form": forms.ReasonForm(), "deliver_form": forms.DeliverForm(), "reschedule_form": forms.RescheduleForm(),
        "report_form": forms.ReportForm(activity=activity),
        # What other apps add to the activity page (the roster's "Find experts" for staff).
        "panels": registry.detail_panels_for("actions.Activity", request, activity),
        "documents": selectors.activity_documents_for(request.user, activity),
        "may_upload_document": can(request.user, "upload_document", activity) and activity.status != Activity.Status.CANCELLED,
        "document_form": forms.ActivityDocumentForm(),
    })


@permission_required(Action, "view")
@require_POST
def activity_document_upload(request, code, pk):
    action = _action(request, code)
    activity = get_visible_or_404(request.user, selectors.activity_detail_queryset(action=action), pk=pk)
    if not can(request.user, "upload_document", activity):  # partners read the reports; they do not add them
        raise PermissionDenied
    form = forms.ActivityDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errs in form.errors.values():
            for error in errs:
                messages.error(request, error)
    else:
        try:
            services.activity_document_add(activity=activity, by=request.user, kind=form.cleaned_data["kind"],
                                           upload=form.cleaned_data["file"],
                                           idempotency_key=form.cleaned_data["idempotency_key"] or None)
            messages.success(request, _("The document is added."))
        except DomainError as exc:
            _refused(request, exc)
    return redirect(reverse("actions:activity", kwargs={"code": code, "pk": pk}) + "#documents-h")


@permission_required(ActivityDocument, "view")
def activity_document(request, code, pk, doc_pk):
    action = _action(request, code)
    activity = get_visible_or_404(request.user, selectors.activity_detail_queryset(action=action), pk=pk)
    document = get_visible_or_404(request.user, selectors.documents_of(activity), pk=doc_pk)
    if not document.file:
        raise Http404
    # Downloaded under the name its checked content gives it, never the name it was uploaded with.
    ext = CONTENT_EXTENSIONS.get(document.content_type, "bin")
    response = download_response(document.file, filename=stored_name("activity-document", document.pk, ext))
    audit.record_access(document, by=request.user, what="activity document")
    return response


@permission_required(Activity, "change")
@require_POST
def activity_edit(request, code, pk):
    action = _action(request, code)
    activity = get_visible_or_404(request.user, selectors.activity_detail_queryset(action=action), pk=pk)
    form = forms.ActivityForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("idempotency_key", None)
        languages = data.pop("languages")
        try:
            services.activity_update(activity=activity, by=request.user, languages=languages, **data)
            messages.success(request, _("The activity is saved."))
        except DomainError as exc:
            _refused(request, exc)
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("actions:activity", code=code, pk=pk)


@permission_required(Activity, "transition")
@require_POST
def activity_move(request, code, pk, step):
    action = _action(request, code)
    activity = get_visible_or_404(request.user, selectors.activity_detail_queryset(action=action), pk=pk)
    by = request.user
    reason = request.POST.get("reason", "").strip()
    if step == "cancel" and reason and not is_confirmed(request):  # without a reason the service refuses
        return confirm_page(
            request,
            title=_("Cancel this activity?"),
            caption=action.code,
            consequences=[
                _("The activity is marked as cancelled and will not take place."),
                _("A cancelled activity cannot be reopened: to hold it after all, you plan a new activity."),
            ],
            summary=[(_("Reason for cancelling"), reason)],
            button=_("Cancel the activity"),
            cancel_url=reverse("actions:activity", args=[code, activity.pk]),
            carry=["reason"],
        )
    try:
        if step == "confirm":
            services.activity_confirm(activity=activity, by=by)
        elif step == "deliver":
            form = forms.DeliverForm(request.POST)
            # No valid date goes to the service as None: it names an illegal step first, then the missing date.
            delivered_on = form.cleaned_data["delivered_on"] if form.is_valid() else None
            services.activity_deliver(activity=activity, by=by, delivered_on=delivered_on)
        elif step in ("postpone", "cancel"):
            reason = request.POST.get("reason", "")
            func = services.activity_postpone if step == "postpone" else services.activity_cancel
            func(activity=activity, by=by, reason=reason)
        elif step == "reschedule":
            form = forms.RescheduleForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give a valid new start date."))
            services.activity_reschedule(activity=activity, by=by, **form.cleaned_data)
        elif step == "report":
            form = forms.ReportForm(request.POST, activity=activity)
            if not form.is_valid():
                raise DomainError(" ".join(str(e) for errs in form.errors.values() for e in errs))
            services.activity_report(activity=activity, by=by, **form.cleaned_data)
        else:
            raise Http404
        messages.success(request, _("The activity is updated."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("actions:activity", code=code, pk=pk)


# ---------------------------------------------------------------- deliverables


@permission_required(Deliverable, "create")
@require_http_methods(["GET", "POST"])
def deliverable_create(request, code):
    action = _action(request, code)
    form = forms.DeliverableForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("idempotency_key") or None
        try:
            deliverable = services.deliverable_create(action=action, by=request.user, idempotency_key=key, **data)
            messages.success(request, _("The deliverable is registered."))
            return redirect("actions:deliverable", code=code, pk=deliverable.pk)
        except DomainError as exc:
            _refused(request, exc)
    return render(request, "actions/deliverable_form.html", {"action": action, "form": form})


@permission_required(Action, "view")
def deliverable_detail(request, code, pk):
    action = _action(request, code)
    deliverable = get_visible_or_404(request.user, selectors.deliverable_detail_queryset(action=action)
                                     .prefetch_related("files"), pk=pk)
    return render(request, "actions/deliverable_detail.html", {
        "action": action, "deliverable": deliverable, "may_move": can(request.user, "transition", deliverable),
        "next_status": [(s, label) for s, label in Deliverable.Status.choices
                        if s in Deliverable.TRANSITIONS.get(deliverable.status, set())],
        "may_upload": can(request.user, "upload", deliverable), "evidence_form": forms.EvidenceForm(),
        "upload_form": forms.UploadForm(),
    })


@permission_required(Deliverable, "transition")
@require_POST
def deliverable_move(request, code, pk):
    action = _action(request, code)
    deliverable = get_visible_or_404(request.user, selectors.deliverable_detail_queryset(action=action), pk=pk)
    form = forms.EvidenceForm(request.POST)
    try:
        services.deliverable_advance(deliverable=deliverable, by=request.user, to=request.POST.get("to", ""),
                                     evidence=form.cleaned_data["evidence"] if form.is_valid() else "")
        messages.success(request, _("The deliverable is updated."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("actions:deliverable", code=code, pk=pk)


@permission_required(Action, "view")
@require_POST
def deliverable_upload(request, code, pk):
    action = _action(request, code)
    deliverable = get_visible_or_404(request.user, selectors.deliverable_detail_queryset(action=action), pk=pk)
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
    else:
        try:
            services.deliverable_file_add(deliverable=deliverable, by=request.user, upload=form.cleaned_data["file"])
            messages.success(request, _("The file is attached."))
        except DomainError as exc:
            _refused(request, exc)
    return redirect("actions:deliverable", code=code, pk=pk)


@permission_required(Action, "view")
def deliverable_file(request, code, pk, file_pk):
    action = _action(request, code)
    deliverable = get_visible_or_404(request.user, selectors.deliverable_detail_queryset(action=action), pk=pk)
    item = deliverable.files.filter(pk=file_pk).first()
    if item is None or not item.file:
        raise Http404
    # Downloaded under the name its checked content gives it, never the name it was uploaded with.
    ext = CONTENT_EXTENSIONS.get(item.content_type, "bin")
    response = download_response(item.file, filename=stored_name("deliverable", item.pk, ext))
    audit.record_access(item, by=request.user, what="deliverable file")
    return response


# ---------------------------------------------------------------- rapid reaction


@permission_required(Action, "see_process")
def process(request):
    form = forms.ProcessFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"date_from": data["date_from"], "date_to": data["date_to"],
                   "region": data["region"].code if data["region"] else "", "theme": data["theme"].code if data["theme"] else ""}
    # Aggregates over every Action: recomputed at most every few minutes per filter (core.selectors.cached_figures).
    key = "process:" + "|".join(f"{k}={v}" for k, v in sorted(filters.items()))
    stats = cached_figures(key, lambda: selectors.process_stats(**filters))
    labels = {"request_to_decision": _("Request → decision"), "decision_to_fiche": _("Decision → agreed fiche"),
              "fiche_to_launch": _("Agreed fiche → first activity delivered"),
              "request_to_launch": _("Request → first activity delivered (target: 90 days)")}
    for stage in stats["stages"]:
        stage["label"] = labels[stage["key"]]
    return render(request, "actions/process.html", {"form": form, "stats": stats})


@permission_required(Request, "decide")
@require_POST
def request_approve(request, pk):
    """The committee approves a request (its page shows the form through a panel); back to the request."""
    obj = get_visible_or_404(request.user, Request, pk=pk)
    try:
        services.request_approve(request=obj, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The request is approved and its Action is created."))
    return redirect("intake:detail", pk=obj.pk)


@permission_required(Action, "see_at_risk")
def at_risk(request):
    items = _KeptRiskRows(timezone.localdate(), translation.get_language())
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "actions/at_risk.html", {"page": page, "rows_html": page.object_list.html})


class _ShownRiskRows(list):
    """The rows of one page of Actions needing attention and their markup (``html``): the ``(action, reason)``
    items when just read, only as many stand-ins when the page was kept (the template asks whether there are any)."""

    def __init__(self, items, html: str):
        super().__init__(items)
        self.html = mark_safe(html)  # noqa: S308 - written escaped by at_risk_rows_html


class _KeptRiskRows:
    """The Actions needing attention for a Paginator, their count and each page's rows kept a short time in the
    shared cache: everyone who may open the page sees every Action at risk alike (the selector takes no reader),
    so they are kept per day (the clocks count to today, in the reader's zone) and language, for at most
    ``PONTIS_COMPLEMENTARITY_CACHE_SECONDS`` (a minute; 0 in tests, never kept). Finding and explaining them read
    the open activities, fiches and confirmed experts of a page of Actions on every visit."""

    def __init__(self, today, language: str):
        self.today, self.language = today, language
        self.seconds = min(settings.PONTIS_COMPLEMENTARITY_CACHE_SECONDS, settings.PONTIS_FIGURES_CACHE_SECONDS, 60)
        self._pages = None
        self._count = None

    def _source(self):
        if self._pages is None:  # built only when something is not kept (its querysets cost a few thousand calls)
            self._pages = selectors.actions_at_risk_pages(today=self.today)
        return self._pages

    def _kept(self, key: str, compute):
        value = cache.get(key) if self.seconds > 0 else None
        if value is None:
            value = compute()
            if self.seconds > 0:
                cache.set(key, value, self.seconds)
        return value

    def count(self) -> int:
        if self._count is None:
            self._count = self._kept(f"actions:at-risk:count:{self.today.isoformat()}", lambda: self._source().count())
        return self._count

    __len__ = count

    def __getitem__(self, index: slice) -> _ShownRiskRows:
        start, stop, _step = index.indices(self.count())

        read = []

        def rows():
            read.extend(self._source()[start:stop])
            return len(read), str(at_risk_rows_html(read, today=self.today))

        n, html = self._kept(f"actions:at-risk:rows:{self.today.isoformat()}:{self.language}:{start}:{stop}", rows)
        return _ShownRiskRows(read or range(n), html)


def at_risk_rows_html(items, *, today=None) -> str:
    """The rows of the Actions needing attention, ``(action, reason)``, as the page's template wrote them with a
    ``{% url %}``, a ``{% tr %}`` and the clock's include per row; the clocks count to ``today`` (default: today)."""
    esc, url, language = escaped, detail_url_of(), translation.get_language()
    today = today or timezone.localdate()
    return mark_safe("".join(
        f'<tr><td><a href="{esc(url(action.code))}">{esc(action.code)} · {_title_html(action.title, language)}</a></td>'
        f'<td>{clock_html(action.clock(today))}</td><td>{esc(reason)}</td></tr>\n' for action, reason in items))


def clock_html(clock: dict) -> str:
    """An Action's 90-day clock (``Action.clock()``) as ``actions/_clock.html`` renders it."""
    return _clock_html(clock["days"], clock["target"], clock["state"], clock["launched"], translation.get_language())


@functools.lru_cache(maxsize=4096)
def _clock_html(days, target, state, launched, language) -> str:
    """The clock's badge, kept per value and language (``language``, the active one, is part of the key): the
    lists show the same few hundred clocks again and again."""
    esc = conditional_escape
    if days is None:
        return mark_safe(f'<span class="muted">{esc(_("No request date"))}</span>\n')
    css = "status--danger" if state == "late" else "status--warn" if state == "at_risk" else "status--ok"
    values = {"d": esc(localize(days)), "t": esc(localize(target))}
    if launched:
        text = _("Launched after %(d)s days (target %(t)s)") % values
    else:
        text = _("Day %(d)s of %(t)s, not launched yet") % values
    if state == "late":
        text += f" – {esc(_('late'))}"
    elif state == "at_risk":
        text += f" – {esc(_('at risk'))}"
    return mark_safe(f'<span class="status {css}">{text}</span>\n')




# ---------------------------------------------------------------- partners and focal points


def _partner_forms(user, action) -> dict:
    """The forms of the Action page's partners section, for staff while the Action is in design or ongoing."""
    if not (can(user, "manage_partners", action) and services.partners_changeable(action)):
        return {"may_manage_partners": False}
    return {"may_manage_partners": True, "partner_add_form": forms.PartnerAddForm(action=action),
            "partner_forms": [forms.PartnerChangeForm(partner=p) for p in selectors.partners_of(action)]}


def _partner(request, action, pk):
    """A partner of ``action`` (already fetched through the policy); 404 for any other."""
    partner = selectors.partners_of(action).filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner


def _partner_errors(form, exc: DomainError):
    for field, errs in (getattr(exc, "errors", None) or {}).items():
        form.add_error(field if field in form.fields else None, [str(e) for e in errs])
    if not getattr(exc, "errors", None):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _partner_page(request, action, form, *, partner=None):
    """The form again, with its error summary, when the service refused it."""
    return render(request, "actions/partner_form.html", {"action": action, "form": form, "partner": partner})


@permission_required(Action, "manage_partners")
@require_POST
def partner_add(request, code):
    action = _action(request, code)
    form = forms.PartnerAddForm(request.POST, action=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.partner_add(action=action, by=request.user, institution=data["institution"],
                                 operational_focal_point=data["operational_focal_point"],
                                 strategic_focal_point=data["strategic_focal_point"],
                                 idempotency_key=data.get("idempotency_key"))
        except DomainError as exc:
            _partner_errors(form, exc)
        else:
            messages.success(request, _("The partner institution is added."))
            return redirect(reverse("actions:detail", args=[code]) + "#partners-h")
    return _partner_page(request, action, form)


@permission_required(Action, "manage_partners")
@require_POST
def partner_change(request, code, pk):
    action = _action(request, code)
    partner = _partner(request, action, pk)
    form = forms.PartnerChangeForm(request.POST, partner=partner)
    if form.is_valid():
        try:
            services.partner_change(partner=partner, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            _partner_errors(form, exc)
        else:
            messages.success(request, _("The focal points are saved."))
            return redirect(reverse("actions:detail", args=[code]) + "#partners-h")
    return _partner_page(request, action, form, partner=partner)


@permission_required(Action, "manage_partners")
@require_POST
def partner_remove(request, code, pk):
    """Removing a partner asks first (a confirmation page), then removes it."""
    action = _action(request, code)
    partner = _partner(request, action, pk)
    back = reverse("actions:detail", args=[code]) + "#partners-h"
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remove %(institution)s from the Action %(code)s?") % {"institution": partner.institution,
                                                                         "code": action.code},
            consequences=[
                _("The institution is no longer a partner of this Action."),
                _("Its focal points no longer see the Action through it, and are no longer told about it."),
                _("To undo it, add the institution again and name its focal points again."),
            ],
            button=_("Remove the partner"), cancel_url=back, carry=())
    try:
        services.partner_remove(partner=partner, by=request.user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The partner institution is removed."))
    return redirect(back)


# ---------------------------------------------------------------- ownership


@permission_required(Action, "assign_owner")
@require_http_methods(["GET", "POST"])
def action_owner(request, code):
    """Give the Action its owning officer (or change it): a form with the active programme officers."""
    action = _action(request, code)
    if not can(request.user, "assign_owner", action):
        raise Http404
    form = OwnerForm(request.POST or None, initial={"owner": action.owner_id} if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_assign_owner(action=action, owner=form.cleaned_data["owner"], by=request.user)
        except DomainError as exc:
            form.add_error("owner", exc.message)
        else:
            messages.success(request, _("The owner is recorded."))
            return redirect("actions:detail", code=action.code)
    return render(request, "core/owner_form.html", {
        "form": form, "object_label": str(action), "current": action.owner,
        "back_url": reverse("actions:detail", args=[action.code])})


MINE_PAGE_SIZE = 20


@permission_required(Action, "see_mine")
def mine(request):
    """"My requests and Actions": what this person owns and what they follow, each list paged on its own."""
    requests_page = Paginator(requests_owned_or_followed(request.user), MINE_PAGE_SIZE).get_page(request.GET.get("rpage"))
    actions_page = Paginator(selectors.actions_owned_or_followed(request.user), MINE_PAGE_SIZE).get_page(
        request.GET.get("apage"))
    return render(request, "actions/mine.html", {"requests_page": requests_page, "actions_page": actions_page})


@permission_required(Action, "follow")
@require_POST
def action_follow(request, code):
    """Follow the Action (its news reaches the person) or stop following it (``following=0``)."""
    action = _action(request, code)
    try:
        if request.POST.get("following") == "0":
            unfollow(request.user, action, by=request.user)
            messages.success(request, _("You no longer follow this Action."))
        else:
            follow(request.user, action, by=request.user)
            messages.success(request, _("You follow this Action: its news will reach you."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("actions:detail", code=action.code)
