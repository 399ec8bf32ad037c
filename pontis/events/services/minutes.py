"""Every write to a meeting's minutes: the draft (executive summary and body, in several languages), the
consultation of attendees until a deadline, their comments, and publication.

Per-session summaries are ``Session.summary`` (written in the agenda editor); the report shows them.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.i18n import clean_translations
from pontis.core.permissions import can, ensure
from pontis.core.workflow import transition

from ..models import Meeting, Minutes, MinutesComment
from ..permissions.minutes import is_attendee

COMMENT_MAX_LENGTH = 5000


def _check(by, action, obj):
    if by is not None:
        ensure(by, action, obj)


@transaction.atomic
def minutes_save(*, meeting: Meeting, by, executive_summary: dict | None, body: dict | None) -> Minutes:
    """Write the draft minutes of ``meeting`` (created on first save). Published minutes are final.
    Raises ``NotAllowed``, ``IllegalTransition`` once published."""
    _check(by, "change", Minutes)
    existing = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if existing is not None and existing.status == Minutes.Status.PUBLISHED:
        raise IllegalTransition(_("Published minutes cannot be changed."))
    summary, text = clean_translations(executive_summary), clean_translations(body)
    if existing is None:
        minutes = Minutes.objects.create(meeting=meeting, executive_summary=summary, body=text)
        audit.record_create(minutes, by=by)
        return minutes
    before = audit.snapshot(existing)
    existing.executive_summary, existing.body = summary, text
    existing.save()
    audit.record_update(existing, by=by, before=before)
    return existing


@transaction.atomic
def minutes_open_comments(*, minutes: Minutes, by, comments_until) -> Minutes:
    """Open draft minutes to the attendees' comments until ``comments_until`` (a moment in the future).
    Raises ``NotAllowed``, ``ValidationFailed`` for a missing or past deadline or empty minutes,
    ``IllegalTransition`` once published."""
    _check(by, "change", minutes)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if comments_until is None or comments_until <= timezone.now():
        raise ValidationFailed(_("Give a deadline for comments in the future."), field="comments_until")
    if not (minutes.executive_summary or minutes.body):
        raise ValidationFailed(_("Write the minutes before asking for comments."), field="body")
    if minutes.status == Minutes.Status.CONSULTATION:
        before = audit.snapshot(minutes)
        minutes.comments_until = comments_until
        minutes.save(update_fields=["comments_until", "updated_at"])
        audit.record_update(minutes, by=by, before=before)
        return minutes
    return transition(minutes, to=Minutes.Status.CONSULTATION, by=by, comments_until=comments_until)


@transaction.atomic
def minutes_publish(*, minutes: Minutes, by) -> Minutes:
    """Publish the minutes (final): whoever may see the meeting may then read them. Comments close.
    Raises ``NotAllowed``, ``ValidationFailed`` for empty minutes, ``IllegalTransition`` if already published."""
    _check(by, "publish", minutes)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if not (minutes.executive_summary or minutes.body):
        raise ValidationFailed(_("Write the minutes before publishing them."), field="body")
    return transition(minutes, to=Minutes.Status.PUBLISHED, by=by, published_at=timezone.now(), published_by=by)


def _comment_key(key: str | None, by, registration) -> str | None:
    """The stored double-submit key: the form's key bound to its author, so nobody can collide with another's."""
    key = (key or "").strip()[:64]
    if not key:
        return None
    owner = f"u{by.pk}" if by is not None and getattr(by, "pk", None) else f"r{getattr(registration, 'pk', '')}"
    return hashlib.sha256(f"{owner}:{key}".encode()).hexdigest()


@transaction.atomic
def minutes_comment_add(*, minutes: Minutes, body: str, by=None, registration=None, key: str | None = None,
                        now=None) -> MinutesComment:
    """Add an attendee's comment to minutes open for comments, before their deadline.

    ``by`` is the signed-in person (staff, an approved participant with an account, or a delegate of the meeting's
    panel); ``registration`` an approved registration proved by its own link (no account). The same ``key`` sent
    twice answers the first comment. Raises ``NotAllowed`` (nothing written) for anyone else or once the
    deadline has passed, ``ValidationFailed`` for an empty comment."""
    now = now or timezone.now()
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if minutes.status != Minutes.Status.CONSULTATION or (minutes.comments_until and now > minutes.comments_until):
        raise NotAllowed(_("These minutes are not open for comments."))
    signed_in = by is not None and getattr(by, "is_authenticated", False)
    allowed = can(by, "comment", minutes) if signed_in else False
    if not allowed and registration is not None:
        allowed = is_attendee(None, minutes.meeting, registration=registration)
    if not allowed:
        raise NotAllowed()
    stored_key = _comment_key(key, by if signed_in else None, registration)
    if stored_key:
        existing = MinutesComment.objects.filter(creation_key=stored_key).first()
        if existing is not None:
            return existing
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write your comment."), field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(_("The comment is too long (5,000 characters at most)."), field="body")
    comment = MinutesComment.objects.create(minutes=minutes, author=by if signed_in else None,
                                            registration=registration if not signed_in else None, body=body,
                                            creation_key=stored_key)
    audit.record_create(comment, by=by if signed_in else None)
    return comment
