"""Every write to a meeting's agenda: sessions, contributions, discussion notes, their order, and the speakers'
personal upload links.

Conventions as in ``services/meetings.py``. Staff who may change the meeting may change its agenda. Orders are
unique per meeting (sessions) and per session (contributions, notes): moving swaps two neighbours through a free
place, so the unique constraints hold at every step.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, ValidationFailed
from pontis.core.i18n import clean_translations
from pontis.core.notifications import email_queue
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure

from ..models import Contribution, DiscussionNote, Meeting, Session
from .materials import material_create
from .meetings import meeting_touch_calendar

SESSION_FIELDS = {"kind", "number", "title", "day", "starts_at", "ends_at", "moderator", "summary"}
CONTRIBUTION_FIELDS = {"speaker_name", "speaker_role", "country", "title", "speaker_email"}
NOTE_FIELDS = {"question", "asked_by", "country", "answer", "answered_by"}
UP, DOWN = "up", "down"


def _check(by, action, obj):
    if by is not None:
        ensure(by, action, obj)


def _raise(errors: dict):
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first], errors=errors, field=first)


def _strip(value, limit: int) -> str:
    return (value or "").strip()[:limit]


# ---------------------------------------------------------------- sessions


def _validate_session(session: Session, meeting: Meeting) -> None:
    errors = {}
    if not session.title:
        errors["title"] = _("Write the title in at least one language.")
    if session.kind not in Session.Kind.values:
        errors["kind"] = _("Choose a kind of session.")
    if not isinstance(session.day, datetime.date) or not (meeting.start_date <= session.day <= meeting.end_date):
        errors["day"] = _("The session's day must fall within the meeting's dates.")
    if session.number is not None and not 1 <= session.number <= 999:
        errors["number"] = _("The session number must be between 1 and 999.")
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("The session must end after it starts.")
    if session.ends_at and not session.starts_at:
        errors["starts_at"] = _("Give the time the session starts.")
    _raise(errors)


def _times(session: Session) -> tuple:
    return (session.day, session.starts_at, session.ends_at)


@transaction.atomic
def session_create(*, meeting: Meeting, by, title: dict, day, kind: str = Session.Kind.SESSION,
                   number: int | None = None, starts_at=None, ends_at=None, moderator: str = "",
                   summary: dict | None = None, order: int | None = None,
                   idempotency_key: str | None = None) -> Session:
    """Add a session (kind "business" for general business) to a meeting's agenda, at the end unless ``order``
    is given. The same ``idempotency_key`` answers the session the first call made.

    Raises ``NotAllowed``; ``ValidationFailed`` (naming the field) for a missing title, a day outside the
    meeting's dates, an end before the start; ``Conflict`` if ``order`` is taken.
    """
    _check(by, "change", meeting)
    claim = creation_claim(scope="events.session_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    session = Session(meeting=meeting, kind=kind or Session.Kind.SESSION, number=number, title=clean_translations(title),
                      day=day, starts_at=starts_at, ends_at=ends_at, moderator=_strip(moderator, 300),
                      summary=clean_translations(summary))
    _validate_session(session, meeting)
    if order is None:
        order = (meeting.sessions.aggregate(m=Max("order"))["m"] or 0) + 1
    elif meeting.sessions.filter(order=order).exists():
        raise Conflict(_("Another session already has this place in the agenda."), field="order")
    session.order = order
    session.save()
    audit.record_create(session, by=by)
    if session.starts_at:
        meeting_touch_calendar(meeting)
    return claim.fulfil(session)


@transaction.atomic
def session_update(*, session: Session, by, **fields) -> Session:
    """Change a session (kind, number, title, day, times, moderator, summary); the audit row lists the changes.
    Raises ``NotAllowed`` or ``ValidationFailed`` (nothing saved)."""
    _check(by, "change", session)
    unknown = set(fields) - SESSION_FIELDS
    if unknown:
        raise ValidationFailed(_("These details cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    session = Session.objects.select_for_update().select_related("meeting").get(pk=session.pk)
    before = audit.snapshot(session)
    times = _times(session)
    for key in ("title", "summary"):
        if key in fields:
            fields[key] = clean_translations(fields[key])
    if "moderator" in fields:
        fields["moderator"] = _strip(fields["moderator"], 300)
    for key, value in fields.items():
        setattr(session, key, value)
    _validate_session(session, session.meeting)
    session.save()
    audit.record_update(session, by=by, before=before)
    if _times(session) != times:
        meeting_touch_calendar(session.meeting)
    return session


@transaction.atomic
def session_delete(*, session: Session, by) -> None:
    """Remove a session with its contributions, discussion notes and materials (the page asks for confirmation
    first). Raises ``NotAllowed``."""
    _check(by, "change", session)
    session = Session.objects.select_for_update().select_related("meeting").get(pk=session.pk)
    audit.record_delete(session, by=by)
    meeting = session.meeting
    had_times = session.starts_at is not None
    session.delete()
    if had_times:
        meeting_touch_calendar(meeting)


def _swap(obj, siblings, direction: str) -> None:
    """Swap ``obj``'s ``order`` with its neighbour among ``siblings`` (a queryset ordered by ``order``)."""
    if direction not in (UP, DOWN):
        raise ValidationFailed(_("Move up or down."), field="direction")
    if direction == UP:
        neighbour = siblings.filter(order__lt=obj.order).order_by("-order").first()
    else:
        neighbour = siblings.filter(order__gt=obj.order).order_by("order").first()
    if neighbour is None:
        raise IllegalTransition(_("This item is already first.") if direction == UP else _("This item is already last."),
                                code="cannot_move")
    free = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    mine, theirs = obj.order, neighbour.order
    obj.order = free
    obj.save(update_fields=["order"])
    neighbour.order = mine
    neighbour.save(update_fields=["order"])
    obj.order = theirs
    obj.save(update_fields=["order"])


@transaction.atomic
def session_move(*, session: Session, by, direction: str) -> Session:
    """Move a session one place up or down within its day. Raises ``NotAllowed``, ``IllegalTransition`` when it
    is already first or last of its day, ``ValidationFailed`` for another direction."""
    _check(by, "change", session)
    Meeting.objects.select_for_update().filter(pk=session.meeting_id).first()
    session = Session.objects.get(pk=session.pk)
    _swap(session, Session.objects.filter(meeting_id=session.meeting_id, day=session.day), direction)
    audit.record(session, action="update", by=by, note=f"moved {direction}")
    return session


# ---------------------------------------------------------------- contributions


def _validate_contribution(c: Contribution) -> None:
    errors = {}
    if not c.speaker_name:
        errors["speaker_name"] = _("Give the speaker's name.")
    if c.speaker_email:
        try:
            validate_email(c.speaker_email)
        except ValidationError:
            errors["speaker_email"] = _("Give a valid e-mail address, like name@example.org.")
    _raise(errors)


@transaction.atomic
def contribution_create(*, session: Session, by, speaker_name: str, speaker_role: str = "", country=None,
                        title: dict | None = None, speaker_email: str = "", order: int | None = None,
                        idempotency_key: str | None = None) -> Contribution:
    """Add a speaker's contribution to a session (at the end unless ``order`` is given). The same
    ``idempotency_key`` answers the contribution the first call made.

    Raises ``NotAllowed``; ``ValidationFailed`` without a speaker or with an invalid e-mail; ``Conflict`` if
    ``order`` is taken.
    """
    _check(by, "change", session)
    claim = creation_claim(scope="events.contribution_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    session = Session.objects.select_for_update().get(pk=session.pk)
    contribution = Contribution(session=session, speaker_name=_strip(speaker_name, 200),
                                speaker_role=_strip(speaker_role, 400), country=country, title=clean_translations(title),
                                speaker_email=_strip(speaker_email, 254))
    _validate_contribution(contribution)
    if order is None:
        order = (session.contributions.aggregate(m=Max("order"))["m"] or 0) + 1
    elif session.contributions.filter(order=order).exists():
        raise Conflict(_("Another contribution already has this place in the session."), field="order")
    contribution.order = order
    contribution.save()
    audit.record_create(contribution, by=by)
    return claim.fulfil(contribution)


@transaction.atomic
def contribution_update(*, contribution: Contribution, by, **fields) -> Contribution:
    """Change a contribution (speaker, role, country, title, e-mail). Raises ``NotAllowed``, ``ValidationFailed``."""
    _check(by, "change", contribution)
    unknown = set(fields) - CONTRIBUTION_FIELDS
    if unknown:
        raise ValidationFailed(_("These details cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    before = audit.snapshot(contribution)
    limits = {"speaker_name": 200, "speaker_role": 400, "speaker_email": 254}
    for key, value in fields.items():
        if key == "title":
            value = clean_translations(value)
        elif key in limits:
            value = _strip(value, limits[key])
        setattr(contribution, key, value)
    _validate_contribution(contribution)
    contribution.save()
    audit.record_update(contribution, by=by, before=before)
    return contribution


@transaction.atomic
def contribution_delete(*, contribution: Contribution, by) -> None:
    """Remove a contribution and its materials (the page asks for confirmation first). Raises ``NotAllowed``."""
    _check(by, "change", contribution)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    audit.record_delete(contribution, by=by)
    contribution.delete()


@transaction.atomic
def contribution_move(*, contribution: Contribution, by, direction: str) -> Contribution:
    """Move a contribution one place up or down in its session (``IllegalTransition`` at either end)."""
    _check(by, "change", contribution)
    Session.objects.select_for_update().filter(pk=contribution.session_id).first()
    contribution = Contribution.objects.get(pk=contribution.pk)
    _swap(contribution, Contribution.objects.filter(session_id=contribution.session_id), direction)
    audit.record(contribution, action="update", by=by, note=f"moved {direction}")
    return contribution


# ---------------------------------------------------------------- discussion notes


def _validate_note(note: DiscussionNote) -> None:
    if not note.question:
        _raise({"question": _("Write the question.")})


@transaction.atomic
def note_create(*, session: Session, by, question: str, asked_by: str = "", country=None, answer: str = "",
                answered_by: str = "", idempotency_key: str | None = None) -> DiscussionNote:
    """Record a question of a session's discussion and its answer, at the end. Raises ``NotAllowed``,
    ``ValidationFailed`` without a question."""
    _check(by, "change", session)
    claim = creation_claim(scope="events.note_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    session = Session.objects.select_for_update().get(pk=session.pk)
    note = DiscussionNote(session=session, question=(question or "").strip()[:20000], asked_by=_strip(asked_by, 300),
                          country=country, answer=(answer or "").strip()[:20000], answered_by=_strip(answered_by, 300))
    _validate_note(note)
    note.order = (session.discussion.aggregate(m=Max("order"))["m"] or 0) + 1
    note.save()
    audit.record_create(note, by=by)
    return claim.fulfil(note)


@transaction.atomic
def note_update(*, note: DiscussionNote, by, **fields) -> DiscussionNote:
    """Change a discussion note. Raises ``NotAllowed``, ``ValidationFailed``."""
    _check(by, "change", note.session)
    unknown = set(fields) - NOTE_FIELDS
    if unknown:
        raise ValidationFailed(_("These details cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    note = DiscussionNote.objects.select_for_update().get(pk=note.pk)
    before = audit.snapshot(note)
    limits = {"asked_by": 300, "answered_by": 300, "question": 20000, "answer": 20000}
    for key, value in fields.items():
        setattr(note, key, _strip(value, limits[key]) if key in limits else value)
    _validate_note(note)
    note.save()
    audit.record_update(note, by=by, before=before)
    return note


@transaction.atomic
def note_delete(*, note: DiscussionNote, by) -> None:
    """Remove a discussion note (after confirmation). Raises ``NotAllowed``."""
    _check(by, "change", note.session)
    audit.record_delete(note, by=by)
    note.delete()


@transaction.atomic
def note_move(*, note: DiscussionNote, by, direction: str) -> DiscussionNote:
    """Move a discussion note one place up or down (``IllegalTransition`` at either end)."""
    _check(by, "change", note.session)
    Session.objects.select_for_update().filter(pk=note.session_id).first()
    note = DiscussionNote.objects.get(pk=note.pk)
    _swap(note, DiscussionNote.objects.filter(session_id=note.session_id), direction)
    audit.record(note, action="update", by=by, note=f"moved {direction}")
    return note


# ---------------------------------------------------------------- speakers' personal links


def speaker_link_path(contribution: Contribution) -> str:
    return reverse("events:agenda_speaker", args=[contribution.speaker_token]) if contribution.speaker_token else ""


@transaction.atomic
def speaker_link_send(*, contribution: Contribution, by, renew: bool = False) -> Contribution:
    """Give the contribution's speaker a personal upload link (an unguessable token, made once; ``renew`` makes a
    new one and the old link stops working) and e-mail it to the speaker's address through the outbox.

    Raises ``NotAllowed``; ``ValidationFailed`` (``speaker_email``) when the contribution has no e-mail address.
    The token is never written to the audit trail."""
    _check(by, "change", contribution)
    contribution = Contribution.objects.select_for_update().select_related("session__meeting").get(pk=contribution.pk)
    if not contribution.speaker_email:
        raise ValidationFailed(_("Add the speaker's e-mail address first."), field="speaker_email")
    if renew or not contribution.speaker_token:
        contribution.speaker_token = secrets.token_urlsafe(32)
    contribution.speaker_link_sent_at = timezone.now()
    contribution.save(update_fields=["speaker_token", "speaker_link_sent_at"])
    meeting = contribution.session.meeting
    url = settings.PONTIS_SITE_URL.rstrip("/") + speaker_link_path(contribution)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your presentation at %(meeting)s: upload your slides") % {"meeting": meeting}
        deadline = ""
        if meeting.speaker_deadline:
            deadline = _("You can upload until %(deadline)s (UTC).") % {
                "deadline": meeting.speaker_deadline.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M")}
        body = _("Dear %(name)s,\n\nThis personal link lets you upload the slides and documents of your "
                 "contribution to %(meeting)s, without an account:\n%(url)s\n\n%(deadline)s\n\nPlease do not "
                 "share the link: whoever holds it can upload in your name.") % {
            "name": contribution.speaker_name, "meeting": meeting, "url": url, "deadline": deadline}
    stamp = contribution.speaker_link_sent_at.strftime("%Y%m%d%H%M%S%f")
    email_queue(key=f"events-speaker-link-{contribution.pk}-{stamp}", to=[contribution.speaker_email],
                subject=subject, body=body)
    audit.record(contribution, action="update", by=by, note="speaker link sent")
    return contribution


def speaker_may_upload(contribution: Contribution, *, now=None) -> bool:
    """Whether the speaker's link still accepts files: until the meeting's speaker deadline (no deadline: until
    the meeting's last day), and never for a cancelled meeting."""
    meeting = contribution.session.meeting
    if meeting.status == Meeting.Status.CANCELLED:
        return False
    now = now or timezone.now()
    if meeting.speaker_deadline is not None:
        return now <= meeting.speaker_deadline
    return timezone.localdate(now) <= meeting.end_date


@transaction.atomic
def speaker_upload(*, contribution: Contribution, title: str, upload, idempotency_key: str | None = None, now=None):
    """A speaker's file for their own contribution, through their personal link (the caller found the contribution
    by its token). The protection module checks and stores the file (``material_create``).

    Raises ``IllegalTransition`` after the deadline, ``ValidationFailed`` without a title or for a refused file."""
    contribution = Contribution.objects.select_related("session__meeting").get(pk=contribution.pk)
    if not speaker_may_upload(contribution, now=now):
        raise IllegalTransition(_("The deadline for speakers' uploads has passed. Send your file to the organisers."),
                                code="speaker_deadline_passed")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the document a title."), field="title")
    return material_create(meeting=contribution.session.meeting, title=title[:300], upload=upload, by=None,
                           session=contribution.session, contribution=contribution, kind="presentation",
                           access="inherit", speaker=True,
                           # the key is the speaker's form's: scoped to this contribution, it can name no other file
                           key=f"speaker-{contribution.pk}-{idempotency_key}"[:64] if idempotency_key else None)
