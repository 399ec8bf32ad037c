"""Registration pages: the participant's form and own page (no account needed), the self check-in, and staff's
registration list, decisions, invitations, export, attendance sheet and check-in screen. Thin: one selector or
service each; the rules live in services/registration.py."""

from __future__ import annotations

import datetime

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.exports import export_response
from pontis.core.http import client_ip, require_http_methods, require_POST
from pontis.core.permissions import permission_required, public

from . import services
from .forms_panels import written_once
from .forms_registration import CapacityForm, DecisionForm, InvitationForm, RegistrationForm, SelfCheckInForm
from .models import Meeting, Registration
from .selectors import registration as selectors
from .services.registration import day_for_key, day_key, registration_code
from .visitor import registration_ids, remember_registration

PAGE_SIZE = 50
# Public forms: at most this many posts per address and hour (a shared office network registers a delegation).
POSTS_PER_HOUR = 60


def rate_limited(request, scope: str, limit: int = POSTS_PER_HOUR) -> bool:
    """Count this POST against the client's address; True once ``limit`` posts were made within the hour."""
    key = f"events:{scope}:{client_ip(request)}"
    if cache.add(key, 1, 3600):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
        return False
    return count > limit


def _private(response):
    """A page reached through a personal link: never cached, never indexed, the link never sent as a referrer to another site (same-origin: "no-referrer" would make the browser send "Origin: null" with the form and fail the CSRF check)."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as inline SVG (scales to its box)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - built by qrcode from our own URL


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _error(request, exc: DomainError):
    messages.error(request, str(exc.message))


# ---------------------------------------------------------------- the participant's form


def _prefill(request, invitation=None) -> dict:
    initial = {}
    user = request.user
    if getattr(user, "is_authenticated", False):
        initial = {"name": user.get_full_name() if hasattr(user, "get_full_name") else "", "email": user.email,
                   "language": getattr(user, "language", "") or ""}
        institution = getattr(user, "institution", None)
        if institution is not None:
            initial["institution_name"] = str(institution)
            initial["country"] = getattr(institution, "country_id", None)
    if invitation is not None:
        initial.setdefault("email", invitation.email)
        if not initial.get("email"):
            initial["email"] = invitation.email
        if invitation.name and not initial.get("name"):
            initial["name"] = invitation.name
        if invitation.institution_id:
            initial["institution_name"] = str(invitation.institution)
            initial["country"] = invitation.institution.country_id
    return initial


def _register(request, meeting: Meeting, *, invitation=None, action_url: str):
    own = selectors.registration_for_user(meeting, request.user)
    if own is not None and request.method == "GET":
        return redirect("events:registration_own", token=own.token)
    form = RegistrationForm(request.POST or None, initial=_prefill(request, invitation))
    status = 200
    if request.method == "POST":
        if rate_limited(request, "register"):
            messages.error(request, _("Too many registrations from your network in the last hour. Please try again later."))
            status = 429
        elif form.is_valid() and not form.cleaned_data.get("website"):
            try:
                registration, created = services.registration_request(
                    meeting=meeting, by=request.user, invitation=invitation, **form.service_fields())
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                mine = registration.pk in registration_ids(request) or (
                    request.user.is_authenticated and registration.user_id == request.user.pk)
                if created or mine:
                    remember_registration(request, registration)
                    if created:
                        messages.success(request, _("Thank you: your registration is received. We have e-mailed "
                                                    "you your personal link."))
                    return redirect("events:registration_own", token=registration.token)
                # Someone else's address, or the person on another device: never show their registration here.
                return _private(render(request, "events/registration_already.html", {"meeting": meeting}))
    return _private(render(request, "events/registration_form.html", {
        "meeting": meeting, "form": form, "invitation": invitation, "action_url": action_url,
        "closed": _closed(meeting)}, status=status))


def _closed(meeting: Meeting) -> bool:
    return bool(meeting.status != Meeting.Status.PLANNED or (
        meeting.registration_closes_at and timezone.now() >= meeting.registration_closes_at))


@public
@require_http_methods(["GET", "POST"])
def register(request, slug):
    meeting = selectors.meeting_for_registration(request.user, slug, registration_ids(request))
    if meeting.registration != Meeting.Registration.OPEN:
        raise Http404
    return _register(request, meeting, action_url=reverse("events:registration_register", args=[slug]))


@public
@require_http_methods(["GET", "POST"])
def register_invited(request, token):
    invitation = selectors.invitation_by_token(token)
    return _register(request, invitation.meeting, invitation=invitation,
                     action_url=reverse("events:registration_invitation", args=[token]))


# ---------------------------------------------------------------- the participant's own page


@public
def own(request, token):
    registration = selectors.registration_by_token(token)
    remember_registration(request, registration)
    meeting = registration.meeting
    own_url = _absolute(request, reverse("events:registration_own", args=[token]))
    return _private(render(request, "events/registration_own.html", {
        "registration": registration, "meeting": meeting, "code": registration_code(registration),
        "qr": qr_svg(own_url) if registration.status == Registration.Status.APPROVED else "",
        "attended": list(registration.attendance.order_by("day")),
        "may_withdraw": registration.status in Registration.TRANSITIONS
        and Registration.Status.WITHDRAWN in Registration.TRANSITIONS[registration.status],
    }))


@public
@require_POST
def withdraw(request, token):
    registration = selectors.registration_by_token(token)
    if rate_limited(request, "withdraw"):
        raise Http404
    if not is_confirmed(request):
        return _private(confirm_page(
            request, title=_("Withdraw your registration?"), caption=str(registration.meeting),
            consequences=[_("Your place is given to the next person on the waiting list."),
                          _("You cannot undo this: to take part after all, you would register again and wait "
                            "for a decision.")],
            button=_("Withdraw my registration"), cancel_url=reverse("events:registration_own", args=[token]),
            carry=[]))
    try:
        services.registration_withdraw(registration=registration, by=request.user, token=token)
        messages.success(request, _("Your registration is withdrawn."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("events:registration_own", token=token)


# ---------------------------------------------------------------- self check-in (QR code)


@public
@require_http_methods(["GET", "POST"])
def self_check_in(request, token, key):
    """The participant's own check-in link for a day (from the screen's QR code)."""
    registration = selectors.registration_by_token(token)
    remember_registration(request, registration)
    meeting = registration.meeting
    result = None
    if request.method == "POST":
        if rate_limited(request, "check-in"):
            raise Http404
        try:
            attendance, created = services.attendance_self_check_in(meeting=meeting, key=key,
                                                                    registration=registration, token=token)
            result = "done" if created else "already"
        except DomainError as exc:
            _error(request, exc)
    return _private(render(request, "events/registration_check_in.html", {
        "meeting": meeting, "registration": registration, "result": result,
        "action_url": reverse("events:registration_self_check_in", args=[token, key])}))


@public
@require_http_methods(["GET", "POST"])
def check_in_start(request, slug, key):
    """Where the screen's QR code leads: a visitor whose browser holds their registration goes on to their own
    check-in link; anyone else checks in with their e-mail and registration code."""
    meeting = selectors.meeting_for_registration(request.user, slug, registration_ids(request))
    if not meeting.self_check_in or day_for_key(meeting, key) is None:
        raise Http404
    for registration_id in registration_ids(request):
        found = selectors.registration_in_meeting(meeting, registration_id)
        if found is not None:
            return redirect("events:registration_self_check_in", token=found.token, key=key)
    form = SelfCheckInForm(request.POST or None)
    result = None
    if request.method == "POST":
        if rate_limited(request, "check-in", limit=30):
            messages.error(request, _("Too many attempts from your network. Please ask the registration desk."))
        elif form.is_valid():
            try:
                _attendance, created = services.attendance_self_check_in(
                    meeting=meeting, key=key, email=form.cleaned_data["email"], code=form.cleaned_data["code"])
                result = "done" if created else "already"
            except DomainError as exc:
                form.add_error(None, str(exc.message))
    return _private(render(request, "events/registration_check_in.html", {
        "meeting": meeting, "form": form, "result": result,
        "action_url": reverse("events:registration_check_in_start", args=[slug, key])}))


# ---------------------------------------------------------------- staff: the list and decisions


@permission_required(Registration, "manage")
def manage(request, slug):
    meeting = selectors.meeting_for_staff(request.user, slug, with_activity=False)  # the page reads activity_id
    status = request.GET.get("status", "")
    status = status if status in Registration.Status.values else ""
    counts = selectors.registration_counts(meeting)
    page = Paginator(selectors.registration_page_values(request.user, meeting, status=status, counts=counts),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    totals, per_day = selectors.attendance_figures(meeting)
    return render(request, "events/registration_manage.html", {
        "meeting": meeting, "page": page, "rows": selectors.registration_rows(page.object_list), "status": status,
        "statuses": Registration.Status.choices,
        "counts": counts, "status_counts": [(label, counts[value]) for value, label in Registration.Status.choices],
        "decision_form": DecisionForm(),
        # Empty forms that depend on nothing but the language (and the places): written once per worker.
        "invitation_form": written_once(("invitation",), InvitationForm),
        "capacity_form": written_once(("capacity", meeting.capacity),
                                      lambda: CapacityForm(initial={"capacity": meeting.capacity})),
        "days": selectors.meeting_days(meeting), "totals": totals, "per_day": per_day,
        "genders": Registration.Gender.choices,
    })


def _decide(request, meeting, registrations, *, decision, note, one):
    if decision == "reject" and not is_confirmed(request):
        names = ", ".join(r.name for r in registrations[:10])
        return confirm_page(
            request, title=_("Reject these registrations?") if not one else _("Reject this registration?"),
            caption=str(meeting), consequences=[_("The people are told by e-mail that they cannot take part."),
                                                _("A rejected registration cannot be approved later.")],
            summary=[(_("Registrations"), names)], button=_("Reject"),
            cancel_url=reverse("events:registration_manage", args=[meeting.slug]))
    try:
        if one:
            registration = services.registration_decide(registration=registrations[0], by=request.user,
                                                        decision=decision, note=note)
            messages.success(request, _("%(name)s: %(status)s.") % {
                "name": registration.name, "status": registration.get_status_display()})
        else:
            counts = services.registrations_decide(registrations=registrations, by=request.user, decision=decision,
                                                   note=note)
            messages.success(request, _("Approved: %(approved)d. Wait-listed: %(waitlisted)d. Rejected: "
                                        "%(rejected)d. Not possible: %(refused)d.") % counts)
    except DomainError as exc:
        _error(request, exc)
    return redirect("events:registration_manage", slug=meeting.slug)


@permission_required(Registration, "decide")
@require_POST
def decide(request, slug, pk):
    meeting = selectors.meeting_for_staff(request.user, slug)
    registration = selectors.registration_get(request.user, meeting, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, wait-list or reject."))
        return redirect("events:registration_manage", slug=slug)
    return _decide(request, meeting, [registration], decision=form.cleaned_data["decision"],
                   note=form.cleaned_data["note"], one=True)


@permission_required(Registration, "decide")
@require_POST
def decide_many(request, slug):
    meeting = selectors.meeting_for_staff(request.user, slug)
    # The list's per-row buttons post "decision" into the same form: the bulk choice has its own name.
    form = DecisionForm({"decision": request.POST.get("bulk_decision") or request.POST.get("decision", ""),
                         "note": request.POST.get("note", "")})
    registrations = selectors.registrations_by_ids(request.user, meeting, request.POST.getlist("registration"))
    if not form.is_valid() or not registrations:
        messages.error(request, _("Tick at least one registration and choose a decision."))
        return redirect("events:registration_manage", slug=slug)
    return _decide(request, meeting, registrations, decision=form.cleaned_data["decision"],
                   note=form.cleaned_data["note"], one=False)


@permission_required(Registration, "manage")
@require_POST
def invite(request, slug):
    meeting = selectors.meeting_for_staff(request.user, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(meeting=meeting, by=request.user, **form.cleaned_data)
            messages.success(request, _("The invitation is sent."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("events:registration_manage", slug=slug)


@permission_required(Registration, "manage")
@require_POST
def capacity(request, slug):
    meeting = selectors.meeting_for_staff(request.user, slug)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            promoted = services.registration_capacity_set(meeting=meeting, by=request.user,
                                                          capacity=form.cleaned_data["capacity"])
            messages.success(request, _("The places are saved. Promoted from the waiting list: %(n)d.")
                             % {"n": len(promoted)})
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Give a whole number of places, or leave it empty for no limit."))
    return redirect("events:registration_manage", slug=slug)


@permission_required(Registration, "manage")
def export(request, slug, fmt):
    meeting = selectors.meeting_for_staff(request.user, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header = [_("Name"), _("E-mail"), _("Gender"), _("Institution"), _("Country"), _("Role or position"),
              _("Language"), _("Status"), _("Requested"), _("Days present")]
    languages = dict(settings.LANGUAGES)
    rows = ([r.name, r.email, r.get_gender_display(), r.institution_name, str(r.country), r.position,
             str(languages.get(r.language, r.language)),
             r.get_status_display(), r.requested_at, ", ".join(a.day.isoformat() for a in r.attendance.all())]
            for r in selectors.registrations_for(request.user, meeting).iterator(chunk_size=500))
    audit.record_access(meeting, by=request.user, what=f"registrations.{fmt}", action="export")
    return export_response(fmt, header, rows, filename=f"registrations-{meeting.slug}", sheet="registrations")


# ---------------------------------------------------------------- staff: attendance


def _day(meeting, value: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404
    if not meeting.start_date <= day <= meeting.end_date:
        raise Http404
    return day


@permission_required(Registration, "check_in")
def attendance(request, slug, day):
    meeting = selectors.meeting_for_staff(request.user, slug)
    day = _day(meeting, day)
    page = Paginator(selectors.attendance_sheet(meeting, day), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/registration_attendance.html", {
        "meeting": meeting, "day": day, "page": page, "days": selectors.meeting_days(meeting),
    })


@permission_required(Registration, "check_in")
@require_POST
def attendance_mark(request, slug, day):
    meeting = selectors.meeting_for_staff(request.user, slug)
    day = _day(meeting, day)
    chosen = request.POST.get("registration", "")
    if not chosen.isdigit():
        messages.error(request, _("Choose the person to check in."))
        return redirect("events:registration_attendance", slug=slug, day=day.isoformat())
    registration = selectors.registration_get(request.user, meeting, chosen)
    try:
        _attendance, created = services.attendance_check_in(registration=registration, day=day, by=request.user)
        if created:
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
        else:
            messages.info(request, _("%(name)s was already checked in.") % {"name": registration.name})
    except DomainError as exc:
        _error(request, exc)
    return redirect("events:registration_attendance", slug=slug, day=day.isoformat())


@permission_required(Registration, "check_in")
@require_POST
def attendance_undo(request, slug, day, pk):
    meeting = selectors.meeting_for_staff(request.user, slug)
    day = _day(meeting, day)
    attendance = selectors.attendance_get(request.user, meeting, pk)
    try:
        services.attendance_undo(attendance=attendance, by=request.user)
        messages.success(request, _("The check-in is undone."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("events:registration_attendance", slug=slug, day=day.isoformat())


@permission_required(Registration, "check_in")
@require_http_methods(["GET", "POST"])
def screen(request, slug, day):
    """The page shown on the room's screen: the day's QR code for self check-in."""
    meeting = selectors.meeting_for_staff(request.user, slug)
    day = _day(meeting, day)
    if request.method == "POST":
        try:
            services.check_in_key_ensure(meeting=meeting, by=request.user)
        except DomainError as exc:
            _error(request, exc)
        return redirect("events:registration_screen", slug=slug, day=day.isoformat())
    qr = url = ""
    if meeting.self_check_in and meeting.check_in_key:
        url = _absolute(request, reverse("events:registration_check_in_start", args=[slug, day_key(meeting, day)]))
        qr = qr_svg(url)
    response = render(request, "events/registration_screen.html", {
        "meeting": meeting, "day": day, "qr": qr, "url": url})
    response["Cache-Control"] = "private, no-store"
    return response
