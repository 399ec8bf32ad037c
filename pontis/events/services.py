"""Every write to meetings, sessions and contributions.

Conventions (STYLE.md): keyword-only, atomic, permission checked with ``ensure`` (``by=None`` is the system:
demo loader and imports), validated before anything is written, one audit row per change. No notification is
sent yet: nobody awaits a meeting until registration arrives (roadmap), which will notify invitees here.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, ValidationFailed
from pontis.core.i18n import clean_translations
from pontis.core.permissions import ensure
from pontis.core.workflow import transition

from .models import Contribution, Meeting, Session

MEETING_FIELDS = {"kind", "title", "summary", "notes", "start_date", "end_date", "city", "country", "region",
                  "organisers", "is_public"}
MEETING_M2M = {"host_countries", "languages", "themes"}


def _check(by, action, obj):
    if by is not None:
        ensure(by, action, obj)


def _validate_meeting(meeting: Meeting) -> None:
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
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first], errors=errors, field=first)


def _set_m2m(meeting: Meeting, values: dict) -> None:
    for name in MEETING_M2M:
        if name in values and values[name] is not None:
            getattr(meeting, name).set(values[name])


@transaction.atomic
def meeting_create(*, by, slug: str, kind: str, title: dict, start_date, end_date, summary: dict | None = None,
                   notes: dict | None = None, city: str = "", country=None, region=None, organisers: str = "",
                   is_public: bool = False, held: bool = False, host_countries=(), languages=(), themes=()) -> Meeting:
    """Create a meeting (status *planned*, or *held* for a past one when ``held``) and audit it.

    The short name is the natural key: creating it twice raises ``Conflict`` (a double-submitted form or a
    re-run import creates nothing). Raises ``NotAllowed`` for anyone but facility staff, ``ValidationFailed``
    for a missing title, unordered dates, a missing city or a *held* meeting that has not started.
    """
    _check(by, "create", Meeting)
    slug = (slug or "").strip().lower()
    meeting = Meeting(slug=slug, kind=kind, title=clean_translations(title), summary=clean_translations(summary),
                      notes=clean_translations(notes), start_date=start_date, end_date=end_date, city=(city or "").strip(),
                      country=country, region=region or (country.region if country else None),
                      organisers=(organisers or "").strip(), is_public=bool(is_public))
    _validate_meeting(meeting)
    if held:
        if meeting.start_date > timezone.localdate():
            raise ValidationFailed(_("A meeting that has not started cannot be recorded as held."), field="status")
        meeting.status = Meeting.Status.HELD
    if Meeting.objects.filter(slug=slug).exists():
        raise Conflict(_("A meeting with this short name already exists."), field="slug")
    meeting.save()
    _set_m2m(meeting, {"host_countries": host_countries, "languages": languages, "themes": themes})
    audit.record_create(meeting, by=by)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, **fields) -> Meeting:
    """Change a meeting's details (not its status: see ``meeting_mark_held``); the audit row lists each change.

    Raises ``NotAllowed``, or ``ValidationFailed`` for an unknown field or invalid values (nothing is saved).
    """
    _check(by, "change", meeting)
    unknown = set(fields) - MEETING_FIELDS - MEETING_M2M
    if unknown:
        raise ValidationFailed(_("These details cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = audit.snapshot(meeting)
    for key in ("title", "summary", "notes"):
        if key in fields:
            fields[key] = clean_translations(fields[key])
    for key, value in fields.items():
        if key in MEETING_FIELDS:
            setattr(meeting, key, value.strip() if isinstance(value, str) else value)
    _validate_meeting(meeting)
    meeting.save()
    _set_m2m(meeting, fields)
    audit.record_update(meeting, by=by, before=before)
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by) -> Meeting:
    """Record that a planned meeting took place. Raises ``IllegalTransition`` if it is already held,
    ``ValidationFailed`` if its first day is still to come, ``NotAllowed`` for anyone but facility staff."""
    _check(by, "mark_held", meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if Meeting.Status.HELD not in Meeting.TRANSITIONS[meeting.status]:
        raise IllegalTransition(_("This meeting is already recorded as held."))
    if meeting.start_date > timezone.localdate():
        raise ValidationFailed(_("A meeting that has not started cannot be recorded as held."), field="status")
    return transition(meeting, to=Meeting.Status.HELD, by=by)


@transaction.atomic
def session_create(*, meeting: Meeting, by, title: dict, day, number: int | None = None, moderator: str = "",
                   order: int | None = None) -> Session:
    """Add a session to a meeting's agenda (at the end unless ``order`` is given).

    Raises ``NotAllowed``; ``ValidationFailed`` for a missing title or a day outside the meeting's dates;
    ``Conflict`` if ``order`` is taken.
    """
    _check(by, "change", meeting)
    title = clean_translations(title)
    if not title:
        raise ValidationFailed(_("Write the title in at least one language."), field="title")
    if not isinstance(day, datetime.date) or not (meeting.start_date <= day <= meeting.end_date):
        raise ValidationFailed(_("The session's day must fall within the meeting's dates."), field="day")
    existing = meeting.sessions.order_by("-order").values_list("order", flat=True).first()
    if order is None:
        order = (existing or 0) + 1
    elif meeting.sessions.filter(order=order).exists():
        raise Conflict(_("Another session already has this place in the agenda."), field="order")
    session = Session.objects.create(meeting=meeting, order=order, number=number, title=title, day=day,
                                     moderator=(moderator or "").strip())
    audit.record_create(session, by=by)
    return session


@transaction.atomic
def contribution_create(*, session: Session, by, speaker_name: str, speaker_role: str = "", country=None,
                        title: dict | None = None, order: int | None = None) -> Contribution:
    """Add a speaker's contribution to a session (at the end unless ``order`` is given).

    Raises ``NotAllowed``; ``ValidationFailed`` without a speaker; ``Conflict`` if ``order`` is taken.
    """
    _check(by, "change", session)
    speaker_name = (speaker_name or "").strip()
    if not speaker_name:
        raise ValidationFailed(_("Give the speaker's name."), field="speaker_name")
    existing = session.contributions.order_by("-order").values_list("order", flat=True).first()
    if order is None:
        order = (existing or 0) + 1
    elif session.contributions.filter(order=order).exists():
        raise Conflict(_("Another contribution already has this place in the session."), field="order")
    contribution = Contribution.objects.create(session=session, order=order, speaker_name=speaker_name[:200],
                                               speaker_role=(speaker_role or "").strip()[:400], country=country,
                                               title=clean_translations(title))
    audit.record_create(contribution, by=by)
    return contribution
