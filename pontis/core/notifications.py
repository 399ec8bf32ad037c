"""Notifications (news): an in-app item worded at read time, and an e-mail copy sent by a background task."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation

from . import news
from .awaiting import prepared_rows
from .errors import NotAllowed
from .models import Notification, OutboxEmail
from .tasks import send_email, send_notification_email

log = logging.getLogger(__name__)


def notify(*, recipients, event: str = "", params: dict | None = None, target=None, url: str = "",
           dedupe_key: str = "", email: bool = True, subject=None, body="") -> list[Notification]:
    """Tell each recipient that something happened: stores the ``event`` (declared in an app's ``news.py``,
    see ``pontis.core.news``) with its ``params`` and the object it is about (``target``), not a sentence; the
    page words it in the reader's language when it is read, the e-mail in the recipient's language when it leaves.

    ``params`` holds plain JSON values only (ids, codes, ISO dates, ``{"en": ..., "fr": ...}`` titles); anything
    else raises TypeError (a programming error). The same ``dedupe_key`` for the same recipient is stored once, so
    a retried step does not notify twice. Inactive recipients and ``None`` are skipped. E-mails leave after the
    transaction commits.

    Older callers may still pass ``subject``/``body`` (lazy translations or callables taking the recipient), which
    are rendered once, in the recipient's preferred language, and stored.
    """
    if not event and subject is None:
        raise TypeError("notify() needs an event (or, for older callers, a subject).")
    if event and news.event_for(event) is None:
        log.warning("notify(): the news event %s is not declared in any news.py", event)
    clean_params = json.loads(json.dumps(params or {}))  # plain JSON only: raises TypeError otherwise
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    created = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        fields = {"event": event, "params": clean_params, "subject": ""}
        if not event:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                s = subject(user) if callable(subject) else str(subject)
                b = body(user) if callable(body) else str(body)
            fields = {"subject": s[:255], "body": b}
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user, url=url, dedupe_key=dedupe_key[:200], target_type=target_type,
                    target_id=target.pk if target is not None else None, **fields)
        except IntegrityError:
            continue
        created.append(note)
        if email:
            transaction.on_commit(lambda pk=note.pk: send_notification_email.enqueue(pk))
    return created


def email_queue(*, key: str, to: list[str], subject, body: str = "") -> OutboxEmail:
    """Queue a plain e-mail (one with no in-app notification) to leave after the transaction commits.

    ``key`` names the e-mail for good (for example ``expert-registration-confirm-42``): queueing the same key again
    returns the first one and sends nothing more, and the task sends each key once.
    """
    outbox, created = OutboxEmail.objects.get_or_create(
        key=key[:200], defaults={"to": list(to), "subject": str(subject)[:255], "body": str(body)})
    if created:
        transaction.on_commit(lambda: send_email.enqueue(outbox.pk))
    return outbox


def outbox_forget(*, addresses) -> int:
    """Erasure: queued or sent e-mails to any of ``addresses`` lose those addresses and the body (which may hold a
    personal link); their key stays, so nothing is queued again, and one left with no recipient is marked as gone
    and never sent. Answers the number of e-mails changed."""
    wanted = {a.strip().lower() for a in addresses if a and a.strip()}
    changed = 0
    candidates = OutboxEmail.objects.none()
    for address in wanted:
        candidates = candidates | OutboxEmail.objects.filter(to__icontains=address)
    for email in candidates.distinct():
        kept = [a for a in email.to if str(a).strip().lower() not in wanted]
        if kept == email.to:
            continue
        email.to, email.body = kept, ""
        if not kept:  # nobody left to send it to
            email.sent_at = email.sent_at or timezone.now()
        email.save(update_fields=["to", "body", "sent_at"])
        changed += 1
    return changed


def notification_mark_read(*, notification: Notification, by) -> Notification:
    if notification.recipient_id != by.pk:
        raise NotAllowed()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, by) -> int:
    """Mark every unread notification of ``by`` as read, in one UPDATE. Answers how many were unread."""
    if not getattr(by, "is_authenticated", False):
        raise NotAllowed()
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


def _unread_count(*, user):
    # Counted per recipient (no row: none unread) so that the statement is written once per worker, then only run
    # (``core.awaiting.prepared_rows``): the count is on every page of a signed-in person.
    return (Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()
            .values("recipient").annotate(unread=Count("pk")).values_list("unread"))


def notifications_unread_count(user, request=None) -> int:
    """The person's unread news (one COUNT), kept on ``request`` so a page asks it once however often it shows."""
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(request, "_pontis_unread_count", None) if request is not None else None
    if cached is not None:
        return cached
    rows = prepared_rows("core.notifications_unread_count", _unread_count, {"user": user.pk})
    count = rows[0][0] if rows else 0
    if request is not None:
        request._pontis_unread_count = count
    return count
