"""Every write to meetings: create, change, mark held, cancel, and the calendar sequence.

Conventions (STYLE.md): keyword-only, atomic, permission checked with ``ensure`` (``by=None`` is the system:
demo loader and imports), validated before anything is written, one audit row per change. The agenda (sessions,
contributions, discussion notes, speakers' links) is written by ``services/agenda.py``.

Calendars: a calendar client only replaces an event it already holds when the event's SEQUENCE grows (RFC 5545),
so every change to what a calendar shows (title, dates, place, status) calls ``meeting_touch_calendar``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, ValidationFailed
from pontis.core.i18n import clean_translations
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure, visible_to
from pontis.core.timezones import known_zone
from pontis.core.workflow import check_transition, transition

from ..models import Meeting

MEETING_FIELDS = {"kind", "title", "summary", "notes", "start_date", "end_date", "city", "country", "region",
                  "organisers", "is_public", "time_zone", "registration", "capacity", "registration_closes_at",
                  "self_check_in", "speaker_deadline", "panel", "activity"}
# Words that begin other addresses under /events/ (events/urls*.py): a meeting cannot take them as its short name.
RESERVED_SLUGS = frozenset({"new", "m", "r", "speaker", "invitation", "calendar", "panels", "activity"})
MEETING_M2M = {"host_countries", "languages", "themes"}
# What an .ics file shows of a meeting: a change to any of these bumps ``ics_sequence``.
CALENDAR_FIELDS = ("title", "start_date", "end_date", "city", "country", "time_zone", "status", "kind")


def _check(by, action, obj):
    if by is not None:
        ensure(by, action, obj)


def meeting_touch_calendar(meeting: Meeting) -> int:
    """Bump the meeting's calendar SEQUENCE (one UPDATE, safe under concurrent changes); answers the new value.

    Call it after any change that a calendar shows (title, dates, times, place, status); the meeting in hand is
    refreshed with the stored value."""
    Meeting.objects.filter(pk=meeting.pk).update(ics_sequence=F("ics_sequence") + 1)
    meeting.ics_sequence = Meeting.objects.values_list("ics_sequence", flat=True).get(pk=meeting.pk)
    return meeting.ics_sequence


def _utc(value):
    """Moments are kept in UTC: the same moment given in another zone is no change (and no audit row)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return value.astimezone(datetime.UTC)
    return value


def meeting_slug_for(title, start_date) -> str:
    """A free short name made from the year and the title ("2016-panel-meeting-on-migration"), with "-2", "-3"...
    when it is taken."""
    texts = clean_translations(title) if isinstance(title, dict) else {}
    text = texts.get("en") or next(iter(texts.values()), "") or "meeting"
    year = start_date.year if isinstance(start_date, datetime.date) else timezone.localdate().year
    base = f"{year}-{slugify(text)}"[:70].strip("-") or f"{year}-meeting"
    slug, n = base, 1
    while Meeting.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _validate_meeting(meeting: Meeting, *, by=None) -> None:
    errors = {}
    if meeting.kind not in Meeting.Kind.values:
        errors["kind"] = _("Choose a kind of meeting.")
    if not meeting.title:
        errors["title"] = _("Write the title in at least one language.")
    if not isinstance(meeting.start_date, datetime.date) or not isinstance(meeting.end_date, datetime.date):
        errors["start_date"] = _("Give the first and the last day.")
    elif meeting.end_date < meeting.start_date:
        errors["end_date"] = _("The last day cannot be before the first day.")
    if not meeting.is_online and not (meeting.city or "").strip():
        errors["city"] = _("Give the city where the meeting takes place.")
    try:
        validate_slug(meeting.slug or "")
    except ValidationError:
        errors["slug"] = _("Use only letters, numbers, hyphens and underscores in the short name.")
    else:
        if meeting.slug in RESERVED_SLUGS:
            errors["slug"] = _("This short name is used by the site itself; choose another one.")
    if known_zone(meeting.time_zone) is None:
        errors["time_zone"] = _("Choose a time zone from the list (for example Europe/Minsk).")
    if meeting.registration not in Meeting.Registration.values:
        errors["registration"] = _("Choose how people register.")
    if meeting.capacity is not None and meeting.capacity < 1:
        errors["capacity"] = _("The number of places must be at least 1, or empty for no limit.")
    if meeting.capacity is not None and meeting.registration == Meeting.Registration.NONE:
        errors["capacity"] = _("A number of places only applies to a meeting with registration.")
    closes = meeting.registration_closes_at
    if closes is not None and isinstance(meeting.end_date, datetime.date) and closes.date() > meeting.end_date:
        errors["registration_closes_at"] = _("Registration must close by the meeting's last day.")
    if meeting.self_check_in and meeting.registration == Meeting.Registration.NONE:
        errors["self_check_in"] = _("Self check-in needs registration: only registered people can check in.")
    if meeting.activity_id is not None:
        other = Meeting.objects.filter(activity_id=meeting.activity_id).exclude(pk=meeting.pk).first()
        if other is not None:
            errors["activity"] = _("This activity already has its meeting: %(meeting)s.") % {"meeting": other}
        elif by is not None and not visible_to(by, type(meeting.activity)).filter(pk=meeting.activity_id).exists():
            errors["activity"] = _("Choose one of the activities you may see.")
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first], errors=errors, field=first)


def _set_m2m(meeting: Meeting, values: dict) -> None:
    for name in MEETING_M2M:
        if name in values and values[name] is not None:
            getattr(meeting, name).set(values[name])


def _calendar_view(meeting: Meeting) -> tuple:
    return tuple(getattr(meeting, name if name not in ("country",) else "country_id") for name in CALENDAR_FIELDS)


@transaction.atomic
def meeting_create(*, by, slug: str, kind: str, title: dict, start_date, end_date, summary: dict | None = None,
                   notes: dict | None = None, city: str = "", country=None, region=None, organisers: str = "",
                   is_public: bool = False, held: bool = False, host_countries=(), languages=(), themes=(),
                   time_zone: str = "Europe/Brussels", registration: str = Meeting.Registration.NONE,
                   capacity: int | None = None, registration_closes_at=None, self_check_in: bool = False,
                   speaker_deadline=None, panel=None, activity=None, idempotency_key: str | None = None) -> Meeting:
    """Create a meeting (status *planned*, or *held* for a past one when ``held``) and audit it. Without a short
    name, one is made from the year and the title.

    The same ``idempotency_key`` from the same person answers the meeting the first call made (a double-submitted
    form, an API retry). The short name is the natural key: another meeting with it raises ``Conflict``. Raises
    ``NotAllowed`` for anyone but facility staff, ``ValidationFailed`` (naming the field) for a missing title,
    unordered dates, a missing city, an unknown time zone, an activity that already has a meeting or that the
    person may not see, or a *held* meeting that has not started.
    """
    _check(by, "create", Meeting)
    claim = creation_claim(scope="events.meeting_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    key = (idempotency_key or "").strip()[:64] or None
    if key and by is None:
        existing = Meeting.objects.filter(creation_key=key).first()
        if existing is not None:
            return existing
    slug = (slug or "").strip().lower() or meeting_slug_for(title, start_date)
    meeting = Meeting(slug=slug, kind=kind, title=clean_translations(title), summary=clean_translations(summary),
                      notes=clean_translations(notes), start_date=start_date, end_date=end_date, city=(city or "").strip(),
                      country=country, region=region or (country.region if country else None),
                      organisers=(organisers or "").strip(), is_public=bool(is_public), time_zone=time_zone or "",
                      registration=registration or Meeting.Registration.NONE, capacity=capacity,
                      registration_closes_at=_utc(registration_closes_at), self_check_in=bool(self_check_in),
                      speaker_deadline=_utc(speaker_deadline), panel=panel, activity=activity)
    if key and by is None:
        meeting.creation_key = key
    _validate_meeting(meeting, by=by)
    if held:
        if meeting.start_date > timezone.localdate():
            raise ValidationFailed(_("A meeting that has not started cannot be recorded as held."), field="status")
        meeting.status = Meeting.Status.HELD
    if Meeting.objects.filter(slug=slug).exists():
        raise Conflict(_("A meeting with this short name already exists."), field="slug")
    meeting.save()
    _set_m2m(meeting, {"host_countries": host_countries, "languages": languages, "themes": themes})
    audit.record_create(meeting, by=by)
    return claim.fulfil(meeting)


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, **fields) -> Meeting:
    """Change a meeting's details (not its status: see ``meeting_mark_held``, ``meeting_cancel``); the audit row
    lists each change, and a change a calendar shows bumps the calendar sequence. Resubmitting the same values
    changes nothing (no audit row, no new sequence).

    Raises ``NotAllowed``, or ``ValidationFailed`` for an unknown field or invalid values (nothing is saved).
    """
    _check(by, "change", meeting)
    unknown = set(fields) - MEETING_FIELDS - MEETING_M2M
    if unknown:
        raise ValidationFailed(_("These details cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = audit.snapshot(meeting)
    calendar_before = _calendar_view(meeting)
    for key in ("title", "summary", "notes"):
        if key in fields:
            fields[key] = clean_translations(fields[key])
    for key, value in fields.items():
        if key in MEETING_FIELDS:
            setattr(meeting, key, value.strip() if isinstance(value, str) else _utc(value))
    _validate_meeting(meeting, by=by)
    meeting.save()
    _set_m2m(meeting, fields)
    audit.record_update(meeting, by=by, before=before)
    if _calendar_view(meeting) != calendar_before:
        meeting_touch_calendar(meeting)
    if meeting.capacity != before.get("capacity") or meeting.registration != before.get("registration"):
        # More places (or no limit any more): the first wait-listed people take them, as on the places form.
        from .registration import waitlist_promote  # noqa: PLC0415 - registration imports this module

        waitlist_promote(meeting=meeting, by=by)
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by) -> Meeting:
    """Record that a planned meeting took place. Raises ``IllegalTransition`` if it is already held or cancelled,
    ``ValidationFailed`` if its first day is still to come, ``NotAllowed`` for anyone but facility staff."""
    _check(by, "mark_held", meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.HELD:
        raise IllegalTransition(_("This meeting is already recorded as held."))
    check_transition(meeting, Meeting.Status.HELD)
    if meeting.start_date > timezone.localdate():
        raise ValidationFailed(_("A meeting that has not started cannot be recorded as held."), field="status")
    transition(meeting, to=Meeting.Status.HELD, by=by)
    meeting_touch_calendar(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by, reason: str) -> Meeting:
    """Cancel a planned meeting, with the reason (kept in ``status_reason`` and the history). Calendars that hold
    it receive the cancellation (sequence bumped). Raises ``NotAllowed``, ``ValidationFailed`` without a reason,
    ``IllegalTransition`` for a meeting already held or cancelled."""
    _check(by, "cancel", meeting)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the meeting is cancelled."), field="reason")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    transition(meeting, to=Meeting.Status.CANCELLED, by=by, note=reason[:2000], status_reason=reason[:2000])
    meeting_touch_calendar(meeting)
    return meeting
