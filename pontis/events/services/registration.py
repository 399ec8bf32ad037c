"""Every write of registration and attendance: invitations, requests, decisions, withdrawals, the waiting list,
check-in (by staff and by QR code) and the activity's participant figures that attendance gives.

Guarantees:

- one registration per e-mail and meeting (a second request, a double submit or an API retry answers the first);
- every status move goes through ``core.workflow.transition`` (history and audit row);
- approvals never exceed the meeting's places: the meeting row is locked (``select_for_update``) before places
  are counted, so two decisions or two withdrawals at the same moment never approve or promote past capacity, nor
  promote the same person twice (PostgreSQL; SQLite serialises writers anyway);
- only approved people are checked in, once per day (a unique constraint settles a race);
- when the meeting belongs to an activity, every change of attendance rewrites the activity's participant figures
  through the actions app's own service.

Personal links (``token``) are never written to the audit trail (core.audit.NEVER_AUDITED_FIELDS).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pontis.actions.services import activity_participants_from_attendance
from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.notifications import email_queue
from pontis.core.permissions import can, ensure
from pontis.core.timezones import known_zone
from pontis.core.workflow import check_transition, transition

from ..models import Attendance, Meeting, MeetingInvitation, Registration
from ..selectors.registration import attendance_totals

Status = Registration.Status
DECISIONS = {"approve": Status.APPROVED, "waitlist": Status.WAITLISTED, "reject": Status.REJECTED}
REGISTRATION_FIELDS = ("name", "email", "gender", "institution_name", "country", "position", "language")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def registration_code(registration: Registration) -> str:
    """The short code a participant types with their e-mail at the self check-in (8 letters and digits, derived
    from the personal link, so nothing more is stored and it cannot be guessed from the e-mail)."""
    digest = hashlib.sha256(("registration-code:" + registration.token).encode()).digest()
    return base64.b32encode(digest).decode()[:8]


def day_key(meeting: Meeting, day: datetime.date) -> str:
    """The key of one day's self check-in QR code (derived from the meeting's secret ``check_in_key``)."""
    key = (meeting.check_in_key or "").encode()
    return hmac.new(key, day.isoformat().encode(), hashlib.sha256).hexdigest()[:24]


def day_for_key(meeting: Meeting, key: str) -> datetime.date | None:
    """The meeting day whose QR key is ``key``, or None."""
    if not meeting.check_in_key or not key:
        return None
    for offset in range(meeting.days()):
        day = meeting.start_date + datetime.timedelta(days=offset)
        if hmac.compare_digest(day_key(meeting, day), str(key)):
            return day
    return None


def meeting_today(meeting: Meeting) -> datetime.date:
    """Today at the meeting's place (its time zone, else the site's)."""
    zone = known_zone(meeting.time_zone)
    return timezone.localtime(timezone.now(), zone).date() if zone else timezone.localdate()


def _site_url(path: str) -> str:
    return settings.PONTIS_SITE_URL.rstrip("/") + path


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _lock(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().select_related("meeting").get(pk=registration.pk)


def _approved_count(meeting: Meeting) -> int:
    return Registration.objects.filter(meeting=meeting, status=Status.APPROVED).count()


def _has_place(meeting: Meeting) -> bool:
    return meeting.capacity is None or _approved_count(meeting) < meeting.capacity


# ---------------------------------------------------------------- invitations


@transaction.atomic
def invitation_create(*, meeting: Meeting, by, email: str = "", name: str = "", institution=None, seats: int = 1,
                      language: str = "") -> MeetingInvitation:
    """Invite a person (``email``) or an institution (``institution``, ``seats`` places) to register, and e-mail
    the personal registration link (through the outbox, once). Raises NotAllowed for anyone but staff,
    ValidationFailed without an address, or for a meeting without registration by invitation."""
    ensure(by, "create", MeetingInvitation)
    email = (email or "").strip().lower()
    if meeting.registration != Meeting.Registration.INVITATION:
        raise ValidationFailed(_("This meeting does not take registrations by invitation."), field="email")
    if not email:
        raise ValidationFailed(_("Give the e-mail address the invitation goes to."), field="email",
                               errors={"email": [_("Give the e-mail address the invitation goes to.")]})
    if not isinstance(seats, int) or not 1 <= seats <= 500:
        raise ValidationFailed(_("Offer between 1 and 500 places."), field="seats",
                               errors={"seats": [_("Offer between 1 and 500 places.")]})
    invitation = MeetingInvitation.objects.create(
        meeting=meeting, institution=institution, name=(name or "").strip()[:200], email=email, seats=seats,
        token=new_token(), created_by=by if getattr(by, "pk", None) else None)
    link = _site_url(reverse("events:registration_invitation", args=[invitation.token]))
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Invitation to register: %(meeting)s") % {"meeting": meeting}
        body = _("You are invited to register for %(meeting)s (%(start)s to %(end)s).\n\n"
                 "Register with this personal link (no account needed):\n%(link)s\n") % {
            "meeting": meeting, "start": meeting.start_date.isoformat(), "end": meeting.end_date.isoformat(),
            "link": link}
    email_queue(key=f"meeting-invitation-{invitation.pk}", to=[email], subject=subject, body=body)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    audit.record_create(invitation, by=by)
    return invitation


# ---------------------------------------------------------------- requests


def _validate(fields: dict) -> dict:
    errors = {}
    clean = {key: (value.strip() if isinstance(value, str) else value) for key, value in fields.items()}
    clean["email"] = (clean.get("email") or "").lower()
    if not clean.get("name"):
        errors["name"] = _("Give your full name.")
    if not clean["email"] or "@" not in clean["email"]:
        errors["email"] = _("Give your e-mail address.")
    if clean.get("gender") not in Registration.Gender.values:
        errors["gender"] = _("Choose an answer about gender (“Prefer not to say” is one).")
    if not clean.get("institution_name"):
        errors["institution_name"] = _("Give your institution.")
    if clean.get("country") is None:
        errors["country"] = _("Choose your country.")
    if clean.get("language") and clean["language"] not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of the languages offered.")
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first], field=first, errors={k: [v] for k, v in errors.items()})
    return clean


def _confirmation_email(registration: Registration) -> None:
    link = _site_url(reverse("events:registration_own", args=[registration.token]))
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        subject = _("Your registration: %(meeting)s") % {"meeting": registration.meeting}
        body = _("We have received your registration for %(meeting)s. Staff will confirm it.\n\n"
                 "Your personal page (see the status, withdraw, add the meeting to your calendar, check in):\n"
                 "%(link)s\n\nYour registration code: %(code)s\n") % {
            "meeting": registration.meeting, "link": link, "code": registration_code(registration)}
    email_queue(key=f"meeting-registration-{registration.pk}", to=[registration.email], subject=subject, body=body)


def _decision_email(registration: Registration) -> None:
    link = _site_url(reverse("events:registration_own", args=[registration.token]))
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        status = registration.get_status_display()
        subject = _("Your registration for %(meeting)s: %(status)s") % {"meeting": registration.meeting,
                                                                          "status": status}
        body = _("Your registration for %(meeting)s is now: %(status)s.\n\nYour personal page:\n%(link)s\n") % {
            "meeting": registration.meeting, "status": status, "link": link}
    email_queue(key=f"meeting-registration-{registration.pk}-{registration.status}", to=[registration.email],
                subject=subject, body=body)


def _own_account(by, email: str):
    """The account a registration belongs to: the signed-in person's, only when it is their own address (someone
    registering a colleague does not get to manage the colleague's registration)."""
    if getattr(by, "is_authenticated", False) and (by.email or "").strip().lower() == email:
        return by
    return None


@transaction.atomic
def registration_request(*, meeting: Meeting, by=None, invitation: MeetingInvitation | None = None,
                         name: str, email: str, gender: str, institution_name: str, country, position: str = "",
                         language: str = "", institution=None, now=None) -> tuple[Registration, bool]:
    """Ask to register for ``meeting`` (no account needed). Answers ``(registration, created)``: a second request
    with the same e-mail, a double submit or a retry answers the first registration and changes nothing.

    Open meetings take anyone with the link; invitation meetings only a valid ``invitation`` of that meeting,
    within its places. Raises ValidationFailed (missing or invalid answers), IllegalTransition (registration
    closed, meeting cancelled or held, no registration, invitation used up)."""
    email_clean = (email or "").strip().lower()
    existing = Registration.objects.filter(meeting=meeting, email=email_clean).first() if email_clean else None
    if existing is not None:
        return existing, False
    fields = _validate({"name": name, "email": email, "gender": gender, "institution_name": institution_name,
                        "country": country, "position": position or "", "language": language or ""})
    meeting = _lock_meeting(meeting)
    now = now or timezone.now()
    if meeting.registration == Meeting.Registration.NONE:
        raise IllegalTransition(_("This meeting does not take registrations."), code="no_registration")
    if meeting.status != Meeting.Status.PLANNED:
        raise IllegalTransition(_("This meeting is no longer planned: registration is closed."), code="closed")
    if meeting.registration_closes_at and now >= meeting.registration_closes_at:
        raise IllegalTransition(_("Registration for this meeting is closed."), code="closed")
    if meeting.registration == Meeting.Registration.INVITATION:
        if invitation is None or invitation.meeting_id != meeting.pk:
            raise IllegalTransition(_("This meeting takes registrations by invitation only."), code="invitation_only")
        if Registration.objects.filter(invitation=invitation).count() >= invitation.seats:
            raise IllegalTransition(_("All the places of this invitation are taken."), code="invitation_used")
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                meeting=meeting, invitation=invitation, user=_own_account(by, fields["email"]),
                name=fields["name"][:200], email=fields["email"], gender=fields["gender"],
                institution_name=fields["institution_name"][:300], institution=institution or (
                    invitation.institution if invitation else None),
                country=fields["country"], position=fields["position"][:200], language=fields["language"],
                token=new_token())
    except IntegrityError:
        # Two submissions raced: the other one stored it first.
        return Registration.objects.get(meeting=meeting, email=fields["email"]), False
    audit.record_create(registration, by=by if getattr(by, "is_authenticated", False) else None)
    _confirmation_email(registration)
    return registration, True


# ---------------------------------------------------------------- decisions and the waiting list


def _decide_locked(registration: Registration, *, meeting: Meeting, to: str, by, note: str = "") -> Registration:
    if to == Status.APPROVED and not _has_place(meeting):
        to = Status.WAITLISTED
        note = note or _("No place left: wait-listed.")
        if registration.status == Status.WAITLISTED:
            return registration  # already waiting: nothing to record
    transition(registration, to=to, by=by, note=note[:2000], decided_at=timezone.now(),
               decided_by=by if getattr(by, "pk", None) else None, status_note=note[:2000])
    _decision_email(registration)
    return registration


@transaction.atomic
def registration_decide(*, registration: Registration, by, decision: str, note: str = "") -> Registration:
    """Approve, wait-list or reject a registration. An approval beyond the meeting's places wait-lists instead
    (the answer's ``status`` says which). Raises NotAllowed for anyone but staff, ValidationFailed for an unknown
    decision, IllegalTransition for a move the table refuses (a rejected or withdrawn registration)."""
    ensure(by, "decide", registration)
    if decision not in DECISIONS:
        raise ValidationFailed(_("Choose approve, wait-list or reject."), field="decision")
    meeting = _lock_meeting(registration.meeting)
    registration = _lock(registration)
    return _decide_locked(registration, meeting=meeting, to=DECISIONS[decision], by=by, note=note or "")


@transaction.atomic
def registrations_decide(*, registrations, by, decision: str, note: str = "") -> dict:
    """The same decision for several registrations of one meeting, oldest request first. Answers counts by the
    resulting status and ``refused`` (registrations the table does not let move). Raises NotAllowed."""
    ensure(by, "decide", Registration)
    if decision not in DECISIONS:
        raise ValidationFailed(_("Choose approve, wait-list or reject."), field="decision")
    counts = {"approved": 0, "waitlisted": 0, "rejected": 0, "refused": 0}
    items = sorted(registrations, key=lambda r: (r.requested_at, r.pk))
    meetings = {}
    for item in items:
        if item.meeting_id not in meetings:
            meetings[item.meeting_id] = _lock_meeting(item.meeting)
        registration = _lock(item)
        try:
            with transaction.atomic():
                _decide_locked(registration, meeting=meetings[item.meeting_id], to=DECISIONS[decision], by=by,
                               note=note or "")
        except IllegalTransition:
            counts["refused"] += 1
            continue
        counts[registration.status] = counts.get(registration.status, 0) + 1
    return counts


def _promote_locked(meeting: Meeting, *, by) -> list[Registration]:
    promoted = []
    while meeting.capacity is None or _approved_count(meeting) < meeting.capacity:
        first = (Registration.objects.select_for_update().filter(meeting=meeting, status=Status.WAITLISTED)
                 .order_by("requested_at", "id").first())
        if first is None:
            break
        transition(first, to=Status.APPROVED, by=by, note=_("A place became free: promoted from the waiting list."),
                   decided_at=timezone.now(), decided_by=by if getattr(by, "pk", None) else None)
        _decision_email(first)
        promoted.append(first)
    return promoted


@transaction.atomic
def waitlist_promote(*, meeting: Meeting, by=None) -> list[Registration]:
    """Approve wait-listed people, first come first served, while places are free (after a withdrawal, or when
    staff add places). Answers the promoted registrations. Raises NotAllowed for a person who is not staff
    (``by=None`` is the system)."""
    if by is not None:
        ensure(by, "decide", Registration)
    return _promote_locked(_lock_meeting(meeting), by=by)


@transaction.atomic
def registration_capacity_set(*, meeting: Meeting, by, capacity: int | None) -> list[Registration]:
    """Change the meeting's number of places (None: no limit) and promote from the waiting list into any new
    place. Fewer places never un-approve anyone. Raises NotAllowed, ValidationFailed for a negative number."""
    ensure(by, "manage", Registration)
    if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
        raise ValidationFailed(_("Give a whole number of places, or leave it empty for no limit."), field="capacity")
    meeting = _lock_meeting(meeting)
    before = audit.snapshot(meeting, fields=["capacity"], m2m=False)
    meeting.capacity = capacity
    meeting.save(update_fields=["capacity", "updated_at"])
    audit.record_update(meeting, by=by, before=before)
    return _promote_locked(meeting, by=by)


def _may_withdraw(registration: Registration, *, by, token: str) -> bool:
    if token and hmac.compare_digest(str(token), registration.token):
        return True
    return by is not None and can(by, "withdraw", registration)


@transaction.atomic
def registration_withdraw(*, registration: Registration, by=None, token: str = "") -> Registration:
    """Withdraw a registration (by its person, through the account or the personal link ``token``, or by staff).
    When an approved person withdraws, the first wait-listed person takes the place. Raises NotAllowed,
    IllegalTransition (already withdrawn or rejected)."""
    if not _may_withdraw(registration, by=by, token=token):
        raise NotAllowed()
    meeting = _lock_meeting(registration.meeting)
    registration = _lock(registration)
    was_approved = registration.status == Status.APPROVED
    actor = by if getattr(by, "is_authenticated", False) else None
    transition(registration, to=Status.WITHDRAWN, by=actor,
               note=_("Withdrawn by the participant.") if token else "")
    if was_approved:
        _promote_locked(meeting, by=None)
    return registration


# ---------------------------------------------------------------- attendance


def _check_day(meeting: Meeting, day) -> datetime.date:
    if not isinstance(day, datetime.date) or not meeting.start_date <= day <= meeting.end_date:
        raise ValidationFailed(_("Choose one of the days of the meeting."), field="day")
    return day


def _check_approved(registration: Registration) -> None:
    if registration.status != Status.APPROVED:
        raise IllegalTransition(
            _("Only approved participants can be checked in; this registration is “%(status)s”.")
            % {"status": registration.get_status_display()}, code="not_approved")


def _record_attendance(registration: Registration, *, day, method: str, by) -> tuple[Attendance, bool]:
    existing = Attendance.objects.filter(registration=registration, day=day).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(registration=registration, day=day, method=method,
                                                   checked_in_by=by if getattr(by, "pk", None) else None)
    except IntegrityError:
        return Attendance.objects.get(registration=registration, day=day), False
    audit.record_create(attendance, by=by if getattr(by, "pk", None) else None)
    meeting_figures_sync(meeting=registration.meeting, by=by)
    return attendance, True


@transaction.atomic
def attendance_check_in(*, registration: Registration, day, by) -> tuple[Attendance, bool]:
    """Staff mark an approved participant present on ``day``. Answers ``(attendance, created)``; a second check-in
    the same day answers the first. Raises NotAllowed, IllegalTransition (not approved: nothing is recorded),
    ValidationFailed (a day outside the meeting)."""
    ensure(by, "check_in", registration)
    registration = _lock(registration)
    _check_day(registration.meeting, day)
    _check_approved(registration)
    return _record_attendance(registration, day=day, method=Attendance.Method.STAFF, by=by)


@transaction.atomic
def attendance_undo(*, attendance: Attendance, by) -> None:
    """Remove a check-in made by mistake (staff), and rewrite the activity's figures. Raises NotAllowed."""
    ensure(by, "undo", attendance)
    registration = attendance.registration
    audit.record_delete(attendance, by=by)
    Attendance.objects.filter(pk=attendance.pk).delete()
    meeting_figures_sync(meeting=registration.meeting, by=by)


@transaction.atomic
def attendance_self_check_in(*, meeting: Meeting, key: str, registration: Registration | None = None,
                             token: str = "", email: str = "", code: str = "") -> tuple[Attendance, bool]:
    """A participant checks themselves in by the day's QR code ``key``, proving who they are by their personal
    link (``registration`` + its ``token``) or by their e-mail and registration code. Answers ``(attendance,
    created)``: a second scan the same day answers the first ("already checked in").

    Raises NotAllowed (self check-in off, wrong key or code), IllegalTransition (not approved; or not the day
    of the code)."""
    if not meeting.self_check_in or not meeting.check_in_key:
        raise NotAllowed(_("Self check-in is not open for this meeting."))
    day = day_for_key(meeting, key)
    if day is None:
        raise NotAllowed(_("This check-in code is not valid."))
    if registration is None:
        registration = Registration.objects.filter(meeting=meeting, email=(email or "").strip().lower()).first()
        if registration is None or not hmac.compare_digest(registration_code(registration),
                                                           (code or "").strip().upper()):
            raise NotAllowed(_("No registration matches this e-mail address and code."))
    elif registration.meeting_id != meeting.pk or not hmac.compare_digest(str(token or ""), registration.token):
        raise NotAllowed(_("This check-in code is not valid."))
    if day != meeting_today(meeting):
        raise IllegalTransition(_("This check-in code is for another day."), code="other_day")
    registration = _lock(registration)
    _check_approved(registration)
    return _record_attendance(registration, day=day, method=Attendance.Method.SELF, by=None)


@transaction.atomic
def check_in_key_ensure(*, meeting: Meeting, by) -> Meeting:
    """Give the meeting its secret self check-in key (once). Raises NotAllowed, IllegalTransition when the
    meeting does not allow self check-in."""
    ensure(by, "manage", Registration)
    meeting = _lock_meeting(meeting)
    if not meeting.self_check_in:
        raise IllegalTransition(_("This meeting does not use self check-in."), code="no_self_check_in")
    if not meeting.check_in_key:
        meeting.check_in_key = new_token()
        meeting.save(update_fields=["check_in_key", "updated_at"])
    return meeting


# ---------------------------------------------------------------- the activity's figures


def meeting_figures_sync(*, meeting: Meeting, by=None) -> bool:
    """When the meeting belongs to an activity and takes registrations, write its attendance (distinct people,
    any day) into the activity's participant figures: women, men, another gender or not stated, and by
    institution. Answers whether figures were written. Called inside the attendance services' transaction."""
    if not meeting.activity_id or meeting.registration == Meeting.Registration.NONE:
        return False
    totals = attendance_totals(meeting)
    gender = totals["by_gender"]
    activity_participants_from_attendance(
        activity=meeting.activity, women=gender.get("woman", 0), men=gender.get("man", 0),
        other=gender.get("other", 0) + gender.get("unstated", 0),
        by_institution=[{"institution": name, "count": n} for name, n in totals["by_institution"]],
        by=by if getattr(by, "pk", None) else None)
    return True


def check_decision(registration: Registration, decision: str) -> None:
    """Refuse early (for a confirmation page) a decision the table does not allow."""
    if decision not in DECISIONS:
        raise ValidationFailed(_("Choose approve, wait-list or reject."), field="decision")
    check_transition(registration, DECISIONS[decision])


__all__ = [
    "Conflict", "DECISIONS", "invitation_create", "registration_request", "registration_decide",
    "registrations_decide", "waitlist_promote", "registration_capacity_set", "registration_withdraw",
    "attendance_check_in", "attendance_undo", "attendance_self_check_in", "check_in_key_ensure",
    "meeting_figures_sync", "registration_code", "day_key", "day_for_key", "meeting_today", "check_decision",
]
