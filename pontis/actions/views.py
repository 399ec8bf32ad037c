"""Pages of the actions app: thin — parse input, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core import selectors as reference
from pontis.core.errors import DomainError
from pontis.core.http import require_http_methods, require_POST
from pontis.core.permissions import can, get_visible_or_404, permission_required
from pontis.core.selectors import cached_figures
from pontis.core.uploads import CONTENT_EXTENSIONS, download_response, stored_name
from pontis.intake.models import Request

from . import forms, selectors, services
from .models import FICHE_TEXT_SECTIONS, Action, Activity, Deliverable, FicheVersion

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
    page = Paginator(selectors.actions_for(request.user, **filters), 25).get_page(request.GET.get("page"))
    return render(request, "actions/action_list.html", {"form": form, "page": page})


ACTIVITIES_SHOWN = 25  # activities listed on an Action's page unless all are asked for (?activities=all)


@permission_required(Action, "view")
def action_detail(request, code):
    action = _action(request, code)
    user = request.user
    # A large Action (a hundred activities and more) lists the first ones and a link to all: the page stays quick.
    activities = list(action.activities.all())
    shown = activities if request.GET.get("activities") == "all" else activities[:ACTIVITIES_SHOWN]
    return render(request, "actions/action_detail.html", {
        "action": action, "clock": action.clock(),
        "may_plan_activity": can(user, "create", Activity), "may_register_deliverable": can(user, "create", Deliverable),
        "may_close": can(user, "close", action) and action.status == Action.Status.ONGOING,
        "may_cancel": can(user, "cancel", action) and action.status in (Action.Status.DESIGN, Action.Status.ONGOING),
        "may_record_follow_up": can(user, "record_follow_up", action),
        "reason_form": forms.ReasonForm(), "follow_up_form": forms.FollowUpForm(),
        "partners": action.partners.all(), "activities": shown, "activities_total": len(activities),
        "deliverables": action.deliverables.all(), "versions": action.fiche_versions.all(), "scores": action.self_assessment.all(), "follow_ups": action.follow_ups.all(),
    })


@permission_required(Action, "cancel")
@require_POST
def action_cancel(request, code):
    action = _action(request, code)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the Action is cancelled."))
        return redirect("actions:detail", code=code)
    try:
        services.action_cancel(action=action, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The Action is cancelled."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("actions:detail", code=code)


@permission_required(Action, "close")
@require_http_methods(["GET", "POST"])
def action_close(request, code):
    action = _action(request, code)
    form = forms.CloseForm(request.POST or None)
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
    for i in range(count):
        p = f"act-{i}-"
        if post.get(p + "delete") or not any(post.get(p + k) for k in ("type", "title", "start_date", "place")):
            continue
        rows.append({k: post.get(p + k, "") for k in ("type", "title", "start_date", "end_date", "place", "language",
                                                      "participants", "expert_profile")} | {"online": bool(post.get(p + "online"))})
    return rows


@permission_required(Action, "view")
@require_http_methods(["GET", "POST"])
def fiche(request, code):
    action = _action(request, code)
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
    blank_rows = 2 if may_edit else 0
    return render(request, "actions/fiche.html", {
        "action": action, "version": version, "versions": versions, "content": content, "errors": errors,
        "sections": [(key, label, (content or {}).get(key, "")) for key, label in FICHE_TEXT_SECTIONS],
        "rows": rows + [{} for _i in range(blank_rows)], "row_count": len(rows) + blank_rows,
        "activity_types": reference.active_activity_types() if may_edit else [],
        "languages": reference.languages() if may_edit else [],
        "may_edit": may_edit,
        "may_propose": can(user, "propose_fiche", action) and version.status == FicheVersion.Status.DRAFT,
        "may_comment": can(user, "comment_fiche", action),
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
        "action": action, "version": version,
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
        "report_form": forms.ReportForm(),
    })


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
            form = forms.ReportForm(request.POST)
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
    items = selectors.actions_at_risk()
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "actions/at_risk.html", {"page": page})


