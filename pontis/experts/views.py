"""Roster pages: thin views that parse input, call one selector or service and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pontis.actions.selectors import activity_detail_queryset
from pontis.core import audit
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.exports import export_response
from pontis.core.http import client_ip, require_http_methods, require_POST
from pontis.core.permissions import (
    can,
    get_visible_or_404,
    permission_required,
    public,
    signed_in,
)
from pontis.core.selectors import cached_figures
from pontis.core.uploads import download_response, stored_name

from . import matching, selectors, services
from .forms import (
    CONSENT_PURPOSE,
    CandidateSearchForm,
    DeclineForm,
    ErasureForm,
    EvaluationForm,
    FeedbackForm,
    ImportForm,
    InvitationForm,
    LanguageFormSet,
    ProfileForm,
    RegistrationForm,
    RosterFilterForm,
    TransitionForm,
    UnavailabilityForm,
    WeightsForm,
    languages_from,
)
from .models import Deployment, ExpertProfile, ImportJob, Invitation, Unavailability
from .paging import CURSOR_PARAMS, roster_page
from .panels import activity_takes_experts
from .services.imports import import_job_create  # noqa: F401
from .services.profiles import TRANSITION_VERBS

REGISTRATIONS_PER_HOUR = 5


def _client_ip(request):
    return client_ip(request)


def _activity(request, pk):
    return get_visible_or_404(request.user, activity_detail_queryset(), pk=pk)


def _error(request, exc: DomainError):
    messages.error(request, exc.message)


# ---------------------------------------------------------------- registration (public)


@public
@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None, request.FILES or None)
    formset = LanguageFormSet(request.POST or None, prefix="lang")
    if request.method == "POST":
        key = f"experts:register:{_client_ip(request)}"
        attempts = cache.get(key, 0)
        if attempts >= REGISTRATIONS_PER_HOUR:
            messages.error(request, _("Too many registrations from your network in the last hour. Please try again later."))
            return render(request, "experts/register.html", {"form": form, "formset": formset,
                                                             "purpose": CONSENT_PURPOSE}, status=429)
        if form.is_valid() and formset.is_valid() and not form.cleaned_data.get("website"):
            fields, m2m, cv = form.split()
            try:
                services.profile_register(email=form.cleaned_data["email"], consent=form.cleaned_data["consent"],
                                          consent_purpose=str(CONSENT_PURPOSE), fields=fields, m2m=m2m,
                                          languages=languages_from(formset), cv=cv, language=get_language() or "en")
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                cache.set(key, attempts + 1, 3600)
                return redirect("experts:register_sent")
    return render(request, "experts/register.html", {"form": form, "formset": formset, "purpose": CONSENT_PURPOSE})


@public
def register_sent(request):
    return render(request, "experts/register_sent.html")


@public
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """Confirm the e-mail address (creates the account), then choose a password on the same page."""
    try:
        profile = services.profile_confirm_email(token=token)
    except DomainError as exc:
        return render(request, "experts/confirm_failed.html", {"message": exc.message}, status=400)
    user = profile.user
    if user.has_usable_password() and request.method != "POST":
        messages.info(request, _("Your address is confirmed. Sign in with your password."))
        return redirect("account_login")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. Your account is ready; staff will now review your profile."))
        return redirect("experts:me")
    return render(request, "experts/confirm.html", {"form": form, "profile": profile})


# ---------------------------------------------------------------- roster (staff)


ROSTER_COUNT_CAP = 500  # a search or filter counts to 500 ("more than 500"); Next and Last still reach the end
ROSTER_PER_PAGE = 25


@permission_required(ExpertProfile, "view_roster")
def roster(request):
    form = RosterFilterForm(request.GET or None)
    queryset = selectors.roster_base()
    filtered = form.is_bound and any(value for key, value in request.GET.items() if key not in CURSOR_PARAMS)
    count_key = None
    if form.is_valid():
        search = form.search_kwargs()
        queryset = selectors.roster_search(queryset, **search)
        count_key = selectors.roster_count_key(search)
    elif form.is_bound:
        queryset = queryset.none()
    query = request.GET.copy()
    for key in CURSOR_PARAMS:
        query.pop(key, None)
    # A search or a filter is counted up to ROSTER_COUNT_CAP; the whole roster exactly, as a figure shared by
    # every worker for a few minutes (an index-only scan of 100,000 entries, 40-70 ms, on every page otherwise).
    count = None if filtered else cached_figures("experts.roster_size", selectors.roster_size)
    page = roster_page(queryset, request.GET, rows=selectors.roster_page_queryset, per_page=ROSTER_PER_PAGE,
                       cap=ROSTER_COUNT_CAP, count=count, base_query=query.urlencode(), count_key=count_key)
    page.object_list = selectors.roster_rows(page.object_list)
    return render(request, "experts/roster.html", {"form": form, "page": page, "query": query.urlencode()})


@permission_required(ExpertProfile, "export")
def export(request, fmt):
    """The filtered roster as CSV or XLSX (staff only; no CV text, no references)."""
    form = RosterFilterForm(request.GET or None)
    queryset = selectors.roster_base()
    if form.is_valid():
        queryset = selectors.roster_search(queryset, **form.search_kwargs())
    # Labels in the reader's language; the coded columns beside them are what the roster import reads back.
    header = ["email", "given_name", "family_name", "gender", "nationality", "nationality_code", "background",
              "institution", "languages", "language_codes", "thematic_areas", "thematic_area_codes", "topics",
              "topic_codes", "countries_of_experience", "country_codes", "status", "registered_on"]

    def names(items):
        return "; ".join(str(item) for item in items)

    def codes(items):
        return ";".join(item.code for item in items)

    def row(p):
        languages, themes, topics = p.languages.all(), p.themes.all(), p.topics.all()
        countries = p.countries_experience.all()
        return [p.email, p.given_name, p.family_name, p.get_gender_display(), str(p.nationality or ""),
                p.nationality.code if p.nationality_id else "", p.get_background_display(), p.institution_name,
                "; ".join(el.label for el in languages), ";".join(f"{el.language.code}:{el.level}" for el in languages),
                names(themes), codes(themes), names(topics), codes(topics), names(countries), codes(countries),
                p.get_status_display(), p.registered_on]

    rows = (row(p) for p in queryset.select_related("nationality").prefetch_related(
        "languages__language", "themes", "topics", "countries_experience").order_by("id").iterator(chunk_size=2000))
    # Names and institutions come from public registration: the export helper keeps them from running as formulas.
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    response = export_response(fmt, header, rows, filename="roster", sheet="roster")
    audit.record_access(ExpertProfile, by=request.user, what=f"roster export ({fmt})", action="export")
    return response


@signed_in
def profile(request, pk):
    profile = get_visible_or_404(request.user, selectors.profile_detail_queryset(), pk=pk)
    if profile.user_id == request.user.pk and not can(request.user, "vet", profile):
        return redirect("experts:me")
    allowed = sorted(ExpertProfile.TRANSITIONS.get(profile.status, ()))
    return render(request, "experts/profile.html", {
        "profile": profile, "transitions": [(to, TRANSITION_VERBS[to]) for to in allowed] if not profile.anonymised_at else [],
        "transition_form": TransitionForm(), "deployments": selectors.deployments_for_profile(profile),
        "invitations": selectors.invitations_for_profile(profile),
        "languages": profile.languages.select_related("language"),
    })


@permission_required(ExpertProfile, "vet")
@require_POST
def transition(request, pk):
    profile = get_visible_or_404(request.user, ExpertProfile, pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.profile_transition(profile=profile, to=form.cleaned_data["to"], by=request.user,
                                        note=form.cleaned_data["note"])
            messages.success(request, _("The profile status is updated."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("This step is not possible from the current status."))
    return redirect("experts:profile", pk=pk)


@permission_required(ExpertProfile, "anonymise")
@require_POST
def anonymise(request, pk):
    profile = get_visible_or_404(request.user, ExpertProfile, pk=pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Anonymise this expert?"),
            caption=str(profile),
            consequences=[
                _("The expert's name, contact details, CV and free text are replaced by a pseudonym, everywhere."),
                _("The history of the profile is rewritten with the pseudonym."),
                _("Deployment statistics are kept, without the person."),
                _("This cannot be undone."),
            ],
            button=_("Anonymise the expert"),
            cancel_url=reverse("experts:profile", args=[pk]),
        )
    try:
        services.profile_anonymise(profile=profile, by=request.user)
        messages.success(request, _("The profile is anonymised. Deployment statistics are kept."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("experts:profile", pk=pk)


@signed_in
def cv_download(request, pk):
    profile = get_visible_or_404(request.user, ExpertProfile, pk=pk)
    if not profile.cv:
        raise Http404
    ext = profile.cv.name.rsplit(".", 1)[-1].lower()  # from the checked content when it was stored
    response = download_response(profile.cv, filename=stored_name("cv", profile.pk, ext))
    audit.record_access(profile, by=request.user, what="CV")
    return response


# ---------------------------------------------------------------- the expert's own pages


def _my_profile(request):
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise Http404
    return profile


@signed_in
def me(request):
    profile = selectors.profile_of(request.user)
    if profile is None:
        return render(request, "experts/me_none.html")
    return render(request, "experts/me.html", {
        "profile": profile, "languages": profile.languages.select_related("language"),
        "invitations": selectors.invitations_for_profile(profile), "deployments": selectors.deployments_for_profile(profile),
        "unavailabilities": profile.unavailabilities.all(), "unavailability_form": UnavailabilityForm(),
        "erasure_form": ErasureForm(), "stale": profile in services.profiles_stale(),
    })


def _initial(profile):
    return {"given_name": profile.given_name, "family_name": profile.family_name, "gender": profile.gender,
            "nationality": profile.nationality, "background": profile.background,
            "institution_name": profile.institution_name, "years_experience": profile.years_experience,
            "themes": profile.themes.all(), "topics": profile.topics.all(),
            "countries_experience": profile.countries_experience.all(), "regions_experience": profile.regions_experience.all(),
            "biography": profile.biography, "references": profile.references}


@signed_in
@require_http_methods(["GET", "POST"])
def edit(request, pk=None):
    profile = get_visible_or_404(request.user, ExpertProfile, pk=pk) if pk else _my_profile(request)
    form = ProfileForm(request.POST or None, request.FILES or None, initial=_initial(profile))
    formset = LanguageFormSet(request.POST or None, prefix="lang", initial=[
        {"language": el.language, "level": el.level} for el in profile.languages.select_related("language")])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields, m2m, cv = form.split()
        try:
            services.profile_update(profile=profile, by=request.user, fields=fields, m2m=m2m,
                                    languages=languages_from(formset), cv=cv)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("experts:me" if profile.user_id == request.user.pk else "experts:profile",
                            **({} if profile.user_id == request.user.pk else {"pk": profile.pk}))
    return render(request, "experts/edit.html", {"form": form, "formset": formset, "profile": profile})


@signed_in
@require_POST
def unavailability_add(request):
    profile = _my_profile(request)
    form = UnavailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.unavailability_add(profile=profile, by=request.user, **form.cleaned_data)
            messages.success(request, _("The period is saved."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("experts:me")


@signed_in
@require_POST
def unavailability_remove(request, pk):
    period = get_visible_or_404(request.user, Unavailability, pk=pk)
    if not can(request.user, "remove", period):
        raise Http404
    services.unavailability_remove(period=period, by=request.user)
    messages.success(request, _("The period is removed."))
    return redirect("experts:me")


@signed_in
@require_POST
def reconfirm(request):
    services.profile_reconfirm(profile=_my_profile(request), by=request.user)
    messages.success(request, _("Thank you: your profile is confirmed as up to date."))
    return redirect("experts:me")


@signed_in
def my_data(request):
    data = services.profile_export_data(profile=_my_profile(request), by=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-expert-data.json"'
    return response


@signed_in
@require_POST
def erasure(request):
    profile = _my_profile(request)  # 404 for a person without an expert profile, before anything else
    form = ErasureForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Ask for your data to be erased?"),
            consequences=[
                _("The facility erases your name, contact details, CV and texts, and tells you when it is done."),
                _("You will no longer be invited to deployments, and you cannot get your profile back afterwards."),
                _("Anonymous statistics on past deployments are kept."),
            ],
            summary=[(_("Reason"), reason)] if reason else [],
            button=_("Ask for my data to be erased"),
            cancel_url=reverse("experts:me"),
            carry=["reason"],
        )
    try:
        services.erasure_request(profile=profile, by=request.user, reason=reason)
        messages.success(request, _("Your request is recorded. The facility will erase your data and tell you."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("experts:me")


# ---------------------------------------------------------------- invitations


def _answer(request, invitation, via_token):
    decline_form = DeclineForm(request.POST if request.POST.get("answer") == "decline" else None)
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                services.invitation_accept(invitation=invitation, by=None if via_token else request.user, via_token=via_token)
                messages.success(request, _("Thank you: you are confirmed for this activity."))
            elif request.POST.get("answer") == "decline" and decline_form.is_valid():
                services.invitation_decline(invitation=invitation, reason=decline_form.cleaned_data["reason"],
                                            by=None if via_token else request.user, via_token=via_token)
                messages.success(request, _("Your answer is recorded. Thank you for telling us."))
            else:
                raise DomainError(_("Tell us briefly why you decline; it helps us invite better."))
        except DomainError as exc:
            _error(request, exc)
        else:
            return redirect(request.path)
        invitation.refresh_from_db()
    criteria = matching.criteria_for_expert(invitation.profile, invitation.activity)
    return render(request, "experts/invitation.html", {"invitation": invitation, "decline_form": decline_form,
                                                       "criteria": criteria, "via_token": via_token,
                                                       **selectors.invitation_details(invitation)})


@signed_in
@require_http_methods(["GET", "POST"])
def invitation(request, pk):
    invitation = get_visible_or_404(request.user, selectors.invitation_detail_queryset(), pk=pk)
    if invitation.profile.user_id != request.user.pk:
        return redirect("experts:activity_experts", activity_id=invitation.activity_id)
    return _answer(request, invitation, via_token=False)


@public
@require_http_methods(["GET", "POST"])
def invitation_answer(request, token):
    """Answer from the e-mail's signed link, without signing in."""
    try:
        invitation = services.invitation_from_token(token)
    except DomainError as exc:
        return render(request, "experts/confirm_failed.html", {"message": exc.message}, status=400)
    return _answer(request, invitation, via_token=True)


@signed_in
def activity_criteria(request, activity_id):
    """For an activity the expert was invited to or considered for: which criteria they met (their data only)."""
    profile = _my_profile(request)
    activity = selectors.activity_considered_for(profile, activity_id)
    if activity is None:
        raise Http404
    return render(request, "experts/criteria.html", {"activity": activity,
                                                     "criteria": matching.criteria_for_expert(profile, activity)})


# ---------------------------------------------------------------- matching and deployment (staff)


@permission_required(ExpertProfile, "match")
def activities(request):
    upcoming = request.GET.get("when") != "past"
    today = timezone.localdate()
    qs = selectors.activities_by_date(upcoming=upcoming, today=today)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "experts/activities.html", {"page": page, "upcoming": upcoming})


FIND_LIMIT = 10  # experts shown for a search of the whole roster on the candidates page


def _matching_activity(user, activity_id):
    """The activity with its Action, type and country, answering 404 as ``get_visible_or_404`` does to whoever may
    not see it. An activity is visible exactly when its Action is (the activities' policy lists them so), so the
    Action's policy is asked with the Action already read: no second statement to compose on every view."""
    activity = selectors.activity_for_matching(activity_id)
    if activity is None or not can(user, "view", activity.action):
        raise Http404
    return activity


@permission_required(ExpertProfile, "match")
def activity_experts(request, activity_id):
    # The page shows the activity, its type, country and Action: not its languages (matching reads them itself).
    activity = _matching_activity(request.user, activity_id)
    # The weights form was sent when it carries its own fields; a search alone keeps the default weights and rules.
    weights_given = "size" in request.GET or any(key.startswith("w_") for key in request.GET)
    weights = matching.parse_weights(request.GET)
    rules = request.GET.getlist("rules") if weights_given else ["non_eu", "gender_balance", "mix", "no_partner"]
    try:
        size = min(max(int(request.GET.get("size", 3)), 1), 10)
    except ValueError:
        size = 3
    # The form shows what was sent, else the values used (built once: each form copies its nine fields).
    form = WeightsForm(request.GET) if weights_given else WeightsForm(
        initial={"size": size, "rules": rules, **{f"w_{k}": v for k, v in weights.items()}})
    ctx = matching.ActivityContext.of(activity)
    ranked = matching.rank(activity, weights, limit=50, ctx=ctx)
    team, rule_result = matching.suggest_team(ranked, size=size, rules=rules)
    # Any vetted expert can be found by name or words, wherever they rank, with the same explanation.
    find_form = CandidateSearchForm(request.GET if "find" in request.GET else None)
    found, found_more = None, False
    if find_form.is_bound and find_form.is_valid() and find_form.cleaned_data["find"]:
        ids = selectors.experts_findable(find_form.cleaned_data["find"], limit=FIND_LIMIT + 1)
        found_more = len(ids) > FIND_LIMIT
        found = matching.explain(activity, ids[:FIND_LIMIT], weights, ctx=ctx)
    people = selectors.activity_roster(activity)
    keep = [(key, value) for key, values in request.GET.lists() if key != "find" for value in values]
    return render(request, "experts/activity_experts.html", {
        "activity": activity, "form": form, "ranked": ranked, "team": team, "team_ids": {c.profile.pk for c in team},
        "rule_result": [(matching.RULES[r], ok) for r, ok in rule_result.items()], "parts": matching.PARTS,
        "weights": weights, **people,
        "invited_ids": {i.profile_id for i in people["invitations"]},
        "deployed_ids": {d.profile_id for d in people["deployments"] if d.status != "cancelled"},
        "find_form": find_form, "found": found, "found_more": found_more, "find_limit": FIND_LIMIT, "keep": keep,
        "takes_experts": activity_takes_experts(activity),
    })


@permission_required(Invitation, "create")
@require_POST
def invite(request, activity_id):
    activity = _activity(request, activity_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        profile = get_visible_or_404(request.user, ExpertProfile, pk=form.cleaned_data["profile"])
        try:
            inv = services.invitation_create(activity=activity, profile=profile, by=request.user,
                                             role=form.cleaned_data["role"], start_date=form.cleaned_data["start_date"],
                                             end_date=form.cleaned_data["end_date"], days=form.cleaned_data["days"],
                                             message=form.cleaned_data["message"],
                                             respond_by=form.cleaned_data["respond_by"],
                                             idempotency_key=form.cleaned_data["idempotency_key"])
            messages.success(request, _("%(name)s is invited.") % {"name": profile.full_name})
            if inv.conflict_of_interest:
                messages.warning(request, _("Possible conflict of interest: the expert works for a partner institution."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Some information is missing or not valid."))
    return redirect("experts:activity_experts", activity_id=activity.pk)


@permission_required(ExpertProfile, "match")
@require_POST
def shortlist(request, activity_id):
    activity = _activity(request, activity_id)
    profile = get_visible_or_404(request.user, ExpertProfile, pk=request.POST.get("profile"))
    try:
        services.shortlist_add(activity=activity, profile=profile, by=request.user)
        messages.success(request, _("%(name)s is on the shortlist.") % {"name": profile.full_name})
    except DomainError as exc:
        _error(request, exc)
    return redirect("experts:activity_experts", activity_id=activity.pk)


@permission_required(Deployment, "change")
@require_POST
def deployment_transition(request, pk):
    deployment = get_visible_or_404(request.user, Deployment, pk=pk)
    if request.POST.get("to") == "cancelled" and not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Cancel this deployment?"),
            caption=str(deployment.profile),
            consequences=[
                _("The expert is no longer deployed on this activity."),
                _("A cancelled deployment cannot be restored: to deploy the expert again, you invite them again."),
            ],
            button=_("Cancel the deployment"),
            cancel_url=reverse("experts:activity_experts", args=[deployment.activity_id]),
            carry=["to"],
        )
    try:
        services.deployment_transition(deployment=deployment, to=request.POST.get("to", ""), by=request.user)
        messages.success(request, _("The deployment is updated."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("experts:activity_experts", activity_id=deployment.activity_id)


@permission_required(Deployment, "evaluate")
@require_http_methods(["GET", "POST"])
def evaluate(request, pk):
    deployment = get_visible_or_404(request.user, selectors.deployment_detail_queryset(), pk=pk)
    if not can(request.user, "evaluate", deployment):
        raise Http404
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(deployment=deployment, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Thank you: the evaluation is recorded."))
            return redirect("core:home")
    return render(request, "experts/evaluate.html", {"deployment": deployment, "form": form})


@signed_in
@require_http_methods(["GET", "POST"])
def feedback(request, pk):
    deployment = get_visible_or_404(request.user, selectors.deployment_detail_queryset(), pk=pk)
    if not can(request.user, "give_feedback", deployment):
        raise Http404
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_feedback_submit(deployment=deployment, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("experts:me")
    return render(request, "experts/feedback.html", {"deployment": deployment, "form": form})


# ---------------------------------------------------------------- imports (staff)


@permission_required(ExpertProfile, "import")
@require_http_methods(["GET", "POST"])
def imports(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
                                             partial=form.cleaned_data["partial"], by=request.user)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("experts:import_job", pk=job.pk)
    page = Paginator(selectors.import_jobs(), 20).get_page(request.GET.get("page"))
    return render(request, "experts/imports.html", {"form": form, "page": page})


@permission_required(ExpertProfile, "import")
def import_job(request, pk):
    # A job whose worker died would otherwise show "Running" for ever; the worker also sweeps every 5 minutes.
    services.import_jobs_recover_stale()
    job = get_visible_or_404(request.user, ImportJob, pk=pk)
    template = "experts/_import_progress.html" if request.headers.get("HX-Request") else "experts/import_job.html"
    return render(request, template, {"job": job})
