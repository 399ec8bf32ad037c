"""Pages for requests: thin; each one reads through a selector or changes through one service."""

from __future__ import annotations

import datetime
import functools
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pontis.core import audit, registry
from pontis.core import selectors as reference
from pontis.core.awaiting import statements_read_ahead
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError, ValidationFailed
from pontis.core.following import follow, unfollow
from pontis.core.http import require_GET, require_http_methods, require_POST
from pontis.core.i18n import translate
from pontis.core.markup import escaped, fields_once
from pontis.core.permissions import can, get_visible_or_404, permission_required
from pontis.core.templatetags.dates import day
from pontis.core.templatetags.form_errors import field_anchor
from pontis.core.templatetags.pontis import tr
from pontis.core.uploads import download_response, stored_name

from . import selectors, services
from .eligibility import eligibility_messages
from .forms import DelegationOpinionForm, FilterForm, OwnerForm, RequestForm
from .models import DelegationConsultation, Request
from .services.workflow import missing_for_submission

PAGE_SIZE = 25

# Each page declares its access once, by a verb of RequestPolicy (intake/permissions.py): asked of the model, the
# verb is the page's gate; objects are then fetched through the policy and asked the same verb.


# A list's rows are shaped here, once per row, into the text each cell shows: the list template then only places
# them. Rendering every row through includes, ``{% url %}``, ``{% tr %}`` and ``{% blocktranslate %}`` was most of a
# list page's cost. Each helper says which template it renders exactly; a test compares the two.


# What ``conditional_escape`` answers, without its wrappers: a list row escapes a dozen values, and the wrappers
# were most of the cost.
_escape = escaped


def request_name_html(r) -> str:
    """The request's name as ``intake/_request_name.html`` renders it (its title in the reader's language, a
    fallback marked, or what stands for a missing title)."""
    return name_html(r.title, r.status, r.created_at, translation.get_language())


def request_title_text(r) -> str:
    """The request's name as ``intake/_request_name.html`` renders it with ``plain`` (the page's title): its title
    in the reader's language without the fallback's mark, or what stands for a missing title."""
    if r.title:
        return mark_safe(_escape(str(translate(r.title))))  # noqa: S308 - escaped
    return request_name_html(r)


@functools.lru_cache(maxsize=64)
def _fallback_note(lang: str, language: str) -> str:
    """The note after a title shown in another language (``lang``), escaped, in ``language`` (the active one, part
    of the key): what ``{% tr %}`` writes after the text."""
    return _escape(_("in %(language)s") % {"language": dict(settings.LANGUAGES).get(lang, lang)})


def name_html(title, status: str, created_at, language: str) -> str:
    """``request_name_html`` from a row's values, ``language`` being the active one: ``{% tr %}`` written here
    (its ``format_html`` cost more than the rest of a row)."""
    if title:
        text = translate(title, language)
        if text and text.is_fallback:
            return mark_safe(  # noqa: S308 - escaped
                f'<span lang="{_escape(text.lang)}">{_escape(text)}</span> '
                f'<span class="fallback-note">({_fallback_note(text.lang, language)})</span>')
        return mark_safe(_escape(text))  # noqa: S308 - escaped
    if status == Request.Status.DRAFT:
        return mark_safe(_("Untitled draft, started %(started)s") % {"started": _escape(day(created_at))})  # the date escaped
    return mark_safe(_("Untitled request"))  # as {% translate %} shows it


def clock_html(clock: dict) -> str:
    """The 90-day clock's badge as ``intake/_clock.html`` renders it."""
    if clock["days"] is None:
        return mark_safe(f'<span class="muted">{_("Not submitted yet")}</span>')  # noqa: S308 - as {% translate %}
    days = _escape(localize(clock["days"]))
    if clock["running"]:
        text = _("Day %(days)s of %(target)s") % {"days": days, "target": _escape(localize(clock["target"]))}
    else:
        text = _("Closed after %(days)s days") % {"days": days}
    if clock["running"] and clock["level"] == "danger":
        text += " · " + _("beyond the 90-day target")
    elif clock["running"] and clock["level"] == "warn":
        text += " · " + _("close to the 90-day target")
    return mark_safe(f'<span class="status status--{_escape(clock["level"])}">{text}</span>')  # noqa: S308


@functools.lru_cache(maxsize=4096)
def _clock_badge(days, running: bool, language: str) -> str:
    """``clock_html`` of a list row's clock (``selectors.clock_of``), kept per days, state and language (the active
    one, part of the key): a list shows the same few hundred badges again and again."""
    return clock_html(selectors.clock_of(days, running))


@functools.lru_cache(maxsize=4096)
def _day_text(value: datetime.date, language: str) -> str:
    """``day(value)`` in ``language`` (the active one, part of the key): a date's format costs more than the rest
    of its row. A date and time is given as its day in the reader's zone, which is what ``day`` shows of it."""
    return day(value)


def list_row_html(row: dict) -> str:
    """A row of the request list as ``intake/_list_row.html`` renders it (a test compares the two): the template
    through a ``{% for %}`` was a quarter of the list page's Python calls."""
    action = ""
    if row["action_code"]:
        action = f'<div class="small">{_escape(_("Action"))} {_escape(row["action_code"])}</div>'
    e = _escape
    return mark_safe(  # noqa: S308 - every value is escaped (name and clock are built escaped)
        f'<tr>\n      <td><a href="{e(row["url"])}">{e(row["name"])}</a>\n'
        f'        <div class="small muted">{e(row["institutions"])}</div></td>\n'
        f'      <td>{e(row["countries"])}</td>\n      <td>{e(row["themes"])}</td>\n'
        f'      <td>{e(row["status"])}{action}</td>\n      <td>{e(row["submitted"])}</td>\n'
        f'      <td>{e(row["clock"])}\n</td>\n    </tr>'
    )


def risk_row_html(row: dict) -> str:
    """A row of the requests at risk as ``intake/_risk_row.html`` renders it (a test compares the two)."""
    e = _escape
    return mark_safe(  # noqa: S308 - every value is escaped (title and badge are built escaped)
        f'<tr><td><a href="{e(row["url"])}">{e(row["title"])}</a></td>\n'
        f'      <td>{e(row["status"])}</td><td>{e(row["why"])}</td>\n'
        f'      <td>{e(row["clock_badge"])}\n</td></tr>'
    )


def _detail_urls():
    """``url(pk)``: the address of a request's page. Every row's address differs only by its id, so the route is
    resolved once per page, not once per row (``reverse`` was a tenth of a row's work)."""
    prefix, suffix = reverse("intake:detail", args=[0]).rsplit("0", 1)
    return lambda pk: f"{prefix}{int(pk)}{suffix}"


def _list_rows(requests) -> list[dict]:
    """The rows of a page of ``selectors.request_list_rows`` (plain values), each shaped once."""
    requests = list(requests)
    labels = selectors.labels_of_ids([r.pk for r in requests])
    url = _detail_urls()
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    today = timezone.localdate()  # the clocks' end, in the reader's zone as ``Request.days_elapsed`` counts it
    statuses = {}
    rows = []
    for r in requests:
        label = labels[r.pk]
        status = statuses.get(r.status)
        if status is None:
            status = statuses[r.status] = selectors.status_label(r.status)
        submitted = r.submitted_at.astimezone(zone).date() if r.submitted_at else None
        days, running = selectors.days_on_clock_of(submitted, r.status, r.decided_at, today, zone)
        row = {
            "request": r, "url": url(r.pk), "name": name_html(r.title, r.status, r.created_at, language),
            "institutions": ", ".join(label["institutions"]), "countries": ", ".join(label["countries"]) or "—",
            "themes": ", ".join(label["themes"]) or "—", "status": status,
            "action_code": r.action__code or "",
            "submitted": _day_text(submitted, language) if submitted else "—",
            "clock": _clock_badge(days, running, language),
        }
        row["html"] = list_row_html(row)
        rows.append(row)
    return rows


@permission_required(Request, "list")
def request_list(request):
    form = FilterForm(request.GET or None)
    filters = {"status": "", "country": "", "theme": "", "q": ""}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"status": data["status"], "country": data["country"].code if data["country"] else "",
                   "theme": data["theme"].code if data["theme"] else "", "q": data["q"].strip()}
    page = Paginator(selectors.request_list_rows(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _list_rows(page.object_list)
    # The filters' markup is the same for everyone who sends the same filters (markup.fields_once).
    fields = fields_once(form, lambda: render_to_string("intake/_list_filters.html", {"form": form}))
    return render(request, "intake/list.html", {
        "page": page, "rows": rows, "form": form, "filter_fields": fields,
        "may_create": can(request.user, "create", Request),
    })


def _save_from_form(request, form, obj=None):
    """Save the draft (and the letter, if one came); answers the request or None with errors added to the form."""
    try:
        with transaction.atomic():
            obj = services.request_save_draft(by=request.user, data=form.service_data(), request=obj,
                                              client_token=form.cleaned_data.get("client_token"))
            upload = form.cleaned_data.get("endorsement_letter")
            if upload:
                obj = services.request_endorsement_attach(request=obj, by=request.user, upload=upload)
        return obj
    except ValidationFailed as exc:
        for field, message in (exc.errors or {}).items():
            form.add_error(field if field in form.fields else None, message)
        if exc.field and exc.field in form.fields and not exc.errors:
            form.add_error(exc.field, exc.message)
        elif not exc.errors:
            form.add_error(None, exc.message)
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


def _after_save(request, obj):
    # "Continue" leads to "check your answers", where the request is submitted; nothing is submitted from the form.
    if request.POST.get("intent") in ("review", "submit"):
        if missing_for_submission(obj):
            messages.error(request, _("The request cannot be submitted yet: some information is missing."))
            return redirect("intake:edit", pk=obj.pk)
        return redirect("intake:check", pk=obj.pk)
    messages.success(request, _("Your draft is saved."))
    return redirect("intake:edit", pk=obj.pk)


@permission_required(Request, "create")
@require_http_methods(["GET", "POST"])
def request_create(request):
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES)
        if form.is_valid():
            obj = _save_from_form(request, form)
            if obj is not None:
                return _after_save(request, obj)
    else:
        own = list(request.user.institutions.filter(pk__in=request.user.focal_institution_ids))
        form = RequestForm(initial={"client_token": uuid.uuid4(), "language": request.user.language or "en",
                                    "institutions": own, "countries": [i.country for i in own if i.country_id]})
    return render(request, "intake/form.html", {"form": form, "obj": None})


@permission_required(Request, "edit")
@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    obj = get_visible_or_404(request.user, Request, pk=pk)
    if not can(request.user, "edit", obj):
        messages.error(request, _("This request can no longer be changed."))
        return redirect("intake:detail", pk=obj.pk)
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES)
        if form.is_valid():
            saved = _save_from_form(request, form, obj)
            if saved is not None:
                return _after_save(request, saved)
    else:
        form = RequestForm(initial=RequestForm.initial_from(obj))
    return render(request, "intake/form.html", {"form": form, "obj": obj, "missing": missing_for_submission(obj)})


@permission_required(Request, "edit")
@require_POST
def request_autosave(request, pk=None):
    """Autosave from the form (htmx): answers a short status line, never a page."""
    obj = get_visible_or_404(request.user, Request, pk=pk) if pk else None
    form = RequestForm(request.POST)
    if not form.is_valid():
        return render(request, "intake/_autosave.html", {"error": _("Not saved: please check the highlighted fields.")})
    try:
        obj = services.request_save_draft(by=request.user, data=form.service_data(), request=obj,
                                          client_token=form.cleaned_data.get("client_token"))
    except ValidationFailed as exc:
        text = " ".join(str(m) for m in (exc.errors or {}).values()) or str(exc.message)
        return render(request, "intake/_autosave.html", {"error": _("Not saved: %(why)s") % {"why": text}})
    except DomainError as exc:
        return render(request, "intake/_autosave.html", {"error": exc.message})
    saved_at = timezone.now()  # shown in the reader's zone, zone named (core templatetags: time_of_day)
    return render(request, "intake/_autosave.html", {"saved_at": saved_at, "obj": obj})


@permission_required(Request, "edit")
@require_GET
def topics_for_themes(request):
    """The topic choices for the chosen themes (htmx swaps them into the form)."""
    ids = [v for v in request.GET.getlist("themes") if v.isdigit() and len(v) <= 18]  # a 64-bit id at most
    chosen = {v for v in request.GET.getlist("topics") if v.isdigit()}
    topics = reference.active_topics(theme_ids=ids)
    return render(request, "intake/_topics.html", {"topics": topics, "chosen": chosen})


def _decision_forms(may: dict, status: str) -> dict:
    """Which screening and decision forms the page shows: the card holding them appears only when one does (after
    a decision none does, and an empty card stayed behind)."""
    open_for_screening = status in (Request.Status.SUBMITTED, Request.Status.DEFERRED)
    return {
        "ask_info": may["ask_info"] and open_for_screening,
        "forward": may["forward"] and open_for_screening,
        "decide": may["decide"] and status == Request.Status.FORWARDED,
        "reject": may["reject"] and (open_for_screening or status == Request.Status.FORWARDED),
    }


@permission_required(Request, "view")
def request_detail(request, pk):
    user = request.user
    # Read as ``request_detail_queryset`` would; a request the reader may not see answers 404 as a missing one.
    obj = selectors.request_row(pk)
    if obj is None:
        raise Http404
    # What the page reads after the request itself (its lists, thread, decisions, panels and layout) are small
    # statements of the request's id, the reader's id and the day: read in one round trip where the page of a request
    # in the same state, for a reader of the same roles, asked them before (``core.awaiting.statements_read_ahead``).
    # Who may see the request and each part is still decided below, on this request; nothing read is shown before.
    with statements_read_ahead(f"intake.detail:{obj.status}", user, getattr(user, "role_codes", ()), subject=obj.pk):
        selectors.request_relations(obj)
        if not can(user, "view", obj):
            raise Http404
        return _request_page(request, obj)


def _request_page(request, obj):
    user = request.user
    staff_view = can(user, "see_internal", obj)
    may = {verb: can(user, verb, obj) for verb in
           ("edit", "submit", "withdraw", "answer", "ask_info", "forward", "reject", "decide", "note", "see_internal",
            "delete_draft", "assign_owner")}
    clock = selectors.clock(obj)
    context = {
        "obj": obj,
        "clock": clock,
        # The name, the clock and the status written here rather than by two includes and the model's display.
        "name_html": request_name_html(obj), "title_text": request_title_text(obj),
        "clock_html": mark_safe(clock_html(clock) + "\n"),  # noqa: S308 - built escaped
        "status_label": selectors.status_label(obj.status),
        "comments": selectors.comments_for(user, obj),
        "decisions": selectors.decisions_of(obj),
        "may": may,
        "decision_forms": _decision_forms(may, obj.status),
        "eligibility": eligibility_messages(obj) if staff_view and obj.eligibility else [],
        "staff_view": staff_view,
        # What other apps add to this page (the Action and its approval, complementarity): core.registry.
        "panels": registry.detail_panels_for("intake.Request", request, obj),
    }
    return render(request, "intake/detail.html", context)


def _transition(request, pk, func, success, **fields):
    obj = get_visible_or_404(request.user, Request, pk=pk)
    kwargs = {name: request.POST.get(name, "") for name in fields}
    try:
        func(request=obj, by=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("intake:detail", pk=obj.pk)


@permission_required(Request, "submit")
@require_POST
def request_submit(request, pk):
    obj = get_visible_or_404(request.user, Request, pk=pk)
    try:
        services.request_submit(request=obj, by=request.user)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("intake:edit", pk=obj.pk) if can(request.user, "edit", obj) else redirect("intake:detail", pk=obj.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your request is submitted. The facility will screen it and keep you informed here."))
    return redirect("intake:detail", pk=obj.pk)


def _answers(obj) -> list[dict]:
    """Every answer of the request form, for "check your answers": label, value(s), and where to change it."""
    fields = RequestForm.base_fields
    blank = RequestForm()

    def row(name, values, label=None, anchor=None):
        values = [str(v) for v in values if str(v).strip()]
        return {"name": name, "label": label or fields[name].label, "values": values,
                "change": anchor or field_anchor(blank[name])}

    languages = dict(settings.LANGUAGES)
    titles = [(languages.get(code, code), text) for code, text in (obj.title or {}).items() if str(text).strip()]
    endorsement = []
    if obj.endorsement_letter:
        endorsement.append(_("Letter: %(name)s") % {"name": obj.endorsement_letter_name})
    if obj.endorsement_official_name:
        endorsement.append(", ".join(v for v in (obj.endorsement_official_name, obj.endorsement_official_position) if v))
    return [
        {**row("title", [], label=fields["title"].label), "titles": titles},
        row("language", [obj.get_language_display()]),
        row("institutions", obj.institutions.all()),
        row("countries", obj.countries.all()),
        row("themes", obj.themes.all()),
        row("topics", obj.topics.all(), anchor="topics-field"),
        row("problem", [obj.problem]),
        row("objectives", [obj.objectives]),
        row("target_groups", [obj.target_groups]),
        row("preferred_timing", [obj.preferred_timing]),
        row("other_actors", [obj.other_actors]),
        row("endorsement_letter", endorsement, label=_("Endorsement by your institution's leadership")),
    ]


@permission_required(Request, "submit")
def request_check(request, pk):
    """Check your answers: every answer with a link to change it, and the one button that submits the request."""
    obj = get_visible_or_404(request.user, selectors.request_detail_queryset(), pk=pk)
    if obj.status != Request.Status.DRAFT or not can(request.user, "submit", obj):
        messages.error(request, _("This request can no longer be changed."))
        return redirect("intake:detail", pk=obj.pk)
    if missing_for_submission(obj):
        messages.error(request, _("The request cannot be submitted yet: some information is missing."))
        return redirect("intake:edit", pk=obj.pk)
    return render(request, "intake/check.html", {"obj": obj, "answers": _answers(obj),
                                                 "may_edit": can(request.user, "edit", obj)})


@permission_required(Request, "withdraw")
@require_POST
def request_withdraw(request, pk):
    if not is_confirmed(request):
        obj = get_visible_or_404(request.user, Request, pk=pk)
        reason = request.POST.get("reason", "").strip()
        return confirm_page(
            request,
            title=_("Withdraw this request?"),
            caption=str(obj),
            consequences=[
                _("The request is closed and the facility stops working on it."),
                _("The facility is told that you withdrew it."),
                _("A withdrawn request cannot be reopened: to ask again, you submit a new request."),
            ],
            summary=[(_("Why"), reason)] if reason else [],
            button=_("Withdraw the request"),
            cancel_url=reverse("intake:detail", args=[obj.pk]),
            carry=["reason"],
        )
    return _transition(request, pk, services.request_withdraw, _("The request is withdrawn."), reason=True)


@permission_required(Request, "answer")
@require_POST
def request_answer(request, pk):
    return _transition(request, pk, services.request_answer, _("Your answer is sent; the request is back with the facility."),
                       answer=True)


@permission_required(Request, "ask_info")
@require_POST
def request_ask_info(request, pk):
    return _transition(request, pk, services.request_ask_info, _("The question is sent to the requester."), question=True)


@permission_required(Request, "forward")
@require_POST
def request_forward(request, pk):
    return _transition(request, pk, services.request_forward, _("The request is forwarded to the steering committee."),
                       justification=True)


@permission_required(Request, "reject")
@require_POST
def request_reject(request, pk):
    reason = request.POST.get("reason", "").strip()
    if reason and not is_confirmed(request):  # without a reason the service refuses and nothing changes
        obj = get_visible_or_404(request.user, Request, pk=pk)
        return confirm_page(
            request,
            title=_("Reject this request?"),
            caption=str(obj),
            consequences=[
                _("The request is closed as rejected; it cannot be reopened."),
                _("The requester is told, by e-mail and in Pontis, with the reason below."),
            ],
            summary=[(_("Reason for the rejection"), reason)],
            button=_("Reject the request"),
            cancel_url=reverse("intake:detail", args=[obj.pk]),
            carry=["reason"],
        )
    return _transition(request, pk, services.request_reject, _("The rejection and its reason are recorded."), reason=True)


@permission_required(Request, "decide")
@require_POST
def request_defer(request, pk):
    return _transition(request, pk, services.request_defer, _("The deferral and its reason are recorded."), reason=True)


@permission_required(Request, "note")
@require_POST
def request_note(request, pk):
    return _transition(request, pk, services.request_note, _("Your note is added."), body=True, idempotency_key=True)


@permission_required(Request, "delete_draft")
@require_POST
def request_draft_delete(request, pk):
    """The author throws a draft away, after a confirmation page saying what goes with it."""
    obj = get_visible_or_404(request.user, Request, pk=pk)
    if not is_confirmed(request):
        if not can(request.user, "delete_draft", obj):
            messages.error(request, _("Only the person who started a draft can delete it, while it is a draft."))
            return redirect("intake:detail", pk=obj.pk)
        return confirm_page(
            request,
            title=_("Delete this draft?"),
            caption=str(render_to_string("intake/_request_name.html", {"r": obj}, request=request)).strip(),
            consequences=[
                _("The draft and everything typed in it are deleted, with its endorsement letter if one was attached."),
                _("A deleted draft cannot be recovered."),
            ],
            button=_("Delete the draft"),
            cancel_url=reverse("intake:detail", args=[obj.pk]),
            carry=[],
        )
    try:
        services.request_draft_delete(request=obj, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("intake:detail", pk=obj.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("intake:list")


@permission_required(Request, "download")
def endorsement_download(request, pk):
    """The endorsement letter, only for people who may see the request; never from a public URL."""
    obj = get_visible_or_404(request.user, Request, pk=pk)
    if not obj.endorsement_letter or not can(request.user, "download", obj):
        raise Http404
    return letter_response(obj, by=request.user)


def letter_response(obj, *, by):
    """The stored letter as an attachment (the page and the API serve it alike); 404 when the file is gone.
    Each download writes an access row (who, what, when)."""
    # The stored file's extension came from its checked content; the uploaded name is never the download name.
    ext = obj.endorsement_letter.name.rsplit(".", 1)[-1].lower()
    response = download_response(obj.endorsement_letter, filename=stored_name("letter", obj.pk, ext))
    audit.record_access(obj, by=by, what="endorsement letter")
    return response


@permission_required(Request, "see_at_risk")
def at_risk(request):
    rows = selectors.requests_at_risk(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    url = _detail_urls()
    for row in page.object_list:  # the rows of the page shown, each shaped once (see _list_rows)
        r = row["request"]
        row.update(url=url(r.pk), title=mark_safe(_escape(tr(r.title))),  # noqa: S308 - escaped
                   status=selectors.status_label(r.status), clock_badge=clock_html(row["clock"]))
        row["html"] = risk_row_html(row)
    return render(request, "intake/at_risk.html", {"page": page, "actions": registry.risk_rows_for(request.user)})


# ---------------------------------------------------------------- the EU Delegation's consultation


@permission_required(Request, "consult_delegation")
@require_POST
def delegation_consult(request, pk):
    """Staff ask the Delegation of one of the request's countries for its opinion (from the request's page)."""
    obj = get_visible_or_404(request.user, Request, pk=pk)
    raw = request.POST.get("country", "")
    country = obj.countries.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) <= 18 else None
    try:
        services.delegation_consult(request=obj, by=request.user, country=country,
                                    question=request.POST.get("question", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The EU Delegation is asked for its opinion; you will be told when it answers."))
    return redirect("intake:detail", pk=obj.pk)


@permission_required(DelegationConsultation, "view")
@require_http_methods(["GET", "POST"])
def delegation_opinion(request, pk):
    """The Delegation's page for one consultation: the question, the request, and the form for its opinion."""
    consultation = get_visible_or_404(request.user, selectors.consultation_detail_queryset(), pk=pk)
    if request.method == "POST" and not can(request.user, "answer", DelegationConsultation):
        raise PermissionDenied  # only a Delegation answers; staff and the committee read
    may_answer = can(request.user, "answer", consultation) and consultation.is_open
    form = DelegationOpinionForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("The opinion has already been given."))
            return redirect("intake:opinion", pk=consultation.pk)
        if form.is_valid():
            try:
                services.delegation_opinion_give(consultation=consultation, by=request.user,
                                                 opinion=form.cleaned_data["opinion"])
            except ValidationFailed as exc:
                form.add_error("opinion", exc.message)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("intake:opinion", pk=consultation.pk)
            else:
                messages.success(request, _("Your opinion is recorded. Thank you."))
                return redirect("intake:opinion", pk=consultation.pk)
    return render(request, "intake/opinion.html", {"consultation": consultation, "obj": consultation.request,
                                                   "form": form})


@permission_required(Request, "assign_owner")
@require_http_methods(["GET", "POST"])
def request_owner(request, pk):
    """Give the request its owning officer (or change it): a form with the active programme officers."""
    obj = get_visible_or_404(request.user, selectors.request_detail_queryset(), pk=pk)
    if not can(request.user, "assign_owner", obj):
        raise Http404
    form = OwnerForm(request.POST or None, initial={"owner": obj.owner_id} if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_assign_owner(request=obj, owner=form.cleaned_data["owner"], by=request.user)
        except ValidationFailed as exc:
            form.add_error("owner", exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("intake:detail", pk=obj.pk)
        else:
            messages.success(request, _("The owner is recorded."))
            return redirect("intake:detail", pk=obj.pk)
    return render(request, "core/owner_form.html", {
        "form": form, "object_label": str(obj), "current": obj.owner, "back_url": reverse("intake:detail", args=[obj.pk])})


@permission_required(Request, "follow")
@require_POST
def request_follow(request, pk):
    """Follow the request (its news reaches the person) or stop following it (``following=0``)."""
    obj = get_visible_or_404(request.user, Request, pk=pk)
    try:
        if request.POST.get("following") == "0":
            unfollow(request.user, obj, by=request.user)
            messages.success(request, _("You no longer follow this request."))
        else:
            follow(request.user, obj, by=request.user)
            messages.success(request, _("You follow this request: its news will reach you."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("intake:detail", pk=obj.pk)
